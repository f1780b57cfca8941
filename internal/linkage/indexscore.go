package linkage

import (
	"math/bits"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// The hub scores with the frequencies of its index, as Link scores with
// those of its input: a pair agreeing on a full name that one child holds
// counts more than one agreeing on a name many children share. Scored with
// Model.Score instead (no frequencies), the same pair got another
// probability when a record was found (Candidates) than when the cluster
// it might join was judged (Model.CanJoin): rare names, whose adjustment
// is largest, were found and then refused.

// Score returns the match probability of filters a and b with the name and
// date frequencies counted in the index, each record's the larger of the
// two (as Link does); for a model without layout it is Model.Score.
func (ix *Index) Score(a, b []uint64) float64 {
	if ix.block == nil {
		return ix.m.Score(a, b)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	fs := ix.model()
	var pa, pb [maxFields]uint16
	var ta, tb [3 * maxFields]float32
	ra, rb := fs.c.rec(a, pa[:]), fs.c.rec(b, pb[:])
	ra.tf, rb.tf = ix.freqs(a, ta[:len(ix.freq)]), ix.freqs(b, tb[:len(ix.freq)])
	var lv [32]uint8
	return prob(fs.weight(ra, rb, lv[:len(fs.c.feats)], nil))
}

// Explain is Model.Explain with the index's frequencies (Score).
func (ix *Index) Explain(a, b []uint64) (*Explanation, error) {
	if ix.block == nil {
		return ix.m.Explain(a, b)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m := *ix.m
	m.fs = ix.model()
	return m.explain(a, b, ix.freqs(a, nil), ix.freqs(b, nil))
}

// model returns the index's model carried over to the indexed records
// (fsModel.forPopulation), made once per change of the counts rather than
// for every pair scored. Call with ix.mu held (read or write): the counts
// cannot change meanwhile, so readers that make it at once make the same.
func (ix *Index) model() *fsModel {
	if fs := ix.carried.Load(); fs != nil {
		return fs
	}
	fs := ix.m.fs.forPopulation(func(t int) (tableStats, bool) {
		if ix.pairs[t] <= 0 || ix.nfreq[t] == 0 {
			return tableStats{}, false
		}
		n := float64(ix.nfreq[t])
		return tableStats{shared: float64(ix.pairs[t]) / n, mean: float64(ix.cubes[t]) / float64(ix.pairs[t]) / n}, true
	})
	ix.carried.Store(fs)
	return fs
}

// freqs returns in dst (allocated when nil) the frequency of each of f's
// name and date values among the indexed records, as Link's tables count
// them: a value no indexed record holds counts as one record's. Call with
// ix.mu held.
func (ix *Index) freqs(f []uint64, dst []float32) []float32 {
	if dst == nil {
		dst = make([]float32, len(ix.freq))
	}
	for t := range ix.freq {
		dst[t] = 0
		if ix.nfreq[t] == 0 {
			continue
		}
		if h, ok := ix.m.fs.tfKey(f, t); ok {
			dst[t] = float32(float64(max(ix.freq[t][h], 1)) / float64(ix.nfreq[t]))
		}
	}
	return dst
}

// HasNameBag reports whether the model's filters have a name bag
// (NameBag): a segmented layout with name fields.
func (m *Model) HasNameBag() bool { return m.fs != nil && len(m.fs.c.names) > 0 }

// NameBag appends to dst the positions of the bits set in f's name bag
// (its given and family name segments OR-ed: what the candidates of a
// segmented schema are found on, in Link and in Index.Candidates) and
// returns it; dst as it was when the model has none (HasNameBag). The
// positions are those of the bag, not of the filter: equal names give
// equal positions.
func (m *Model) NameBag(f []uint64, dst []uint32) []uint32 {
	if !m.HasNameBag() {
		return dst
	}
	nw := m.fs.c.bagWords()
	var words [16]uint64 // a 1,024-bit segment; longer ones on the heap
	bag := words[:0]
	if nw <= len(words) {
		bag = words[:nw]
	} else {
		bag = make([]uint64, nw)
	}
	m.fs.c.nameUnion(f, bag)
	for i, w := range bag {
		for w != 0 {
			dst = append(dst, uint32(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return dst
}

// Prober returns a function that scores filters against f as Candidates
// does: 0 for a record whose name bag is below the model's name floor
// against f's (Candidates never compares them), else Score. f's own part
// (its segments' counts, its name and date frequencies, its name bag) is
// made once, so that a filter in front of the index (the hub's LSH) can
// score the records it lets through at the cost of the other side only.
// It sees the counts as they were when Prober was called: make one per
// query, and call it from one goroutine.
func (ix *Index) Prober(f []uint64) func(g []uint64) float64 {
	if ix.block == nil {
		return func(g []uint64) float64 { return ix.m.Score(f, g) }
	}
	ix.mu.RLock()
	fs := ix.model()
	c := fs.c
	qa := c.rec(f, make([]uint16, len(c.segs)))
	qa.tf = ix.freqs(f, nil)
	ix.mu.RUnlock()
	floor := ix.m.opt.NameFloor
	q := make([]uint64, c.bagWords())
	c.nameUnion(f, q)
	pq := dice.Count(q)
	if pq == 0 {
		return func([]uint64) float64 { return 0 } // no names: Candidates finds nothing either
	}
	bag := make([]uint64, len(q))
	pb := make([]uint16, len(c.segs))
	tfb := make([]float32, len(qa.tf))
	lv := make([]uint8, len(c.feats))
	return func(g []uint64) float64 {
		clear(bag)
		c.nameUnion(g, bag)
		if x, pg := dice.AndCount(q, bag), dice.Count(bag); float64(2*x) < floor*float64(pq+pg) {
			return 0
		}
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		b := c.rec(g, pb)
		b.tf = ix.freqs(g, tfb)
		return prob(fs.weight(qa, b, lv, nil))
	}
}
