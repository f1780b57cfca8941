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
	return c.blockSetOf(set, nil)
}

// bagWords is the length in words of a name bag (nameUnion's dst): the
// longest name segment.
func (c *comparer) bagWords() int {
	nw := 0
	for _, nm := range c.names {
		for _, s := range nm {
			nw = max(nw, len(c.segs[s]))
		}
	}
	return nw
}

// blockSetOf is blockSet of the filters perm lists, in its order (all in
// set's order when perm is nil).
func (c *comparer) blockSetOf(set *dice.Set, perm []int32) *dice.Set {
	bw := max((c.bagWords()+7)/8*8, 8)
	n := set.Len()
	if perm != nil {
		n = len(perm)
	}
	bs := &dice.Set{Words: bw, Bits: make([]uint64, n*bw), Pop: make([]uint32, n)}
	for i := range n {
		dst := bs.Bits[i*bw : (i+1)*bw]
		r := i
		if perm != nil {
			r = int(perm[i])
		}
		c.nameUnion(set.Filter(r), dst)
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
	nf.learnedStats()
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
		rs = m.fs.recs(set)
		pairs = m.candidatePairs(set, rs, o.Workers)
	}
	lv := make([]uint8, len(m.fs.c.feats))
	score := func(a, b int32) float64 { return prob(m.fs.weight(rs.at(a), rs.at(b), lv, nil)) }
	cluster := solveWith(set.Len(), score, pairs, solveOptions{threshold: o.Threshold, support: o.Support, minLink: o.MinLink, maxCluster: o.MaxCluster})
	if d := m.fs.c.dateFeature(); d >= 0 {
		known := func(r int32) int { return m.fs.c.knownDate(rs.at(r).pop, d) }
		cluster = resolveUndated(cluster, pairs, known, score,
			solveOptions{threshold: o.Threshold, support: undatedSupport, minLink: o.MinLink, maxCluster: o.MaxCluster})
	}
	res := &Result{Pairs: pairs, Cluster: cluster, Model: m}
	for _, c := range cluster {
		res.Clusters = max(res.Clusters, int(c)+1)
	}
	return res, nil
}

// candidatePairs compares every pair of records whose names are similar
// enough, a chunk of records at a time, and keeps those whose match
// probability reaches the review threshold, scored by it. rs are the
// records of set. Above yearBlockMin records only those born at most two
// years apart are compared (and those without a date with all).
func (m *Model) candidatePairs(set *dice.Set, rs *recs, workers int) []ScoredPair {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	yb := oneBlock(set.Len())
	if set.Len() > yearBlockMin {
		if y := m.fs.yearBlocks(rs); y != nil {
			yb = y
		}
	}
	return m.candidatesByYear(set, rs, yb, workers)
}

// yearBlocking is the order in which candidatesByYear compares records:
// perm lists the records bucket by bucket (bucket 0: no year of birth;
// then one bucket per distinct year segment), bucket i holding
// perm[start[i]:start[i+1]]; near[i][j] says whether the years of buckets
// i and j are close enough (the date comparison's bands up to two years
// apart) for their records to be compared.
type yearBlocking struct {
	perm  []int32
	start []int
	near  [][]bool
}

// yearBlockMin is the number of records above which candidatePairs
// compares only the records born at most two years apart. Candidates are
// found on the names alone, and their number grows with the square of the
// records: a million registrations of children of the same origins, born
// over some twenty years, hold billions of pairs with one common full
// name, most of them born years apart, which no link can afford to
// compare one by one. Blocking on the year costs little: a pair whose
// dates are more than two years apart scores the date's largest
// disagreement, and at 200,000 registrations (the scale test) the 60
// pairs of that kind that reached the review probability were all left
// for review, none merged: the clusters came out the same. Below it, as
// when the model is fitted on every record, every candidate is compared.
const yearBlockMin = fitSample

// maxYearBuckets bounds the distinct year segments yearBlocks sorts
// records into: a layout whose year segment takes more values than birth
// years are not blocked on it.
const maxYearBuckets = 1024

// oneBlock is the yearBlocking that compares every pair of n records.
func oneBlock(n int) *yearBlocking {
	yb := &yearBlocking{perm: make([]int32, n), start: []int{0, n}, near: [][]bool{{true}}}
	for i := range yb.perm {
		yb.perm[i] = int32(i)
	}
	return yb
}

// yearBlocks returns how to compare only the records born at most two
// years apart, and those without a date with all, or nil when the schema
// does not have exactly one date feature.
func (m *fsModel) yearBlocks(rs *recs) *yearBlocking {
	date := -1
	for fi, f := range m.c.feats {
		if f.kind != featDate {
			continue
		}
		if date >= 0 {
			return nil
		}
		date = fi
	}
	if date < 0 {
		return nil
	}
	y := m.c.feats[date].segs[0]
	n := rs.set.Len()
	bucket := make([]int32, n)
	ids := map[uint64]int32{}
	var reps []int32 // a record of each year bucket
	for i := range n {
		if rs.pop[i*rs.ns+y] == 0 {
			continue // bucket 0
		}
		h := m.c.segHash(rs.set.Filter(i), y)
		b, ok := ids[h]
		if !ok {
			if len(reps) == maxYearBuckets {
				return nil
			}
			b = int32(len(reps) + 1)
			ids[h] = b
			reps = append(reps, int32(i))
		}
		bucket[i] = b
	}
	k := len(reps) + 1
	yb := &yearBlocking{perm: make([]int32, n), start: make([]int, k+1), near: make([][]bool, k)}
	for _, b := range bucket {
		yb.start[b+1]++
	}
	for i := 1; i <= k; i++ {
		yb.start[i] += yb.start[i-1]
	}
	next := slices.Clone(yb.start[:k])
	for i, b := range bucket {
		yb.perm[next[b]] = int32(i)
		next[b]++
	}
	for i := range k {
		yb.near[i] = make([]bool, k)
		for j := range k {
			if i == 0 || j == 0 {
				yb.near[i][j] = true // no year: compared with every record
				continue
			}
			a, b := rs.at(reps[i-1]), rs.at(reps[j-1])
			// The band of the date comparison (comparer.date): at least
			// 0.52 is up to two years apart.
			yb.near[i][j] = dice2(m.c.and(a.f, y, b.f, y), int(a.pop[y]), int(b.pop[y])) >= 0.52
		}
	}
	return yb
}

// candidatesByYear is candidatePairs for records sorted into year
// buckets (oneBlock: all in one): each bucket is compared with itself and
// with the later buckets near it, a chunk of its records at a time. The
// pairs come out sorted by A then B.
func (m *Model) candidatesByYear(set *dice.Set, rs *recs, yb *yearBlocking, workers int) []ScoredPair {
	bs := m.fs.c.blockSetOf(set, yb.perm)
	w := bs.Words
	view := func(lo, hi int) *dice.Set {
		return &dice.Set{Words: w, Bits: bs.Bits[lo*w : hi*w : hi*w], Pop: bs.Pop[lo:hi:hi]}
	}
	var out []ScoredPair
	minW := logit(m.opt.Review)
	score := func(cands []dice.Pair, offA, offB int32) {
		out = append(out, m.fs.keepScored(len(cands), workers, func(i int, lv []uint8) (ScoredPair, bool) {
			a, b := yb.perm[cands[i].A+offA], yb.perm[cands[i].B+offB]
			if a > b {
				a, b = b, a
			}
			return m.fs.scoreCandidate(rs, a, b, lv, minW, m.opt.Review)
		})...)
	}
	floor := m.opt.NameFloor
	k := len(yb.start) - 1
	for i := range k {
		end := yb.start[i+1]
		for lo := yb.start[i]; lo < end; lo += exhaustiveChunk {
			hi := min(lo+exhaustiveChunk, end)
			score(dice.SelfJoin(view(lo, hi), floor, workers), int32(lo), int32(lo))
			if hi < end {
				score(dice.Join(view(lo, hi), view(hi, end), floor, workers), int32(lo), int32(hi))
			}
			for j := i + 1; j < k; j++ {
				if yb.near[i][j] && yb.start[j] < yb.start[j+1] {
					score(dice.Join(view(lo, hi), view(yb.start[j], yb.start[j+1]), floor, workers), int32(lo), int32(yb.start[j]))
				}
			}
		}
	}
	slices.SortFunc(out, comparePairs)
	return out
}

// scoreCandidate scores candidate pair a < b and keeps it when its match
// probability reaches review (minW bits). (Bounding the weight from the
// dates and the names' frequencies first, to compare the names only when
// they could lift the pair, cost more than it saved: a third more CPU at
// 200,000 registrations.)
func (m *fsModel) scoreCandidate(rs *recs, a, b int32, lv []uint8, minW, review float64) (ScoredPair, bool) {
	ra, rb := rs.at(a), rs.at(b)
	m.c.vector(ra, rb, lv)
	wt, ok := m.weightFrom(ra, rb, lv, minW)
	if !ok {
		return ScoredPair{}, false
	}
	pr := prob(wt)
	return ScoredPair{A: a, B: b, Score: float32(pr)}, pr >= review
}

// undatedLow and undatedSupport are the best pair probability and the
// mean probability over the cluster a record without a full date alone
// needs to join the one cluster all its scored pairs lead to
// (resolveUndated): below the match threshold, since no other child is in
// sight. Seed 1, field preset, with the rule for undated records only:
// 0.3 and 0.3 gave F1 0.8083 with the ambiguity rule, 0.2 and 0.2 0.8056
// and 0.3 with the threshold's support 0.8049 without it (0.8048 with
// neither).
const (
	undatedLow     = 0.3
	undatedSupport = 0.3
)

// How much of a record's date of birth is known (resolveUndated).
const (
	knownNone = iota // no date
	knownYear        // a year without a day: estimated, partial, 1 January or 1 July
	knownFull
)

// resolveUndated revisits the records without a full date of birth after
// clustering; known tells how much of a record's date is known, and
// o.support is the mean probability over a cluster such a record alone
// needs to join it. A registration without a date has only names, sex and
// citizenship, and among children of one origin many share them; one with
// an estimated date has a year that may be one or two off.
//
//   - Ambiguity: an undated record in a cluster that also has a pair at
//     least at the threshold with a dated record of another cluster (the
//     solver kept the two apart: other children, or another date) could be
//     either child; names alone cannot say which, so it is taken out of
//     its cluster and its pairs are left for review. This removes false
//     matches: two children of one common name joined through a record
//     that names both.
//   - A single candidate: a record without a full date left alone whose
//     scored pairs (at least the review probability) all lead into one
//     cluster (or one record) joins it when its best pair reaches
//     undatedLow, below the match threshold, and the cluster supports it:
//     no other child is in sight, and its date cannot rule the cluster out
//     by a day.
//
// Measured on the field preset, 20,000 children: seed 1 F1 0.8048 to
// 0.8131, seed 2 0.8030 to 0.8109, seed 3 0.8076 to 0.8140; mild seed 2
// 0.9138 to 0.9165, harsh 0.5399 to 0.5465 (precision 0.69 to 0.74). The
// ambiguity rule extended to records with a year only took seed 1 to
// 0.8013 (precision 0.888, recall 0.730), and the single-candidate rule
// for every record to 0.8089 (precision 0.846): a full date that leaves a
// pair below the threshold is evidence against it.
func resolveUndated(cluster []int32, pairs []ScoredPair, known func(int32) int, score func(a, b int32) float64, o solveOptions) []int32 {
	// Cluster of each record, singletons numbered after the clusters.
	root := slices.Clone(cluster)
	next := int32(0)
	for _, c := range cluster {
		next = max(next, c+1)
	}
	for i, c := range root {
		if c < 0 {
			root[i] = next
			next++
		}
	}
	members := map[int32][]int32{}
	for i, c := range root {
		members[c] = append(members[c], int32(i))
	}
	// Pairs of each record without a full date.
	adj := map[int32][]int32{}
	for i, p := range pairs {
		if known(p.A) < knownFull {
			adj[p.A] = append(adj[p.A], int32(i))
		}
		if known(p.B) < knownFull {
			adj[p.B] = append(adj[p.B], int32(i))
		}
	}
	other := func(p ScoredPair, r int32) int32 {
		if p.A == r {
			return p.B
		}
		return p.A
	}
	recs := make([]int32, 0, len(adj))
	for r := range adj {
		recs = append(recs, r)
	}
	slices.Sort(recs)
	// Ambiguity: a strong pair with a dated record of another cluster.
	for _, r := range recs {
		c := root[r]
		if known(r) != knownNone || len(members[c]) < 2 {
			continue
		}
		amb := false
		for _, i := range adj[r] {
			p := pairs[i]
			x := other(p, r)
			if root[x] != c && float64(p.Score) >= o.threshold && known(x) != knownNone {
				amb = true
				break
			}
		}
		if amb {
			ms := members[c]
			k := slices.Index(ms, r)
			members[c] = slices.Delete(slices.Clone(ms), k, k+1)
			root[r] = next
			members[next] = []int32{r}
			next++
		}
	}
	// A single candidate: every pair of a record alone leads into one
	// cluster.
	for _, r := range recs {
		if len(members[root[r]]) != 1 {
			continue
		}
		target, best, one := int32(-1), 0.0, true
		for _, i := range adj[r] {
			p := pairs[i]
			x := other(p, r)
			if target >= 0 && root[x] != target {
				one = false
				break
			}
			target = root[x]
			best = max(best, float64(p.Score))
		}
		ms := members[target]
		if !one || target < 0 || !undatedJoins(best, len(ms), func(i int) float64 { return score(r, ms[i]) }, o) {
			continue
		}
		delete(members, root[r])
		root[r] = target
		members[target] = append(ms, r)
	}
	return numberClusters(root, func(c int32) bool { return len(members[c]) >= 2 }, pairs)
}
