package hub

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestLSHRecall: the LSH filter finds nearly every pair the full scan
// finds at the review threshold, on generated registrations with the
// generator's recording errors, while scoring a small share of the index.
func TestLSHRecall(t *testing.T) {
	for _, sch := range []*linkage.Schema{hubtest.Schema(t), hubtest.FieldsSchema(t)} {
		t.Run(sch.Name, func(t *testing.T) { testLSHRecall(t, sch) })
	}
}

func testLSHRecall(t *testing.T, sch *linkage.Schema) {
	enc := hubtest.NewEncoderOf(t, sch)
	// As network.ModelOptions gives the hub (that package imports this one).
	m, err := linkage.NewModel(enc.Words(), linkage.Options{Threshold: sch.Threshold, Review: sch.Review, Layout: sch.Layout()})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := synth.Generate(synth.Options{Records: 8000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{model: m, cfg: Config{Words: enc.Words(), LSHFrom: 1, LSHTables: 32}}
	ki := &keyIndex{ix: linkage.NewIndex(m), lsh: newLSH(enc.Words(), 32, 1, lshBag(m))}
	filters := make([][]uint64, len(recs))
	for i, r := range recs {
		b, err := enc.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		f, err := (&Service{cfg: Config{Words: enc.Words()}}).words(b)
		if err != nil {
			t.Fatal(err)
		}
		filters[i] = f
		if err := ki.ix.Add(indexRef(int64(i+1)), f); err != nil {
			t.Fatal(err)
		}
		ki.lsh.add(uint32(i+1), f)
	}
	var want, found, scored int
	for i := 0; i < len(recs); i += 4 {
		f := filters[i]
		full := ki.ix.Candidates(f, 0)
		got := map[string]bool{}
		for _, c := range s.candidatesOf(ki, f) {
			got[c.Ref] = true
		}
		scored += len(ki.lsh.candidates(f))
		for _, c := range full {
			want++
			if got[c.Ref] {
				found++
			}
		}
	}
	queries := (len(recs) + 3) / 4
	recall := float64(found) / float64(want)
	t.Logf("recall %.4f (%d of %d pairs); %.0f records scored per query of %d", recall, found, want, float64(scored)/float64(queries), len(recs))
	if recall < 0.99 {
		t.Errorf("LSH recall %.4f against the full scan, want at least 0.99", recall)
	}
	// Bit sampling on the sparse child-fields filters scored 4,682 of
	// 8,000 records per query (most sampled bits are zero in most
	// filters); MinHash over the name bags scores a fortieth.
	if scored/queries > len(recs)/10 {
		t.Errorf("LSH scores %d records per query of %d: no better than a scan", scored/queries, len(recs))
	}
}
