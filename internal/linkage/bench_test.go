package linkage

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

var benchData struct {
	once sync.Once
	rows [][]string
	enc  map[int]*Encodings
	ent  map[int][]string
}

// benchRows returns 20,000 synthetic registrations as rows of the child
// schema's columns.
func benchRows(b *testing.B) [][]string {
	benchData.once.Do(func() {
		recs, err := synth.Generate(synth.Options{Records: 20000, Seed: 5})
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		synth.WriteChildCSV(&buf, recs)
		r, err := NewCSVReader(&buf, childSchema(b))
		if err != nil {
			b.Fatal(err)
		}
		for {
			row, _, err := r.Next()
			if err != nil {
				break
			}
			benchData.rows = append(benchData.rows, append([]string(nil), row...))
		}
	})
	return benchData.rows
}

// BenchmarkEncode measures encoding with the child schema on one core:
// normalisation, tokenising, keyed hashing and setting bits.
func BenchmarkEncode(b *testing.B) {
	rows := benchRows(b)
	enc, err := NewEncoder(childSchema(b), testSecret)
	if err != nil {
		b.Fatal(err)
	}
	f := make([]uint64, enc.Words())
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if err := enc.Encode(rows[i%len(rows)], f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkEncodeCSV measures the encode command's path on all cores: CSV
// parsing, parallel encoding, ordered output.
func BenchmarkEncodeCSV(b *testing.B) {
	recs, err := synth.Generate(synth.Options{Records: 20000, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	synth.WriteChildCSV(&buf, recs)
	enc, _ := NewEncoder(childSchema(b), testSecret)
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		sink := &memSink{e: &Encodings{Words: enc.Words()}}
		k, err := EncodeCSV(context.Background(), bytes.NewReader(buf.Bytes()), enc, sink, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		n += k
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "records/s")
}

// benchEncodings encodes n synthetic registrations once per process.
func benchEncodings(b *testing.B, n int) (*Encodings, []string) {
	if benchData.enc == nil {
		benchData.enc, benchData.ent = map[int]*Encodings{}, map[int][]string{}
	}
	if e, ok := benchData.enc[n]; ok {
		return e, benchData.ent[n]
	}
	e, ent := encodeSynth(b, childSchema(b), synth.Options{Records: n, Seed: 9})
	benchData.enc[n], benchData.ent[n] = e, ent
	return e, ent
}

// BenchmarkLink measures the end-to-end link of encodings (candidate
// generation, scoring, solving) on all cores, in records/s, with exhaustive
// comparison (100,000 records) and with LSH blocking (the 1,000,000-record
// method, here on 200,000).
func BenchmarkLink(b *testing.B) {
	s := childSchema(b)
	for _, bc := range []struct {
		name     string
		n        int
		blocking Blocking
	}{
		{"exhaustive-100k", 100_000, BlockExhaustive},
		{"lsh-200k", 200_000, BlockLSH},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, ent := benchEncodings(b, bc.n)
			set := e.Set()
			var res *Result
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				var err error
				o := s.Options()
				o.Blocking = bc.blocking
				res, err = Link(set, o)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*set.Len())/time.Since(start).Seconds(), "records/s")
			b.ReportMetric(Evaluate(res.Cluster, ent).F1, "F1")
		})
	}
}

// BenchmarkLinkFields measures the link of the child-fields schema (field
// by field comparison, EM fit, clustering on probabilities) on 20,000
// children of the field preset, the population the 5-second
// target names.
func BenchmarkLinkFields(b *testing.B) {
	s, _ := BuiltinSchema("child-fields")
	e, ent := encodeSynth(b, s, synth.Options{Children: 20000, Seed: 1, Preset: synth.PresetField})
	set := e.Set()
	var res *Result
	start := time.Now()
	for b.Loop() {
		var err error
		if res, err = Link(set, s.Options()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/link")
	b.ReportMetric(Evaluate(res.Cluster, ent).F1, "F1")
}
