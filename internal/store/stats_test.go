package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestStatsStoreFacts: the facts of a country's cases, and only of its
// own, reach the national figures, where a child with two cases counts
// once.
func TestStatsStoreFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		cs := store.NewCaseStore(db)
		se, lt := childRec("SE", "S1"), childRec("LT", "L1")
		var first, second *cases.CaseRecord
		casesUpdate(t, cs, func(tx cases.Tx) error {
			for _, c := range []*cases.ChildRecord{se, lt} {
				if err := tx.CreateChild(ctx, c); err != nil {
					return err
				}
			}
			first, second = caseRec(se), caseRec(se)
			second.Category, second.Evidence, second.Missing = cases.CatPresumedTrafficking, cases.EvidenceIdentified, true
			second.Exploitation = []cases.Exploitation{cases.ExpForcedLabour, cases.ExpSexual}
			for _, c := range []*cases.CaseRecord{first, second, caseRec(lt)} {
				if err := tx.CreateCase(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		got := map[string]stats.Facts{}
		err := store.NewStatsStore(db).EachCase(ctx, "SE", func(caseRef, childRef string, f stats.Facts) error {
			if childRef != se.Ref {
				t.Errorf("case %s: child %s, want %s", caseRef, childRef, se.Ref)
			}
			got[caseRef] = f
			return nil
		})
		if err != nil || len(got) != 2 {
			t.Fatalf("got %d cases, %v", len(got), err)
		}
		f := got[second.Ref]
		if f.Category != "presumed_trafficking" || f.Evidence != "identified" || !f.Missing || !f.Assessed ||
			f.Sex != "female" || f.BirthYear != 2010 || f.BirthPrecision != "year" ||
			!slices.Equal(f.Citizenships, []string{"SY", "IQ"}) || !slices.Equal(f.Exploitation, []string{"forced_labour", "sexual"}) ||
			!f.Registered.Equal(second.OpenedAt) || f.Country != "SE" {
			t.Errorf("facts: %+v", f)
		}
		if f := got[first.Ref]; f.Missing || len(f.Exploitation) != 1 {
			t.Errorf("first case: %+v", f)
		}
		rs, err := stats.National(ctx, store.NewStatsStore(db), "SE")
		if err != nil {
			t.Fatal(err)
		}
		if tab := stats.NationalTable(rs, stats.DimStatus, stats.DimSex, ""); tab.Total.Count != 1 {
			t.Errorf("national figures: %d children, want 1", tab.Total.Count)
		}
	})
}
