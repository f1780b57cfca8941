package cases_test

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

func TestDuplicatesAndAttach(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		held, _ := e.register(t, officerSE, child("Muhammad", "Al-Hassan", "2009-03-14"))
		e.register(t, officerSE, child("Ahmad", "Karimi", "2009-03-14"))    // same date, other child
		e.register(t, officerSE, child("Muhammad", "Hassan", "1999-07-01")) // same names, ten years older
		e.register(t, officerLT, child("Muhammad", "Al-Hassan", "2009-03-14"))

		again := child("Mohammed", "Alhassan", "2009")
		again.BirthPrecision = cases.PrecisionEstimated
		again.Aliases = []cases.Alias{{Name: "محمد الحسن", Source: "self-declared"}}
		again.Languages = []string{"ar", "en"}
		dups, err := e.svc.Duplicates(e.ctx, officerSE, again)
		if err != nil {
			t.Fatal(err)
		}
		if len(dups) != 1 || dups[0].Child.ID != held.ID || dups[0].Score < cases.DuplicateThreshold || dups[0].Score > 1 {
			for _, d := range dups {
				t.Logf("candidate %s %s %s: %.3f", d.Child.GivenNames, d.Child.FamilyName, d.Child.BirthDate, d.Score)
			}
			t.Fatalf("Duplicates found %d candidates, want the child held", len(dups))
		}
		if e.countAudit(t, audit.ActChildRead, "child:"+itoa(held.ID)) != 1 {
			t.Error("a candidate shown is not audited as read")
		}
		// Without a date of birth the names still find the child (and the
		// namesake, whom only a date tells apart).
		nodate := child("Mohamed", "Al Hasan", "")
		if d, err := e.svc.Duplicates(e.ctx, officerSE, nodate); err != nil || len(d) != 2 || (d[0].Child.ID != held.ID && d[1].Child.ID != held.ID) {
			t.Errorf("without a date: %v, %v", d, err)
		}
		if d, err := e.svc.Duplicates(e.ctx, officerSE, child("Oleksandr", "Shevchenko", "2009-03-14")); err != nil || len(d) != 0 {
			t.Errorf("an unrelated child has duplicates: %v, %v", d, err)
		}

		k, err := e.svc.Attach(e.ctx, officerSE, held.ID, again, kase())
		if err != nil {
			t.Fatal(err)
		}
		if k.ChildID != held.ID {
			t.Fatalf("attached case %+v", k)
		}
		got, err := e.svc.Child(e.ctx, officerSE, held.ID)
		if err != nil {
			t.Fatal(err)
		}
		var aliases []string
		for _, a := range got.Aliases {
			aliases = append(aliases, a.Name+"/"+a.Script+"/"+a.Source)
		}
		// Every new spelling is kept.
		want := []string{"Mohammed Alhassan/Latn/registration", "محمد الحسن/Arab/self-declared"}
		if !equalStrings(aliases, want) || got.BirthDate != "2009-03-14" || got.Version != 2 ||
			!equalStrings(got.Languages, []string{"ar", "en"}) {
			t.Errorf("after Attach: aliases %v, date %s, version %d, languages %v", aliases, got.BirthDate, got.Version, got.Languages)
		}
		ks, err := e.svc.CasesOf(e.ctx, officerSE, held.ID)
		if err != nil || len(ks) != 2 {
			t.Fatalf("CasesOf = %d cases, %v", len(ks), err)
		}
		// A registration under a new spelling adds it as an alias and makes
		// the child findable under it.
		other := child("Hamoudi", "Al-Hassan", "2009-03-14")
		if _, err := e.svc.Attach(e.ctx, officerSE, held.ID, other, kase()); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: "Hamoudi"})
		if err != nil || res.Total != 1 || res.Hits[0].Child.ID != held.ID || len(res.Hits[0].Cases) != 3 {
			t.Errorf("search under the attached spelling: %v, %v", names(res), err)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
