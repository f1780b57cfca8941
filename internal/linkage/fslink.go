package linkage

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// Linking segmented filters: candidates from the names alone (the OR of
// the given and family segments, so that swapped names and names in one
// field still meet), each candidate compared field by field and scored by
// the Fellegi–Sunter model, and the pairs clustered on their match
// probabilities.

// DefaultNameFloor is the Dice similarity of the name tokens from which
// two records of a segmented schema are compared.
const DefaultNameFloor = 0.6

// fitSample bounds the records whose candidate pairs train the model: the
// share of matches among candidate pairs is the same in a uniform sample of
// records as in all of them, so a sample learns the same weights.
const fitSample = 60_000

// emIterations is enough for the parameters to settle (they change by less
// than 1e-4 after about 20).
const emIterations = 400

// blockSet returns the name bags of set's filters, padded to a multiple of
// 512 bits so that the AVX-512 kernel compares them.
func (c *comparer) blockSet(set *dice.Set) *dice.Set {
	nw := 0
	for _, nm := range c.names {
		nw = max(nw, len(c.segs[nm[0]]))
	}
	bw := max((nw+7)/8*8, 8)
	n := set.Len()
	bs := &dice.Set{Words: bw, Bits: make([]uint64, n*bw), Pop: make([]uint32, n)}
	for i := range n {
		dst := bs.Bits[i*bw : (i+1)*bw]
		c.nameUnion(set.Filter(i), dst)
		bs.Pop[i] = uint32(dice.Count(dst))
	}
	return bs
}

// Fit learns a model for the filters of set (made with a segmented schema
// of layout l) by expectation maximisation on their candidate pairs, with
// the frequencies of names counted from the filters. o gives the
// thresholds the model decides with.
func Fit(set *dice.Set, l *Layout, o Options) (*Model, error) {
	m, _, err := fit(set, l, o)
	return m, err
}

// fitted is what fitting on every record (no sample) leaves for linking:
// the candidate pairs, their agreement patterns and the records.
type fitted struct {
	pairs []dice.Pair
	pats  []uint16
	rs    *recs
}

func fit(set *dice.Set, l *Layout, o Options) (*Model, *fitted, error) {
	if l == nil {
		return nil, nil, errs.E(errs.Invalid, "linkage: only filters of a segmented schema can be fitted")
	}
	o.Layout = l
	o.Weights = nil
	m, err := NewModel(set.Words, o)
	if err != nil {
		return nil, nil, err
	}
	fs := m.fs
	fs.countFrequencies(set.Bits, set.Words)
	bs := fs.c.blockSet(set)
	// A uniform sample of records, the same for the same input.
	idx := make([]int32, set.Len())
	for i := range idx {
		idx[i] = int32(i)
	}
	if len(idx) > fitSample {
		r := rand.New(rand.NewPCG(1, uint64(len(idx))))
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:fitSample]
		slices.Sort(idx)
	}
	sample := dice.NewSet(bs.Words, len(idx))
	for _, i := range idx {
		sample.Add(bs.Filter(int(i)))
	}
	pairs := dice.SelfJoin(sample, m.opt.NameFloor, m.opt.Workers)
	rs := fs.recs(set)
	all := len(idx) == set.Len() && fs.npat <= 1<<16
	var pats []uint16
	if all {
		pats = make([]uint16, len(pairs))
	}
	st := fs.observeAll(rs, idx, pairs, pats, m.opt.Workers)
	w := fs.fit(st, emIterations)
	nf, err := newFSModel(w)
	if err != nil {
		return nil, nil, err
	}
	nf.tf, nf.hasFreq = fs.tf, fs.hasFreq
	m.fs = nf
	if !all {
		return m, nil, nil
	}
	rs.m = nf
	return m, &fitted{pairs: pairs, pats: pats, rs: rs}, nil
}

// observeChunk is how many candidate pairs one unit of observeAll's work
// holds.
const observeChunk = 1 << 14

// observeAll compares the candidate pairs (indexes into idx) field by
// field on workers goroutines and returns their statistics for EM; with
// pats not nil it also keeps each pair's agreement pattern. The counts are
// exact in any order; the name frequencies, floating-point sums, are added
// chunk by chunk in order, so the statistics do not depend on the number
// of workers.
func (m *fsModel) observeAll(rs *recs, idx []int32, pairs []dice.Pair, pats []uint16, workers int) *emStats {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := (len(pairs) + observeChunk - 1) / observeChunk
	workers = max(1, min(workers, chunks))
	k := 3 * len(m.c.feats)
	tfSum, tfN := make([]float64, chunks*k), make([]float64, chunks*k)
	counts := make([]*emStats, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		counts[w] = m.newStats()
		wg.Go(func() {
			lv := make([]uint8, len(m.c.feats))
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				// The worker's counts, the chunk's own frequency sums.
				st := &emStats{hist: counts[w].hist, rare: counts[w].rare, tfSum: tfSum[c*k : (c+1)*k], tfN: tfN[c*k : (c+1)*k]}
				lo, hi := c*observeChunk, min((c+1)*observeChunk, len(pairs))
				for i, p := range pairs[lo:hi] {
					pat := m.observe(st, rs.at(idx[p.A]), rs.at(idx[p.B]), lv, len(idx))
					if pats != nil {
						pats[lo+i] = uint16(pat)
					}
				}
			}
		})
	}
	wg.Wait()
	st := m.newStats()
	for _, c := range counts {
		for i, x := range c.hist {
			st.hist[i] += x
			st.rare[i] += c.rare[i]
		}
	}
	for c := range chunks {
		for t := range k {
			st.tfSum[t] += tfSum[c*k+t]
			st.tfN[t] += tfN[c*k+t]
		}
	}
	return st
}

// scoreFitted scores the fitted candidates from their agreement patterns
// and keeps those from the review probability up, in the candidates'
// order.
func (m *fsModel) scoreFitted(ft *fitted, review float64, workers int) []ScoredPair {
	floor := logit(review)
	return m.keepScored(len(ft.pairs), workers, func(i int, lv []uint8) (ScoredPair, bool) {
		p := ft.pairs[i]
		m.decode(int(ft.pats[i]), lv)
		w, ok := m.weightFrom(ft.rs.at(p.A), ft.rs.at(p.B), lv, floor)
		if !ok {
			return ScoredPair{}, false
		}
		pr := prob(w)
		return ScoredPair{A: p.A, B: p.B, Score: float32(pr)}, pr >= review
	})
}

// keepScored runs score for 0 <= i < n on workers goroutines, each a
// contiguous range with its own buffer of levels, and returns the pairs
// score keeps, in the order of i.
func (m *fsModel) keepScored(n, workers int, score func(i int, lv []uint8) (ScoredPair, bool)) []ScoredPair {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n/observeChunk+1))
	parts := make([][]ScoredPair, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Go(func() {
			lv := make([]uint8, len(m.c.feats))
			var kept []ScoredPair
			for i := lo; i < hi; i++ {
				if p, ok := score(i, lv); ok {
					kept = append(kept, p)
				}
			}
			parts[w] = kept
		})
	}
	wg.Wait()
	var out []ScoredPair
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// linkFS links the filters of a segmented schema.
func linkFS(set *dice.Set, o Options) (*Result, error) {
	m := o.Model
	var err error
	var ft *fitted
	switch {
	case (m == nil || m.fs == nil) && o.Weights != nil:
		// Fixed weights (link --weights): scored as given, not learned;
		// only the name frequencies are counted from the data.
		if m, err = NewModel(set.Words, o); err != nil {
			return nil, err
		}
		m = m.WithFrequencies(set)
	case m == nil || m.fs == nil:
		if m, ft, err = fit(set, o.Layout, o); err != nil {
			return nil, err
		}
	case !m.fs.hasFreq:
		m = m.WithFrequencies(set)
	}
	m.opt.Threshold, m.opt.Review, m.opt.Support, m.opt.MinLink = o.Threshold, o.Review, o.Support, o.MinLink
	var pairs []ScoredPair
	var rs *recs
	if ft != nil {
		// Fitted on every record: its candidates are the link's.
		rs = ft.rs
		pairs = m.fs.scoreFitted(ft, o.Review, o.Workers)
	} else {
		pairs = m.candidatePairs(set, o.Workers)
		rs = m.fs.recs(set)
	}
	lv := make([]uint8, len(m.fs.c.feats))
	cluster := solveWith(set.Len(), func(a, b int32) float64 {
		return prob(m.fs.weight(rs.at(a), rs.at(b), lv, nil))
	}, pairs, solveOptions{threshold: o.Threshold, support: o.Support, minLink: o.MinLink, maxCluster: o.MaxCluster})
	res := &Result{Pairs: pairs, Cluster: cluster, Model: m}
	for _, c := range cluster {
		res.Clusters = max(res.Clusters, int(c)+1)
	}
	return res, nil
}

// candidatePairs compares every pair of records whose names are similar
// enough, a chunk of records at a time, and keeps those whose match
// probability reaches the review threshold, scored by it.
func (m *Model) candidatePairs(set *dice.Set, workers int) []ScoredPair {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bs := m.fs.c.blockSet(set)
	rs := m.fs.recs(set)
	n, w := bs.Len(), bs.Words
	view := func(lo, hi int) *dice.Set {
		return &dice.Set{Words: w, Bits: bs.Bits[lo*w : hi*w : hi*w], Pop: bs.Pop[lo:hi:hi]}
	}
	var out []ScoredPair
	minW := logit(m.opt.Review)
	score := func(cands []dice.Pair, offA, offB int32) {
		out = append(out, m.fs.keepScored(len(cands), workers, func(i int, lv []uint8) (ScoredPair, bool) {
			a, b := cands[i].A+offA, cands[i].B+offB
			ra, rb := rs.at(a), rs.at(b)
			m.fs.c.vector(ra, rb, lv)
			wt, ok := m.fs.weightFrom(ra, rb, lv, minW)
			if !ok {
				return ScoredPair{}, false
			}
			pr := prob(wt)
			return ScoredPair{A: a, B: b, Score: float32(pr)}, pr >= m.opt.Review
		})...)
	}
	floor := m.opt.NameFloor
	for lo := 0; lo < n; lo += exhaustiveChunk {
		hi := min(lo+exhaustiveChunk, n)
		start := len(out)
		score(dice.SelfJoin(view(lo, hi), floor, workers), int32(lo), int32(lo))
		if hi < n {
			score(dice.Join(view(lo, hi), view(hi, n), floor, workers), int32(lo), int32(hi))
		}
		slices.SortFunc(out[start:], comparePairs)
	}
	return out
}
