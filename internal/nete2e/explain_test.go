package nete2e

import (
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TestPossibleHitExplainedEndToEnd: in a network of the child-fields
// schema, a child registered twice in Finland (dates of birth two days
// apart) and once in Sweden (two days the other way, another citizenship)
// makes a high and a possible hit on each node; the possible one arrives with the hub's
// explanation, stored by the node and shown on its /hits page, the high
// one without.
func TestPossibleHitExplainedEndToEnd(t *testing.T) {
	n := newNetSchema(t, "", "child-fields")
	se := n.startNode(t, "SE", nil)
	fi := n.startNode(t, "FI", nil)
	dk := n.startNode(t, "DK", nil)
	shareSecret(t, se, fi, dk)
	// Other children first: the hub weighs a name by its frequency among
	// the encodings it holds, and among three every name is common.
	regs := registrations(t, "DK", 300)
	dk.importChildren(t, regs)
	// Matched, too, before the child arrives: matched later, a Danish
	// look-alike could join the child's cluster (a slower run, under the
	// race detector, did so).
	waitFor(t, 60*time.Second, "DK's children on the hub", func() bool { return n.hubEncodings(t, "DK") == len(regs) && n.hubQueue(t) == 0 })

	child := func(nref, dob, citizenship string) cases.ChildInput {
		return cases.ChildInput{NationalRef: nref, GivenNames: "Ahmad", FamilyName: "Rahimi", BirthDate: dob,
			BirthPrecision: cases.PrecisionExact, Sex: cases.SexMale, Citizenships: []string{citizenship}}
	}
	fi.register(t, child("FI/2026/1", "2009-03-14", "AF"))
	fi.register(t, child("FI/2026/2", "2009-03-16", "AF"))
	waitFor(t, 30*time.Second, "FI's children on the hub", func() bool { return n.hubEncodings(t, "FI") == 2 && n.hubQueue(t) == 0 })
	// Sweden recorded another citizenship (Iranian: the family came
	// through Iran). Two days apart the pair is still a match, four days
	// apart (the same year) it needs a person's look.
	se.register(t, child("SE-26-0001", "2009-03-12", "IR"))
	waitFor(t, 30*time.Second, "two hits on both nodes", func() bool { return len(se.queue(t)) == 2 && len(fi.queue(t)) == 2 })

	for _, nd := range []*testNode{se, fi} {
		bands := map[string]int{}
		for _, h := range nd.queue(t) {
			bands[h.Band]++
			switch {
			case h.Band == "high" && h.Explanation != nil:
				t.Errorf("%s: a high hit with an explanation", nd.cfg.Country)
			case h.Band == "possible" && (h.Explanation == nil || len(h.Explanation.Terms) != 4 || h.Explanation.Terms[1].Level != "same year"):
				t.Errorf("%s: the possible hit's explanation %+v", nd.cfg.Country, h.Explanation)
			}
		}
		if bands["high"] != 1 || bands["possible"] != 1 {
			t.Errorf("%s: hits by band %v, want one high and one possible", nd.cfg.Country, bands)
		}
	}
	page, err := se.user(t, "olga.officer", auth.RoleOfficer).Get("/hits")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<details class="explain">`, `<td>given name the same, family name the same</td>`, `<td>same year, another day</td>`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("SE's /hits page lacks %s", want)
		}
	}
	if strings.Count(page.Body, `<details class="explain">`) != 1 {
		t.Errorf("SE's /hits page shows %d explanations, want 1", strings.Count(page.Body, `<details class="explain">`))
	}
}
