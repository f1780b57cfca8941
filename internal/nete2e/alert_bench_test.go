package nete2e

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest/hubload"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkAlertSighting measures issue 11's alert figure (alert to
// possible-sighting notice on both nodes: p95 < 5 s with 1,000,000
// encodings on the hub). The hub is preloaded with
// CHILDCENTRE_ALERT_BENCH encodings (default 20,000; hubload.Preload, as
// BenchmarkHubFigures in internal/hubserver) under the test linkage secret,
// which the two nodes (SE, FI) then use too, so that their children are
// matched against all of them. The nodes run with their production polling
// (the inbox read every second). CHILDCENTRE_ALERT_ROUNDS (default 10)
// times each:
//   - held: FI holds the child (the hit has reached SE); SE's NCP records
//     the child missing and raises an alert; timed from RaiseAlert until
//     both nodes hold the sighting notice;
//   - later: SE's alert is active on the hub; FI registers the child;
//     timed from FI's registration until both nodes hold the notice.
//
// Reported: p50 and p95 of each. SQLite, and PostgreSQL for the hub when
// CHILDCENTRE_TEST_POSTGRES is set. At a million encodings (6–7 minutes
// of preloading on a 2-core machine; the process holds some 1.3 GiB):
//
//	GOMEMLIMIT=1300MiB CHILDCENTRE_ALERT_BENCH=1000000 go test ./internal/nete2e -run '^$' -bench 'AlertSighting/sqlite' -benchtime 1x -timeout 2h
func BenchmarkAlertSighting(b *testing.B) {
	total, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_ALERT_BENCH"))
	if total <= 0 {
		total = 20000
	}
	rounds, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_ALERT_ROUNDS"))
	if rounds <= 0 {
		rounds = 10
	}
	b.Run("sqlite", func(b *testing.B) { alertSighting(b, newNetOn(b, ""), total, rounds) })
	b.Run("postgres", func(b *testing.B) { alertSighting(b, newNetOn(b, storetest.PostgresURL(b)), total, rounds) })
}

func alertSighting(b *testing.B, n *testNet, total, rounds int) {
	ctx := context.Background()
	n.stopHub()
	start := time.Now()
	preloadHub(b, n, total)
	b.Logf("preloaded %d encodings in %s", total, time.Since(start).Round(time.Second))
	runtime.GC()
	debug.FreeOSMemory()
	start = time.Now()
	n.startHub(b)
	b.Logf("hub started, %d encodings indexed in %s", n.hub.Service.Indexed(), time.Since(start).Round(time.Millisecond))

	se := n.startNode(b, "SE", nil, productionPolling)
	fi := n.startNode(b, "FI", nil, productionPolling)
	for _, tn := range []*testNode{se, fi} {
		if err := tn.Exchange.Secrets.Sharer.Use(hubtest.Secret); err != nil {
			b.Fatal(err)
		}
	}
	regs := registrations(b, "SE", 2*rounds)
	seBase := n.hubEncodings(b, "SE")
	active := n.hubMetric(b, "childcentre_hub_alerts_active")
	var held, later []float64
	b.ResetTimer()
	for i, reg := range regs {
		c, k := se.register(b, reg.Child)
		other := reg.Child
		other.NationalRef = "FI-" + other.NationalRef
		var fc *cases.Child
		if i%2 == 0 { // held: FI's registration first
			fc, _ = fi.register(b, other)
			waitFor(b, 5*time.Minute, "the hit on SE", func() bool { return hasHit(b, se, c.ID) })
		} else {
			waitFor(b, 5*time.Minute, "SE's child on the hub", func() bool { return n.hubEncodings(b, "SE") == seBase+i+1 })
		}
		wentMissing(b, se, k.ID)
		t0 := time.Now()
		if _, err := se.Exchange.FollowUp.RaiseAlert(ctx, officer("SE"), c.ID, exchange.AlertUrgent, false); err != nil {
			b.Fatal(err)
		}
		active++
		if i%2 == 1 { // later: the alert is on the hub before FI registers
			waitFor(b, 5*time.Minute, "the alert on the hub", func() bool { return n.hubMetric(b, "childcentre_hub_alerts_active") == active })
			t0 = time.Now()
			fc, _ = fi.register(b, other)
		}
		for !hasSighting(b, se, c.ID) || !hasSighting(b, fi, fc.ID) {
			if time.Since(t0) > 5*time.Minute {
				b.Fatalf("round %d: no sighting on both nodes after 5 minutes", i)
			}
			time.Sleep(20 * time.Millisecond)
		}
		d := time.Since(t0).Seconds()
		if i%2 == 0 {
			held = append(held, d)
		} else {
			later = append(later, d)
		}
	}
	b.StopTimer()
	hp50, hp95, lp50, lp95 := quantile(held, 0.5), quantile(held, 0.95), quantile(later, 0.5), quantile(later, 0.95)
	b.Logf("%d encodings on the hub; alert → sighting on both nodes, child held: p50 %.2fs p95 %.2fs max %.2fs; registration → sighting on both, alert active: p50 %.2fs p95 %.2fs max %.2fs (%d rounds each); %s",
		n.hub.Service.Indexed(), hp50, hp95, quantile(held, 1), lp50, lp95, quantile(later, 1), len(held), loadAverage())
	b.ReportMetric(hp50, "held-p50-s")
	b.ReportMetric(hp95, "held-p95-s")
	b.ReportMetric(lp50, "later-p50-s")
	b.ReportMetric(lp95, "later-p95-s")
}

// preloadHub writes total encodings into the stopped hub's database.
func preloadHub(b *testing.B, n *testNet, total int) {
	b.Helper()
	ctx := context.Background()
	kr, err := node.Keyring(n.hubCfg)
	if err != nil {
		b.Fatal(err)
	}
	db, err := node.OpenDB(ctx, n.hubCfg, kr, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := hubload.Preload(ctx, store.NewHubStore(db), hubtest.NewEncoder(b), total); err != nil {
		b.Fatal(err)
	}
}

// hasHit reports whether the node holds a hit on its child.
func hasHit(b *testing.B, tn *testNode, childID int64) bool {
	for _, h := range tn.queue(b) {
		if h.ChildID == childID {
			return true
		}
	}
	return false
}

// hasSighting reports whether the node holds a sighting notice on its child.
func hasSighting(b *testing.B, tn *testNode, childID int64) bool {
	l, err := tn.Exchange.FollowUp.Sightings(context.Background(), officer(tn.cfg.Country), 20)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range l {
		if s.ChildID == childID {
			return true
		}
	}
	return false
}
