package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/normalize"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// SeedChildren is how many synthetic children the demo's region holds,
// spread over its nodes by where each child was registered, so that a new
// user sees a living registry (lists with several pages, children under
// many spellings, some missing, some cases closed) and children registered
// in several countries: the hits of the network.
const SeedChildren = 300

// The demo's registries are made from one run of the synthetic generator
// (internal/synth) over the region's countries: on each node, each
// synthetic child's first registration in that country becomes the node's
// child and case, its later registrations there (under other spellings)
// become aliases, and its reports of going missing and being found become
// events of the case. A child registered in two countries is in both
// nodes, spelled as each registered it: the hub finds it. Everything is written through the case service as the demo
// officer (and the supervisor approving closures), so that it carries the
// history and audit entries real work would.

// regionRecords generates the region's synthetic registrations, the same
// for every start of the demo on the same day.
func regionRecords(countries []string, now time.Time) ([]synth.Record, error) {
	return synth.Generate(synth.Options{Children: SeedChildren, Countries: countries, Seed: 2026, Now: now.UTC().Truncate(24 * time.Hour)})
}

// seedRegistry registers the children of recs registered in country, with
// their cases, in an empty registry; in a registry seeded before (a kept
// --dir) it does nothing. It returns how many children it registered.
func seedRegistry(ctx context.Context, svc *cases.Service, users *auth.Service, country auth.Country, recs []synth.Record, now time.Time) (int, error) {
	officer, supervisor, err := demoActors(ctx, users, country)
	if err != nil {
		return 0, err
	}
	var here []synth.Record
	for _, r := range recs {
		if r.Country == string(country) {
			here = append(here, r)
		}
	}
	kids := groupByChild(here)
	regs := make([]cases.Registration, len(kids))
	for i, k := range kids {
		regs[i] = demoRegistration(k, i, country)
	}
	// A registry seeded before holds the demo's references: leave it as it is.
	if res, err := svc.Import(ctx, officer, regs, true); err != nil {
		return 0, fmt.Errorf("demo registry: %w", err)
	} else if res.Updated > 0 {
		return 0, nil
	}
	if _, err := svc.Import(ctx, officer, regs, false); err != nil {
		return 0, fmt.Errorf("demo registry: %w", err)
	}
	caseOf, err := casesByRef(ctx, svc, officer)
	if err != nil {
		return 0, err
	}
	for i, k := range kids {
		caseID, ok := caseOf[regs[i].Child.NationalRef]
		if !ok {
			return 0, errs.E(errs.Internal, "demo registry: imported child %d not listed", i)
		}
		missing, err := demoEvents(ctx, svc, officer, caseID, k, i, country, now)
		if err != nil {
			return 0, fmt.Errorf("demo registry: events: %w", err)
		}
		if i%12 == 5 && !missing {
			if err := svc.RequestClose(ctx, officer, caseID, "The young person turned 18 and moved to adult services."); err != nil {
				return 0, fmt.Errorf("demo registry: close: %w", err)
			}
			if err := svc.ApproveClose(ctx, supervisor, caseID); err != nil {
				return 0, fmt.Errorf("demo registry: close: %w", err)
			}
		}
	}
	return len(regs), nil
}

// demoActors returns the demo officer and supervisor as actors.
func demoActors(ctx context.Context, users *auth.Service, country auth.Country) (officer, supervisor auth.Actor, err error) {
	list, err := users.ListUsers(ctx, auth.SystemActor, auth.UserFilter{Country: country})
	if err != nil {
		return officer, supervisor, err
	}
	for _, u := range list {
		a := auth.Actor{UserID: u.ID, Role: u.Role, Country: u.Country}
		switch u.Username {
		case "officer":
			officer = a
		case "supervisor":
			supervisor = a
		}
	}
	if officer.UserID == 0 || supervisor.UserID == 0 {
		return officer, supervisor, errs.E(errs.Internal, "demo registry: the demo officer and supervisor accounts are missing")
	}
	return officer, supervisor, nil
}

// groupByChild groups records by synthetic child (Entity), in the order
// the children first appear; each group is in route order.
func groupByChild(recs []synth.Record) [][]synth.Record {
	index := map[string]int{}
	var out [][]synth.Record
	for _, r := range recs {
		i, ok := index[r.Entity]
		if !ok {
			i = len(out)
			index[r.Entity] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// languages spoken by children of each origin group (ISO 639-1, or 639-3
// where none exists).
var languages = map[string][]string{
	"UA": {"uk", "ru"}, "AF": {"prs", "ps"}, "SY": {"ar"}, "IQ": {"ar", "ckb"}, "SO": {"so"}, "ER": {"ti"},
	"MA": {"ar", "fr"}, "VN": {"vi"}, "RO": {"ro"}, "AL": {"sq"}, "NG": {"en", "yo"}, "BY": {"be", "ru"}, "RU": {"ru"},
}

// demoCase gives the i-th child's case: mostly unaccompanied children,
// with the other categories of the network's work among them.
func demoCase(i int) cases.CaseInput {
	k := cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified,
		Placement: cases.Placements[i%len(cases.Placements)], ResponsibleOrg: "Municipal social services", Handling: cases.H2}
	switch i % 10 {
	case 1:
		k.Category = cases.CatSeparated
	case 3:
		k.Category, k.Evidence = cases.CatPresumedTrafficking, cases.EvidencePresumed
		k.Exploitation = []cases.Exploitation{cases.ExpForcedLabour}
	case 6:
		k.Category, k.Evidence = cases.CatCriminalExploitation, cases.EvidencePresumed
		k.Exploitation = []cases.Exploitation{cases.ExpCriminalActivity}
	case 8:
		k.Category = cases.CatMissingFromCare
	}
	switch i % 30 {
	case 13:
		k.Category, k.Evidence = cases.CatIdentifiedTrafficked, cases.EvidenceIdentified
		k.Exploitation = []cases.Exploitation{cases.ExpSexual}
		k.Handling = cases.H3
	case 23:
		k.Category, k.Evidence = cases.CatFalseFamily, cases.EvidenceSuspicion
	}
	return k
}

// demoRegistration turns a synthetic child's records into a registration.
func demoRegistration(recs []synth.Record, i int, country auth.Country) cases.Registration {
	first := recs[0]
	c := cases.ChildInput{
		NationalRef: fmt.Sprintf("%s-DEMO-%04d", country, i+1),
		GivenNames:  first.GivenName, FamilyName: first.FamilyName, Sex: cases.SexUnknown,
		Languages: languages[first.Origin],
	}
	if c.GivenNames == "" && c.FamilyName == "" {
		c.GivenNames = "unknown"
	}
	switch first.Sex {
	case "f":
		c.Sex = cases.SexFemale
	case "m":
		c.Sex = cases.SexMale
	}
	if _, err := normalize.Country(first.Citizenship); err == nil && first.Citizenship != "" {
		c.Citizenships = []string{first.Citizenship}
	}
	if b, ok := first.BirthDate(); ok && !b.After(first.Registered) {
		c.BirthDate = first.DateOfBirth
		if first.DOBEstimated {
			c.BirthPrecision = cases.PrecisionEstimated
			method := cases.MethodInterview
			if i%3 == 0 {
				method = cases.MethodMedical
			}
			c.Assessments = []cases.AgeAssessment{{Date: first.Registered.Format(time.DateOnly), Method: method,
				Outcome: "assessed as a minor, born about " + first.DateOfBirth[:4], AssessedBy: "Migration agency"}}
		}
	}
	// Later registrations of the same child spell the name their own way:
	// the registry keeps them as aliases, and search finds the child by any.
	seen := map[string]bool{strings.ToLower(strings.TrimSpace(c.GivenNames + " " + c.FamilyName)): true}
	for _, r := range recs[1:] {
		name := strings.TrimSpace(r.GivenName + " " + r.FamilyName)
		if name == "" || seen[strings.ToLower(name)] || len(c.Aliases) == 3 {
			continue
		}
		seen[strings.ToLower(name)] = true
		c.Aliases = append(c.Aliases, cases.Alias{Name: name, Source: "registration in " + r.Country})
	}
	k := demoCase(i)
	k.OpenedAt = first.Registered.Add(10 * time.Hour)
	return cases.Registration{Child: c, Case: k}
}

// municipalities of each country, for the demo's events.
var municipalities = map[auth.Country][]string{
	"SE": {"Malmö", "Göteborg", "Stockholm", "Uppsala"}, "DK": {"København", "Aarhus", "Odense"},
	"FI": {"Helsinki", "Tampere", "Turku"}, "DE": {"Berlin", "Hamburg", "München"}, "NO": {"Oslo", "Bergen", "Trondheim"},
	"PL": {"Warszawa", "Kraków", "Gdańsk"}, "LT": {"Vilnius", "Kaunas"}, "LV": {"Rīga", "Daugavpils"},
	"EE": {"Tallinn", "Tartu"}, "IS": {"Reykjavík"},
}

// demoEvents records a child's later history on its case: a placement for
// some, and for a third the reports of going missing and being found that
// the synthetic records hold. It reports whether the child is missing at
// the end.
func demoEvents(ctx context.Context, svc *cases.Service, a auth.Actor, caseID int64, recs []synth.Record, i int, country auth.Country, now time.Time) (bool, error) {
	places := municipalities[country]
	place := func(j int) string {
		if len(places) == 0 {
			return ""
		}
		return places[j%len(places)]
	}
	opened := recs[0].Registered.Add(10 * time.Hour)
	if i%6 == 0 {
		at := opened.Add(72 * time.Hour)
		if at.Before(now) {
			if _, err := svc.AddEvent(ctx, a, caseID, cases.EventInput{Type: cases.EvPlaced, At: at, Municipality: place(i),
				PlaceType: "foster_family", Notes: "Placed with a foster family after the first interview."}); err != nil {
				return false, err
			}
		}
	}
	// The generator reports half of the children missing somewhere on
	// their route; on one node, a third of those make a more plausible
	// registry (and a quicker start).
	if i%3 != 0 {
		return false, nil
	}
	missing := false
	for j, r := range recs[1:] {
		var e cases.EventInput
		switch r.Event {
		case synth.EventMissing:
			e = cases.EventInput{Type: cases.EvWentMissing, PlaceType: "reception_centre", Notes: "Did not return to the centre in the evening."}
		case synth.EventLocated:
			e = cases.EventInput{Type: cases.EvLocated, PlaceType: "police", Notes: "Found during a police check."}
		default:
			continue
		}
		e.At, e.Municipality = r.Registered.Add(time.Duration(14+j)*time.Hour), place(i+j+1)
		if !e.At.After(opened) || e.At.After(now) {
			continue
		}
		if _, err := svc.AddEvent(ctx, a, caseID, e); err != nil {
			return false, err
		}
		missing = e.Type == cases.EvWentMissing
	}
	return missing, nil
}

// casesByRef maps each child's national reference to its case, listing
// the registry as the officer (one audited search per page).
func casesByRef(ctx context.Context, svc *cases.Service, a auth.Actor) (map[string]int64, error) {
	out := map[string]int64{}
	for page := 1; ; page++ {
		res, err := svc.Search(ctx, a, cases.Query{Page: page, PerPage: cases.MaxPerPage})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if len(h.Cases) > 0 {
				out[h.Child.NationalRef] = h.Cases[0].ID
			}
		}
		if len(res.Hits) == 0 || page*res.PerPage >= res.Total {
			return out, nil
		}
	}
}
