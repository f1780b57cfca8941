package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestStatsArchive: the last publication saved comes back whole.
func TestStatsArchive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		a := store.NewStatsArchive(db)
		if p, err := a.LastPublication(ctx); p != nil || err != nil {
			t.Fatalf("empty archive: %v, %v", p, err)
		}
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		var rs stats.Records
		for i := range 30 {
			rs = append(rs, stats.Record{Country: "SE", Ref: string(rune('a' + i)), Registered: at.AddDate(-1, 0, i),
				Coded: stats.Coded{Status: stats.StatusMissing, Exploitation: stats.FormNone, Sex: stats.SexF,
					AgeGroup: stats.Age15to17, AgeBasis: stats.BasisAssessed, Citizenship: stats.CitAsia, Evidence: stats.EvPresumed}})
		}
		for _, k := range []int{11, 15} {
			p, err := stats.Publish(nil, rs, stats.Options{K: k, Now: at})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.SavePublication(ctx, p); err != nil {
				t.Fatal(err)
			}
			got, err := a.LastPublication(ctx)
			if err != nil || !reflect.DeepEqual(got, p) {
				t.Fatalf("k=%d: got %+v, %v; want %+v", k, got, err, p)
			}
		}
	})
}
