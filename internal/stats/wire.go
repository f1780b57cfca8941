package stats

import (
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// WireCodes maps a case's facts (Map) into the codes a node sends the hub
// with the record's encoding: the mapping is made once, on the node, with
// the same table as its national figures.
func WireCodes(f Facts) (*exchange.StatsCodes, error) {
	c, err := Map(f)
	if err != nil {
		return nil, err
	}
	return &exchange.StatsCodes{Status: c.Status, Exploitation: c.Exploitation, AgeGroup: c.AgeGroup,
		AgeBasis: c.AgeBasis, Citizenship: c.Citizenship, Registered: f.Registered.UTC().Format(time.DateOnly)}, nil
}

// wireSex maps the wire format's sex codes.
var wireSex = map[string]string{"f": SexF, "m": SexM, "x": SexX, "": SexUnk}

// FromMetadata returns the registration the hub counts for a record of
// country with reference ref, from the metadata the node sent. Every code
// must be one of its closed list; a record without statistics codes (a
// node that sends none) is an errs.Invalid error, for the hub to count
// and leave out, not to guess. The cluster ids are the caller's.
func FromMetadata(country, ref string, m exchange.Metadata) (Record, error) {
	r := Record{Country: country, Ref: ref}
	s := m.Stats
	if s == nil {
		return r, errs.Field("stats", "the record carries no statistics codes")
	}
	var ok bool
	if r.Sex, ok = wireSex[m.Sex]; !ok {
		return r, unmapped("sex", m.Sex)
	}
	if r.Evidence, ok = evidenceCode[m.Evidence]; !ok {
		return r, unmapped("evidence", m.Evidence)
	}
	for _, v := range []struct {
		dim  Dim
		code string
		dst  *string
	}{
		{DimStatus, s.Status, &r.Status}, {DimExploitation, s.Exploitation, &r.Exploitation},
		{DimAgeGroup, s.AgeGroup, &r.AgeGroup}, {DimAgeBasis, s.AgeBasis, &r.AgeBasis},
		{DimCitizenship, s.Citizenship, &r.Citizenship},
	} {
		if !slices.Contains(Values(v.dim), v.code) {
			return r, unmapped(string(v.dim), v.code)
		}
		*v.dst = v.code
	}
	t, err := time.Parse(time.DateOnly, s.Registered)
	if err != nil {
		return r, errs.Field("registered", "the registration date is not a date (YYYY-MM-DD)")
	}
	r.Registered = t
	return r, nil
}

// Components sets ChildAll of rs from Child and plausible links: the
// connected components of the strict clusters joined by each pair of
// record indices in links. A record whose strict cluster is its
// component's root keeps ChildAll empty (the same as Child).
func Components(rs Records, links [][2]int) {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		root := find(p)
		parent[x] = root
		return root
	}
	for _, l := range links {
		a, b := find(unitOf(&rs[l[0]], Strict)), find(unitOf(&rs[l[1]], Strict))
		if a != b {
			if b < a {
				a, b = b, a
			}
			parent[b] = a
		}
	}
	for i := range rs {
		u := unitOf(&rs[i], Strict)
		if root := find(u); root != u {
			rs[i].ChildAll = root
		}
	}
}

// FactsOf returns the facts of a case of child c as the mapping reads
// them: for a node's sender, which sends WireCodes(FactsOf(c, k)) with the
// record's encoding.
func FactsOf(c *cases.Child, k *cases.Case) Facts {
	f := Facts{Country: string(k.Country), Category: string(k.Category), Evidence: string(k.Evidence),
		Missing: k.Missing, Sex: string(c.Sex), BirthYear: c.BirthYear, BirthPrecision: string(c.BirthPrecision),
		Assessed: len(c.Assessments) > 0, Citizenships: c.Citizenships, Registered: k.OpenedAt}
	for _, e := range k.Exploitation {
		f.Exploitation = append(f.Exploitation, string(e))
	}
	return f
}
