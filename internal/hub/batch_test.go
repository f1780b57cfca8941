package hub_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestBatchAsOneByOne: a batch of uploads (taken in multi-row statements)
// leaves the hub as the same messages accepted one at a time do: the same
// answers, records, clusters and hits, also when the batch uploads again
// records already in clusters, replays a message, repeats a reference or
// carries one the hub refuses.
func TestBatchAsOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		other := storetest.New(t)
		if db.Dialect() == store.DialectPostgres {
			other = storetest.Postgres(t)
		}
		enc := hubtest.NewEncoder(t)
		recs := hubtest.Records(t, 60, "SE", "FI")
		by := map[string][]exchange.Envelope{}
		for _, r := range recs {
			by[r.Country] = append(by[r.Country], enc.Upsert(t, "first-"+hubtest.Ref(r), r, true))
		}
		// SE uploads again: every record under a new id, every third no
		// longer shareable; one old id replayed; one reference twice;
		// one of a foreign schema.
		var again []exchange.Envelope
		i := 0
		for _, r := range recs {
			if r.Country != "SE" {
				continue
			}
			again = append(again, enc.Upsert(t, fmt.Sprint("again-", i), r, i%3 != 0))
			if i == 4 {
				again = append(again, by["SE"][0], enc.Upsert(t, "twice", r, true))
				bad := enc.Upsert(t, "bad", r, true)
				bad.Upsert.Schema = "00000000000000000000000000000000"
				again = append(again, bad)
			}
			i++
		}
		rounds := []struct {
			country string
			msgs    []exchange.Envelope
		}{{"FI", by["FI"]}, {"SE", by["SE"]}, {"SE", again}}

		batched, single := newHub(t, db, enc), newHub(t, other, enc)
		for _, r := range rounds {
			got := accept(t, batched, r.country, r.msgs...)
			var want []exchange.Result
			for _, m := range r.msgs {
				want = append(want, accept(t, single, r.country, m)...)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("answers to a batch of %s:\n%+v\none by one:\n%+v", r.country, got, want)
			}
			drain(t, batched)
			drain(t, single)
			for _, c := range []string{"SE", "FI"} {
				if g, w := hitPairs(t, batched, c), hitPairs(t, single, c); !slices.Equal(g, w) {
					t.Errorf("hits of %s after a batch: %v; one by one: %v", c, g, w)
				}
			}
			hb, _ := batched.Health(context.Background())
			hs, _ := single.Health(context.Background())
			if fmt.Sprint(hb.Encodings, hb.Clusters, hb.Hits, hb.HitsIssued, hb.Queue) != fmt.Sprint(hs.Encodings, hs.Clusters, hs.Hits, hs.HitsIssued, hs.Queue) {
				t.Errorf("health after a batch %+v; one by one %+v", hb, hs)
			}
		}
		if hb, _ := batched.Health(context.Background()); hb.HitsIssued == 0 {
			t.Error("no hit issued: the test data crosses no border")
		}
	})
}

// hitPairs lists a country's inbox as sorted "notice local other"
// strings: hit ids are random, the pairs are not.
func hitPairs(t *testing.T, h *hub.Service, country string) []string {
	t.Helper()
	in, err := h.Inbox(context.Background(), peer(country), 0, exchange.MaxInbox)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range in.Notices {
		if n.Hit != nil {
			out = append(out, fmt.Sprint(n.Type, " ", n.Hit.LocalRef, " ", n.Hit.OtherCountry, n.Hit.OtherRef, " ", n.Hit.Band))
		}
	}
	slices.Sort(out)
	return out
}
