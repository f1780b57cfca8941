package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkHubStatsRecompute reads N hub records (200,000; set
// CHILDCENTRE_STATS_N) with their codes and clusters from SQLite and
// publishes the regional figures: the hub's recompute, database included.
//
//	go test -run '^$' -bench HubStatsRecompute -benchtime 1x ./internal/store/
func BenchmarkHubStatsRecompute(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("CHILDCENTRE_STATS_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	db := storetest.New(b)
	hs := store.NewHubStore(db)
	countries := []string{"SE", "DE", "PL", "FI", "DK", "NO", "LT", "LV", "EE", "IS"}
	const batch = 20_000
	for start := 0; start < n; start += batch {
		err := hs.Update(ctx, func(tx hub.Tx) error {
			var cluster int64
			for i := start; i < min(start+batch, n); i++ {
				r := &hub.Record{Country: countries[i%len(countries)], Ref: fmt.Sprintf("r%d", i), Schema: "s", KeyID: "k",
					Filter: make([]byte, 128), Received: time.Now(), Meta: exchange.Metadata{Sex: "f", Evidence: "presumed",
						Stats: &exchange.StatsCodes{Status: stats.Values(stats.DimStatus)[i%5], Exploitation: "none",
							AgeGroup: stats.Values(stats.DimAgeGroup)[i%5], AgeBasis: "assessed", Citizenship: "asia",
							Registered: fmt.Sprintf("%d-%02d-%02d", 2023+i%3, 1+i%12, 1+i%28)}}}
				if err := tx.PutRecord(ctx, r); err != nil {
					return err
				}
				if i%5 == 0 { // a fifth of the records pair with the next in a cluster
					var err error
					if cluster, err = tx.NewCluster(ctx, time.Now()); err != nil {
						return err
					}
				}
				if i%5 <= 1 {
					if err := tx.SetCluster(ctx, []int64{r.ID}, cluster); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	p := &stats.Publisher{Source: store.NewHubStatsSource(db), Archive: store.NewStatsArchive(db),
		Clock: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }}
	b.ResetTimer()
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for b.Loop() {
		p.Options.K++ // a higher k each round: a recompute every time
		if p.Options.K < stats.DefaultK {
			p.Options.K = stats.DefaultK
		}
		if did, err := p.Refresh(ctx); err != nil || !did {
			b.Fatal(did, err)
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
	b.ReportMetric(float64(cpu)/1e9/float64(b.N), "cpu-s/recompute") // not inflated by a loaded machine
	b.ReportMetric(float64(n), "records")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/recompute")
}
