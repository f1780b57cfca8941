package synth

import "testing"

// BenchmarkStream reports the generation speed in records per second; the
// goal is 1,000,000 records in a few seconds on one core.
func BenchmarkStream(b *testing.B) {
	const perOp = 100_000
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := Stream(Options{Records: perOp, Seed: 1}, func(Record) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != perOp {
			b.Fatalf("got %d records, want %d", n, perOp)
		}
	}
	b.ReportMetric(float64(b.N)*perOp/b.Elapsed().Seconds(), "records/s")
}
