package stats

import (
	"bytes"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPublish1M recomputes the regional publication of 1,000,000
// registrations (about 760,000 children across ten countries and three
// years): de-duplication under both linkings, every table, the flows and
// disclosure control. Set CHILDCENTRE_STATS_N to change the size.
//
//	go test -run '^$' -bench Publish1M -benchtime 1x ./internal/stats/
func BenchmarkPublish1M(b *testing.B) {
	n := 760_000
	if v, err := strconv.Atoi(os.Getenv("CHILDCENTRE_STATS_N")); err == nil && v > 0 {
		n = v
	}
	rs := synthetic(n, 42, 2023, 2024, 2025)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	cpu := cpuTime()
	var pub *Publication
	for b.Loop() {
		var err error
		if pub, err = Publish(nil, rs, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/recompute")
	b.ReportMetric(float64(len(rs)), "registrations")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/recompute")
	var csvOut bytes.Buffer
	if err := pub.WriteCSV(&csvOut); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(pub.Tables)), "tables")
}

// TestAttacksOnAMillion runs the totals and differencing attacks on the
// publications of 1,000,000 registrations. It takes about a minute:
// CHILDCENTRE_STATS_LARGE=1 runs it.
func TestAttacksOnAMillion(t *testing.T) {
	if os.Getenv("CHILDCENTRE_STATS_LARGE") == "" {
		t.Skip("set CHILDCENTRE_STATS_LARGE=1 to attack the 1,000,000-registration publications")
	}
	rs := synthetic(760_000, 42, 2023, 2024, 2025)
	first, err := Publish(nil, rs, Options{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Publish(first, rs, Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	data := csvOf(t, second)
	for _, col := range []string{"count", "count_low", "count_high"} {
		if found := totalsAttack(t, data, col, DefaultK); len(found) > 0 {
			t.Errorf("totals attack on %s: %d recovered, e.g. %s", col, len(found), found[0])
		}
	}
	if found := differencingAttack(t, csvOf(t, first), data, "count", DefaultK); len(found) > 0 {
		t.Errorf("differencing attack: %d recovered, e.g. %s", len(found), found[0])
	}
	checkPublished(t, second, data, DefaultK)
	t.Logf("%d registrations, periods %v, %d rows published", len(rs), second.Periods, len(second.Rows()))
}
