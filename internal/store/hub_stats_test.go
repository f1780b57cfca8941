package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestHubStatsSource: the hub's records reach the regional figures with
// their statistics codes; its clusters are the loose linking and the high
// hits within them the strict one; records without codes are counted out.
func TestHubStatsSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		codes := func(day string) *exchange.StatsCodes {
			return &exchange.StatsCodes{Status: "missing", Exploitation: "none", AgeGroup: "Y15-17", AgeBasis: "assessed",
				Citizenship: "asia", Registered: day}
		}
		recs := []*hub.Record{
			{Country: "SE", Ref: "s1", Meta: exchange.Metadata{Sex: "f", Evidence: "presumed", Stats: codes("2025-02-01")}},
			{Country: "DE", Ref: "d1", Meta: exchange.Metadata{Sex: "f", Evidence: "presumed", Stats: codes("2025-03-01")}},
			{Country: "PL", Ref: "p1", Meta: exchange.Metadata{Sex: "f", Evidence: "presumed", Stats: codes("2025-04-01")}},
			{Country: "PL", Ref: "p2", Meta: exchange.Metadata{Sex: "m", Evidence: "presumed", Stats: codes("2025-05-01")}},
			{Country: "FI", Ref: "f1", Meta: exchange.Metadata{Sex: "m", Evidence: "presumed"}}, // no codes: counted out
		}
		hs := store.NewHubStore(db)
		err := hs.Update(ctx, func(tx hub.Tx) error {
			for _, r := range recs {
				r.Schema, r.KeyID, r.Filter, r.Received = "s", "k", make([]byte, 128), at
				if err := tx.PutRecord(ctx, r); err != nil {
					return err
				}
			}
			c, err := tx.NewCluster(ctx, at)
			if err != nil {
				return err
			}
			if err := tx.SetCluster(ctx, []int64{recs[0].ID, recs[1].ID, recs[2].ID}, c); err != nil {
				return err
			}
			// SE–DE a high hit, DE–PL only possible
			for i, h := range []*hub.Hit{
				{Key: "h1", A: recs[1].ID, ACountry: "DE", ARef: "d1", B: recs[0].ID, BCountry: "SE", BRef: "s1", Band: "high"},
				{Key: "h2", A: recs[1].ID, ACountry: "DE", ARef: "d1", B: recs[2].ID, BCountry: "PL", BRef: "p1", Band: "possible"},
			} {
				h.Created, h.ScoreMilli = at, int64(900-i*100)
				if _, err := tx.AddHit(ctx, h); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		src := store.NewHubStatsSource(db)
		rs, err := stats.Collect(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 4 || src.Skipped() != 1 {
			t.Fatalf("got %d records, %d skipped; want 4 and 1", len(rs), src.Skipped())
		}
		if rs[0].Child != rs[1].Child || rs[2].Child == rs[0].Child || rs[0].ChildAll != rs[2].ChildAll || rs[3].ChildAll != "" ||
			!rs[3].Registered.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) || rs[3].Sex != stats.SexM || rs[0].Status != stats.StatusMissing {
			t.Errorf("records: %+v", rs)
		}
		strict := stats.Children(rs, stats.Strict, false, stats.ByYear)[stats.Region]["2025"]
		loose := stats.Children(rs, stats.Loose, false, stats.ByYear)[stats.Region]["2025"]
		if tab := stats.Crosstab(strict, loose, stats.DimStatus, stats.DimSex); tab.Total.Count != 3 || tab.Total.Low != 2 {
			t.Errorf("children: %+v, want 3 in [2, 3]", tab.Total)
		}
		// A new version without codes drops them; erasing the record erases them.
		err = hs.Update(ctx, func(tx hub.Tx) error {
			r := recs[3]
			r.Meta.Stats = nil
			if err := tx.PutRecord(ctx, r); err != nil {
				return err
			}
			return tx.DeleteRecord(ctx, recs[0].ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if rs, err := stats.Collect(ctx, src); err != nil || len(rs) != 2 || src.Skipped() != 2 {
			t.Errorf("after the changes: %d records, %d skipped, %v", len(rs), src.Skipped(), err)
		}
	})
}
