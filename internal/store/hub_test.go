package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func hubUpdate(t *testing.T, db *store.DB, fn func(tx hub.Tx) error) {
	t.Helper()
	if err := store.NewHubStore(db).Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// TestHubQueueLeases: work is claimed by one owner at a time, taken again
// only when its lease has run out or was released, and finished only by
// the owner holding it.
func TestHubQueueLeases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		hubUpdate(t, db, func(tx hub.Tx) error {
			for i := int64(1); i <= 3; i++ {
				if err := tx.Enqueue(ctx, hub.Work{Record: i, Version: 1, Received: now}); err != nil {
					return err
				}
			}
			return nil
		})
		claim := func(owner string, at time.Time, limit int) []hub.Work {
			var w []hub.Work
			hubUpdate(t, db, func(tx hub.Tx) error {
				var err error
				w, err = tx.Claim(ctx, owner, at, at.Add(time.Minute), limit)
				return err
			})
			return w
		}
		a := claim("a", now, 2)
		b := claim("b", now, 5)
		if len(a) != 2 || len(b) != 1 || b[0].Record != 3 {
			t.Fatalf("claims: a %v, b %v", a, b)
		}
		if c := claim("c", now.Add(30*time.Second), 5); len(c) != 0 {
			t.Fatalf("work claimed twice within its lease: %v", c)
		}
		// b's lease runs out: c takes its work; b can no longer finish it.
		c := claim("c", now.Add(2*time.Minute), 1)
		if len(c) != 1 {
			t.Fatalf("expired lease not taken again: %v", c)
		}
		hubUpdate(t, db, func(tx hub.Tx) error { return tx.Done(ctx, "b", []int64{b[0].ID}) })
		hubUpdate(t, db, func(tx hub.Tx) error { return tx.Release(ctx, "c") })
		if d := claim("d", now.Add(2*time.Minute), 5); len(d) != 2 {
			t.Fatalf("after release: %v", d)
		}
	})
}

// TestHubHitsAndMessages: a pair is stored once, whichever hub process
// asks; a message id is seen once per country.
func TestHubHitsAndMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		now := time.Now()
		hubUpdate(t, db, func(tx hub.Tx) error {
			for _, c := range []string{"SE", "FI"} {
				seen, err := tx.SeeMessage(ctx, c, "m1", now)
				if err != nil || seen {
					t.Errorf("first sight of m1 from %s: %v %v", c, seen, err)
				}
			}
			seen, err := tx.SeeMessage(ctx, "SE", "m1", now)
			if err != nil || !seen {
				t.Errorf("replay of m1: %v %v", seen, err)
			}
			h := &hub.Hit{Key: "k1", A: 1, ACountry: "FI", ARef: "a", B: 2, BCountry: "SE", BRef: "b", Band: "high", Created: now}
			added, err := tx.AddHit(ctx, h)
			if err != nil || !added {
				t.Errorf("first hit: %v %v", added, err)
			}
			h2 := *h
			h2.Key = "k2"
			added, err = tx.AddHit(ctx, &h2)
			if err != nil || added {
				t.Errorf("same pair again: %v %v", added, err)
			}
			n := &exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "k1", LocalRef: "a", OtherCountry: "SE", OtherRef: "b", Band: "high"}}
			if err := tx.AddNotice(ctx, "FI", n); err != nil {
				return err
			}
			got, err := tx.Notices(ctx, "FI", 0, 10)
			if err != nil || len(got) != 1 || *got[0].Hit != *n.Hit {
				t.Errorf("inbox: %+v %v", got, err)
			}
			if err := tx.DeleteNotices(ctx, "FI", n.Seq); err != nil {
				return err
			}
			got, err = tx.Notices(ctx, "FI", 0, 10)
			if err != nil || len(got) != 0 {
				t.Errorf("acknowledged notices still there: %+v %v", got, err)
			}
			return nil
		})
	})
}
