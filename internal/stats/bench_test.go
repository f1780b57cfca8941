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
	var pub *Publication
	for b.Loop() {
		var err error
		if pub, err = Publish(nil, rs, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(rs)), "registrations")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/recompute")
	var csvOut bytes.Buffer
	if err := pub.WriteCSV(&csvOut); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(pub.Tables)), "tables")
}
