package hub_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

func peer(country string) exchange.Peer {
	return exchange.Peer{Country: country, Role: "node", Serial: "01", NotAfter: time.Now().Add(24 * time.Hour), Certificate: []byte{1}}
}

func newHub(t *testing.T, db *store.DB, enc *hubtest.Encoder, opts ...func(*hub.Config)) *hub.Service {
	t.Helper()
	s := enc.Schema()
	sch := hubtest.Schema(t)
	cfg := hub.Config{Schema: s, Words: enc.Words(), Options: linkage.Options{Threshold: sch.Threshold, Review: sch.Review}}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := hub.New(store.NewHubStore(db), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h
}

func accept(t *testing.T, h *hub.Service, country string, msgs ...exchange.Envelope) []exchange.Result {
	t.Helper()
	res, err := h.Accept(context.Background(), peer(country), msgs, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func drain(t *testing.T, h *hub.Service) {
	t.Helper()
	for {
		n, err := h.MatchOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func hits(t *testing.T, h *hub.Service, country string) []exchange.Hit {
	t.Helper()
	in, err := h.Inbox(context.Background(), peer(country), 0, exchange.MaxInbox)
	if err != nil {
		t.Fatal(err)
	}
	var out []exchange.Hit
	for _, n := range in.Notices {
		if n.Type == exchange.NoticeHit {
			out = append(out, *n.Hit)
		}
	}
	return out
}

// pair returns one child registered in two countries.
func pair(t *testing.T) (synth.Record, synth.Record) {
	t.Helper()
	ps := hubtest.CrossBorder(hubtest.Records(t, 40, "SE", "FI"))
	if len(ps) == 0 {
		t.Fatal("no child crosses a border in the test data")
	}
	return ps[0][0], ps[0][1]
}

func TestHitNotifiedToBothNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		h := newHub(t, db, enc)
		a, b := pair(t)
		if res := accept(t, h, a.Country, enc.Upsert(t, "m1", a, true)); res[0].Status != exchange.StatusAccepted {
			t.Fatalf("upload: %+v", res)
		}
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)
		ha, hb := hits(t, h, a.Country), hits(t, h, b.Country)
		if len(ha) != 1 || len(hb) != 1 {
			t.Fatalf("hits: %s %d, %s %d; want one each", a.Country, len(ha), b.Country, len(hb))
		}
		if ha[0].LocalRef != hubtest.Ref(a) || ha[0].OtherCountry != b.Country || ha[0].OtherRef != hubtest.Ref(b) || ha[0].ID != hb[0].ID {
			t.Errorf("hit notices %+v / %+v", ha[0], hb[0])
		}
		health, err := h.Health(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if health.HitsIssued != 1 || health.Clusters != 1 || health.Queue != 0 || health.Encodings[a.Country] != 1 {
			t.Errorf("health %+v", health)
		}
	})
}

func TestReplayAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		h := newHub(t, db, enc)
		a, b := pair(t)
		m := enc.Upsert(t, "m1", a, true)
		accept(t, h, a.Country, m)
		if res := accept(t, h, a.Country, m); res[0].Status != exchange.StatusDuplicate {
			t.Errorf("replay: %+v", res[0])
		}
		other := enc.Upsert(t, "m2", a, true)
		other.Upsert.Schema = "00000000000000000000000000000000"
		if res := accept(t, h, a.Country, other); res[0].Status != exchange.StatusRefused || res[0].Code != exchange.CodeSchema {
			t.Errorf("foreign schema: %+v", res[0])
		}
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)
		hit := hits(t, h, a.Country)[0]
		// A third country decides on a hit that is not its own.
		dec := exchange.Envelope{ID: "d1", Type: exchange.TypeHitDecision, Decision: &exchange.HitDecision{HitID: hit.ID, Decision: exchange.DecisionReject}}
		if res := accept(t, h, "DE", dec); res[0].Code != exchange.CodeForbidden {
			t.Errorf("decision of another country's hit: %+v", res[0])
		}
		// An upload of the same reference from another country is another
		// record: it cannot replace the first country's.
		health, _ := h.Health(context.Background())
		if health.Encodings[a.Country] != 1 {
			t.Errorf("encodings %+v", health.Encodings)
		}
	})
}

func TestRejectedPairNeverNotifiedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		h := newHub(t, db, enc)
		a, b := pair(t)
		accept(t, h, a.Country, enc.Upsert(t, "m1", a, true))
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)
		hit := hits(t, h, b.Country)[0]
		dec := exchange.Envelope{ID: "d1", Type: exchange.TypeHitDecision, Decision: &exchange.HitDecision{HitID: hit.ID, Decision: exchange.DecisionReject}}
		if res := accept(t, h, b.Country, dec); res[0].Status != exchange.StatusAccepted {
			t.Fatalf("reject: %+v", res[0])
		}
		// Both sides withdraw (a correction) and upload again.
		accept(t, h, a.Country, hubtest.Withdraw("w1", a, "correction"), enc.Upsert(t, "m2", a, true))
		accept(t, h, b.Country, hubtest.Withdraw("w1", b, "correction"), enc.Upsert(t, "m2", b, true))
		drain(t, h)
		if n := len(hits(t, h, a.Country)) + len(hits(t, h, b.Country)); n != 0 {
			t.Errorf("%d hit notices after the pair was rejected", n)
		}
		health, _ := h.Health(context.Background())
		if health.HitsIssued != 1 {
			t.Errorf("hits issued %d, want 1", health.HitsIssued)
		}
	})
}

func TestWithdrawDeletes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		h := newHub(t, db, enc)
		a, b := pair(t)
		accept(t, h, a.Country, enc.Upsert(t, "m1", a, true))
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)
		accept(t, h, a.Country, hubtest.Withdraw("w1", a, "purge"))
		drain(t, h)
		in, err := h.Inbox(context.Background(), peer(b.Country), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range in.Notices {
			if n.Type == exchange.NoticeHit {
				t.Errorf("an undelivered hit on the purged record is still in %s's inbox", b.Country)
			}
			if n.Hit != nil && (n.Hit.OtherRef != "" || n.Hit.LocalRef != "") {
				t.Errorf("a notice still names a reference: %+v", n.Hit)
			}
		}
		health, _ := h.Health(context.Background())
		if health.Encodings[a.Country] != 0 || health.Clusters != 0 || health.Hits != 0 {
			t.Errorf("after purge: %+v", health)
		}
		if h.Indexed() != 1 {
			t.Errorf("index holds %d records, want 1", h.Indexed())
		}
	})
}

func TestNotShareableNoHit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		h := newHub(t, db, enc)
		a, b := pair(t)
		accept(t, h, a.Country, enc.Upsert(t, "m1", a, false))
		accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
		drain(t, h)
		if n := len(hits(t, h, a.Country)) + len(hits(t, h, b.Country)); n != 0 {
			t.Fatalf("%d hit notices for a record not shareable", n)
		}
		// Cleared for sharing later: uploaded again, now notified.
		accept(t, h, a.Country, enc.Upsert(t, "m2", a, true))
		drain(t, h)
		if len(hits(t, h, a.Country)) != 1 || len(hits(t, h, b.Country)) != 1 {
			t.Fatal("no hit once the record became shareable")
		}
		// Uploaded again unchanged: nothing notified twice.
		accept(t, h, a.Country, enc.Upsert(t, "m3", a, true))
		drain(t, h)
		if len(hits(t, h, a.Country)) != 1 || len(hits(t, h, b.Country)) != 1 {
			t.Fatal("an unchanged re-upload notified the hit again")
		}
	})
}

// A hub killed after accepting uploads and before matching them (or while
// holding a claim) loses nothing and doubles nothing: another process on
// the same database takes the work when the lease runs out.
func TestRestartLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoder(t)
		now := time.Now()
		clock := func() time.Time { return now }
		first := newHub(t, db, enc, func(c *hub.Config) { c.Now = clock; c.Owner = "first"; c.Batch = 1 })
		ps := hubtest.CrossBorder(hubtest.Records(t, 120, "SE", "FI", "DE"))
		for i, p := range ps {
			accept(t, first, p[0].Country, enc.Upsert(t, fmt.Sprint("m", i), p[0], true))
			accept(t, first, p[1].Country, enc.Upsert(t, fmt.Sprint("m", i), p[1], true))
		}
		if _, err := first.MatchOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		// "Crash": a claim taken and never finished.
		err := store.NewHubStore(db).Update(context.Background(), func(tx hub.Tx) error {
			_, err := tx.Claim(context.Background(), "first", now, now.Add(time.Minute), 3)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		second := newHub(t, db, enc, func(c *hub.Config) { c.Now = clock; c.Owner = "second" })
		drain(t, second)
		drain(t, second)
		total := 0
		seen := map[string]bool{}
		for _, c := range []string{"SE", "FI", "DE"} {
			for _, hit := range hits(t, second, c) {
				k := c + hit.LocalRef + hit.OtherCountry + hit.OtherRef
				if seen[k] {
					t.Errorf("hit notified twice: %+v", hit)
				}
				seen[k] = true
				total++
			}
		}
		health, _ := second.Health(context.Background())
		if health.Queue != 0 || total != 2*int(health.HitsIssued) || total < len(ps) {
			t.Errorf("queue %d, notices %d, hits issued %d, pairs %d", health.Queue, total, health.HitsIssued, len(ps))
		}
	})
}

// TestMetrics: the metric names of issue 8, exactly.
func TestMetrics(t *testing.T) {
	db := storetest.New(t)
	enc := hubtest.NewEncoder(t)
	reg := metrics.NewRegistry()
	h := newHub(t, db, enc, func(c *hub.Config) { c.Metrics = reg })
	a, b := pair(t)
	accept(t, h, a.Country, enc.Upsert(t, "m1", a, true))
	accept(t, h, b.Country, enc.Upsert(t, "m1", b, true))
	drain(t, h)
	var buf bytes.Buffer
	if _, err := reg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`childcentre_hub_encodings{country="` + a.Country + `"} 1`,
		`childcentre_hub_hits_total 1`,
		`childcentre_hub_match_seconds_count 2`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
