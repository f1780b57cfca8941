package cases_test

import (
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
)

// TestSearchBrief checks that a brief search finds, ranks and pages as a
// full one, gives each hit the fields a list of results shows with the
// same values, its cases newest first, and leaves out (never opens) the
// rest: notes, places, references and aliases.
func TestSearchBrief(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		registry(t, e)
		ci := child("Muhammad", "Rahimi", "2011-03-04")
		ci.NationalRef, ci.BirthPlace, ci.Notes = "SE-77", "Herat", "arrived alone at Malmö"
		ci.Aliases = []cases.Alias{{Name: "Mohammad Rahimi", Script: "Latn", Source: "police"}}
		c, _ := e.register(t, officerSE, ci)
		k := kase()
		k.Category, k.OpenedAt = cases.CatIdentifiedTrafficked, t0.Add(-time.Hour)
		if _, err := e.svc.Attach(e.ctx, officerSE, c.ID, ci, k); err != nil {
			t.Fatal(err)
		}
		for _, q := range []cases.Query{{Text: "Muhammad"}, {Text: "Mohammed Rahimi"}, {Text: "Muhammad", PerPage: 1, Page: 2}, {}} {
			full, err := e.svc.Search(e.ctx, officerSE, q)
			if err != nil {
				t.Fatal(err)
			}
			q.Brief = true
			brief, err := e.svc.Search(e.ctx, officerSE, q)
			if err != nil {
				t.Fatal(err)
			}
			if brief.Total != full.Total || len(brief.Hits) != len(full.Hits) || len(full.Hits) == 0 {
				t.Fatalf("%+v: brief %d of %d, full %d of %d", q, len(brief.Hits), brief.Total, len(full.Hits), full.Total)
			}
			for i, b := range brief.Hits {
				f := full.Hits[i]
				bc, fc := b.Child, f.Child
				if bc.ID != fc.ID || bc.Ref != fc.Ref || bc.Country != fc.Country || bc.Sex != fc.Sex ||
					bc.BirthPrecision != fc.BirthPrecision || bc.BirthYear != fc.BirthYear ||
					bc.GivenNames != fc.GivenNames || bc.FamilyName != fc.FamilyName || bc.Version != fc.Version || b.Score != f.Score {
					t.Errorf("%+v: hit %d brief %+v, full %+v", q, i, bc, fc)
				}
				if bc.Notes != "" || bc.BirthPlace != "" || bc.NationalRef != "" || bc.BirthDate != "" || len(bc.Aliases) != 0 {
					t.Errorf("%+v: a brief hit holds more than a list shows: %+v", q, bc)
				}
				if len(b.Cases) != len(f.Cases) {
					t.Fatalf("%+v: %d cases brief, %d full", q, len(b.Cases), len(f.Cases))
				}
				for j, bk := range b.Cases {
					fk := f.Cases[j]
					if bk.ID != fk.ID || bk.ChildID != fk.ChildID || bk.Country != fk.Country || bk.Category != fk.Category ||
						bk.Status != fk.Status || bk.Missing != fk.Missing || !bk.OpenedAt.Equal(fk.OpenedAt) {
						t.Errorf("%+v: case %d brief %+v, full %+v", q, j, bk, fk)
					}
					if bk.ResponsibleOrg != "" {
						t.Errorf("%+v: a brief case holds more than a list shows: %+v", q, bk)
					}
				}
			}
		}
		// The child registered twice: its cases newest first (the second
		// registration's case was opened an hour before the first).
		res, err := e.svc.Search(e.ctx, officerSE, cases.Query{Text: "Rahimi", Brief: true})
		if err != nil || len(res.Hits) != 1 || len(res.Hits[0].Cases) != 2 || res.Hits[0].Cases[1].Category != cases.CatIdentifiedTrafficked {
			t.Fatalf("Rahimi: %+v, %v", res, err)
		}
	})
}
