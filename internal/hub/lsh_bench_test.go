package hub

import (
	"cmp"
	"os"
	"strconv"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// BenchmarkCandidates measures one query's candidates through the LSH
// filter and through the full scan, over CHILDCENTRE_HUB_BENCH_INDEX
// generated encodings (default 100,000) of the network schema
// CHILDCENTRE_HUB_BENCH_SCHEMA (default child-clk; child-fields), drawn with
// the generator preset CHILDCENTRE_HUB_BENCH_PRESET (default none):
//
//	go test ./internal/hub -run '^$' -bench Candidates
func BenchmarkCandidates(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("CHILDCENTRE_HUB_BENCH_INDEX"))
	if n <= 0 {
		n = 100000
	}
	name := cmp.Or(os.Getenv("CHILDCENTRE_HUB_BENCH_SCHEMA"), "child-clk")
	enc := hubtest.NewSchemaEncoder(b, name)
	sch, _ := linkage.BuiltinSchema(name)
	m, err := linkage.NewModel(enc.Words(), sch.Options())
	if err != nil {
		b.Fatal(err)
	}
	s := &Service{model: m, cfg: Config{Words: enc.Words(), LSHFrom: 1, LSHTables: 32}}
	ki := &keyIndex{ix: linkage.NewIndex(m), lsh: newLSH(enc.Words(), 32, 1, lshBag(m))}
	var queries [][]uint64
	id := int64(0)
	err = synth.Stream(synth.Options{Records: n, Seed: 8, Preset: os.Getenv("CHILDCENTRE_HUB_BENCH_PRESET")}, func(r synth.Record) error {
		bs, err := enc.Encode(r)
		if err != nil {
			return err
		}
		f, err := s.words(bs)
		if err != nil {
			return err
		}
		id++
		if id%997 == 0 && len(queries) < 200 {
			queries = append(queries, f)
		}
		ki.lsh.add(uint32(id), f)
		return ki.ix.Add(indexRef(id), f)
	})
	if err != nil {
		b.Fatal(err)
	}
	var scored, entries int
	for _, q := range queries {
		scored += len(ki.lsh.candidates(q))
		for t := range ki.lsh.pos {
			entries += len(ki.lsh.buckets[t][ki.lsh.key(t, q)])
		}
	}
	b.Logf("bucket entries per query %d", entries/len(queries))
	b.Logf("%d indexed; LSH scores %.0f records per query", n, float64(scored)/float64(len(queries)))
	b.Run("lsh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.candidatesOf(ki, queries[i%len(queries)])
		}
	})
	b.Run("scan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ki.ix.Candidates(queries[i%len(queries)], 0)
		}
	})
}
