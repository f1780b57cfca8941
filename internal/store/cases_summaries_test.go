package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestSummaries checks what a page of results reads: each child asked
// for once, whatever its number of cases (none included), its cases
// newest first with the fields a list shows, nothing of another country.
func TestSummaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		two, none, other := childRec("SE", "A1"), childRec("SE", "A2"), childRec("LT", "A3")
		var ks []*cases.CaseRecord
		casesUpdate(t, s, func(tx cases.Tx) error {
			for _, c := range []*cases.ChildRecord{two, none, other} {
				if err := tx.CreateChild(ctx, c); err != nil {
					return err
				}
			}
			for i, c := range []*cases.ChildRecord{two, two, other} {
				k := caseRec(c)
				k.OpenedAt = t0.Add(time.Duration(i) * time.Hour)
				k.Missing = i == 1
				if err := tx.CreateCase(ctx, k); err != nil {
					return err
				}
				ks = append(ks, k)
			}
			return nil
		})
		var children []*cases.ChildRecord
		var cs []*cases.CaseRecord
		err := s.View(ctx, func(tx cases.Tx) (err error) {
			children, cs, err = tx.Summaries(ctx, "SE", []int64{none.ID, two.ID, other.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range children {
			ids = append(ids, c.ID)
			want := map[int64]*cases.ChildRecord{two.ID: two, none.ID: none}[c.ID]
			if want == nil || c.Ref != want.Ref || c.Country != "SE" || c.Sex != want.Sex || c.BirthYear != want.BirthYear ||
				string(c.GivenNames) != string(want.GivenNames) || string(c.FamilyName) != string(want.FamilyName) || c.Version != 1 ||
				c.Notes != nil || c.NationalRef != "" {
				t.Errorf("child %+v", c)
			}
		}
		slices.Sort(ids)
		if want := []int64{two.ID, none.ID}; !slices.Equal(ids, want) {
			t.Errorf("children %v, want %v", ids, want)
		}
		if len(cs) != 2 || cs[0].ID != ks[1].ID || cs[1].ID != ks[0].ID {
			t.Fatalf("cases %+v, want %d then %d", cs, ks[1].ID, ks[0].ID)
		}
		k := cs[0]
		if k.ChildID != two.ID || k.Country != auth.Country("SE") || k.Category != ks[1].Category || k.Status != ks[1].Status ||
			!k.Missing || !k.OpenedAt.Equal(ks[1].OpenedAt) || cs[1].Missing {
			t.Errorf("case %+v", k)
		}
	})
}
