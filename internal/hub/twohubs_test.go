package hub_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestTwoHubsOnPostgres runs two hub processes' services side by side on
// one PostgreSQL database: uploads reach either, both take matching work
// from the shared queue, and no hit is notified twice.
func TestTwoHubsOnPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	dbs := make([]*store.DB, 2)
	for i := range dbs {
		db, err := store.Open(ctx, store.Options{URL: url, Chain: storetest.Chain()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		dbs[i] = db
	}
	enc := hubtest.NewEncoder(t)
	hubs := []*hub.Service{
		newHub(t, dbs[0], enc, func(c *hub.Config) { c.Owner, c.Batch = "one", 4 }),
		newHub(t, dbs[1], enc, func(c *hub.Config) { c.Owner, c.Batch = "two", 4 }),
	}
	recs := hubtest.Records(t, 150, "SE", "FI", "DE", "PL")
	var matched [2]atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i, h := range hubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := h.MatchOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				matched[i].Add(int64(n))
				if n == 0 {
					select {
					case <-done:
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}
		}()
	}
	// Uploads alternate between the hubs, a few records per batch, each
	// country from its own goroutine.
	var up sync.WaitGroup
	byCountry := map[string][]exchange.Envelope{}
	for _, r := range recs {
		byCountry[r.Country] = append(byCountry[r.Country], enc.Upsert(t, "m-"+hubtest.Ref(r), r, true))
	}
	k := 0
	for country, msgs := range byCountry {
		k++
		first := k
		up.Add(1)
		go func() {
			defer up.Done()
			for i := 0; i < len(msgs); i += 3 {
				h := hubs[(i/3+first)%2]
				if _, err := h.Accept(ctx, peer(country), msgs[i:min(i+3, len(msgs))], 0); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	up.Wait()
	deadline := time.Now().Add(60 * time.Second)
	var health *hub.Health
	for {
		var err error
		health, err = hubs[0].Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if health.Queue == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(done)
	wg.Wait()
	if health.Queue != 0 {
		t.Fatalf("%d uploads left unmatched", health.Queue)
	}
	if matched[0].Load() == 0 || matched[1].Load() == 0 {
		t.Errorf("work not shared: %d and %d", matched[0].Load(), matched[1].Load())
	}
	seen := map[string]bool{}
	notices := 0
	for country := range byCountry {
		for _, h := range hits(t, hubs[1], country) {
			k := fmt.Sprint(country, h.LocalRef, h.OtherCountry, h.OtherRef)
			if seen[k] {
				t.Errorf("hit notified twice: %s", k)
			}
			seen[k] = true
			notices++
		}
	}
	if notices == 0 || notices != 2*int(health.HitsIssued) {
		t.Errorf("%d notices for %d hits issued", notices, health.HitsIssued)
	}
	t.Logf("matched by hub one %d, by hub two %d; %d hits", matched[0].Load(), matched[1].Load(), health.HitsIssued)
}
