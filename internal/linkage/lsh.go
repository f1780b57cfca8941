package linkage

import (
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// lshPlan is the read-only state shared by the LSH workers.
type lshPlan struct {
	set    *dice.Set
	sc     *pairScorer
	t      float64 // Dice floor
	keep   float64 // pair score kept
	k      int
	keys   [][]uint16 // per table, the K sampled bit positions
	splits [][]uint16 // per table, further bits to split big buckets
	maxB   int
	next   atomic.Int64
	found  pairSet
}

// lshJoin runs Hamming LSH over set; see the package comment above.
func lshJoin(set *dice.Set, sc *pairScorer, t, keep float64, o LSHOptions, workers int) []ScoredPair {
	bitsN := set.Words * 64
	if o.Bits <= 0 {
		o.Bits = 16
	}
	o.Bits = min(o.Bits, 32)
	if o.Recall <= 0 || o.Recall >= 1 {
		o.Recall = 0.999
	}
	if o.MaxBucket <= 0 {
		o.MaxBucket = 1024
	}
	if o.Seed == 0 {
		o.Seed = 0x6c696e6b616765 // "linkage"
	}
	// Sample from bits that are neither almost always set nor almost never:
	// a bit set in nearly every filter separates nothing.
	freq := bitFrequencies(set)
	var useful []uint16
	for i, f := range freq {
		if f >= 0.05 && f <= 0.95 {
			useful = append(useful, uint16(i))
		}
	}
	if len(useful) < 2*o.Bits {
		useful = useful[:0]
		for i := range bitsN {
			useful = append(useful, uint16(i))
		}
	}
	if o.Tables <= 0 {
		o.Tables = tablesFor(set, freq, t, o.Bits, o.Recall)
	}
	p := &lshPlan{set: set, sc: sc, t: t, keep: keep, k: o.Bits, maxB: o.MaxBucket}
	p.found.slots = make([]uint64, 1<<max(16, bits.Len(uint(4*set.Len()))))
	rng := o.Seed
	draw := func(n int) []uint16 {
		// n distinct positions from useful (partial Fisher-Yates on a copy).
		pool := slices.Clone(useful)
		out := make([]uint16, 0, n)
		for i := 0; i < n && i < len(pool); i++ {
			rng += 0x9e3779b97f4a7c15
			j := i + int(mix64(rng)%uint64(len(pool)-i))
			pool[i], pool[j] = pool[j], pool[i]
			out = append(out, pool[i])
		}
		return out
	}
	for range o.Tables {
		p.keys = append(p.keys, draw(o.Bits))
		p.splits = append(p.splits, draw(3*8))
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work()
		}()
	}
	wg.Wait()
	return p.found.pairs(sc)
}

// tablesFor returns L such that a pair at Dice t collides in at least one of
// L tables of K bits with probability recall. Two filters of popcount P at
// Dice t differ in 2P(1-t) of m bits; a sampled bit agrees with probability
// a = 1 - 2P(1-t)/m, all K with a^K. P is the mean popcount, which is also
// about the sum of the sampled bits' frequencies times m/len.
func tablesFor(set *dice.Set, freq []float64, t float64, k int, recall float64) int {
	m := float64(set.Words * 64)
	var sum float64
	for _, f := range freq {
		sum += f
	}
	a := 1 - 2*sum*(1-t)/m
	p := math.Pow(a, float64(k))
	if p <= 0 || p >= 1 {
		return 1
	}
	l := int(math.Ceil(math.Log(1-recall) / math.Log(1-p)))
	return min(max(l, 1), 1000)
}

// bitFrequencies returns, for each bit position, the fraction of filters
// that set it.
func bitFrequencies(set *dice.Set) []float64 {
	w := set.Words
	counts := make([]int, w*64)
	n := set.Len()
	for i := range n {
		f := set.Bits[i*w : (i+1)*w]
		for j, x := range f {
			for x != 0 {
				b := bits.TrailingZeros64(x)
				counts[j*64+b]++
				x &= x - 1
			}
		}
	}
	out := make([]float64, len(counts))
	for i, c := range counts {
		out[i] = float64(c) / float64(max(n, 1))
	}
	return out
}

// lshWorker holds one goroutine's buffers.
type lshWorker struct {
	p      *lshPlan
	ent    []uint64 // key<<32 | record, sorted per table
	tmp    []uint64
	gather []uint64
	pops   []uint32
	out    []uint32
}

func (p *lshPlan) work() {
	n := p.set.Len()
	w := &lshWorker{p: p, ent: make([]uint64, n), tmp: make([]uint64, n)}
	for {
		t := int(p.next.Add(1) - 1)
		if t >= len(p.keys) {
			return
		}
		w.table(t)
	}
}

// table processes one LSH table: key every record, sort by key, compare
// within each bucket.
func (w *lshWorker) table(t int) {
	p := w.p
	set := p.set
	words := set.Words
	pos := p.keys[t]
	for i := range set.Len() {
		f := set.Bits[i*words : (i+1)*words]
		var key uint64
		for _, b := range pos {
			key = key<<1 | f[b>>6]>>(b&63)&1
		}
		w.ent[i] = key<<32 | uint64(i)
	}
	radixSortHigh(w.ent, w.tmp, p.k)
	w.buckets(w.ent, t, 0)
}

// buckets compares within each run of equal keys (the high 32 bits) of ent.
// A run larger than MaxBucket is re-keyed with eight further sampled bits
// (depth selects which) and split, up to three times.
func (w *lshWorker) buckets(ent []uint64, t, depth int) {
	for i := 0; i < len(ent); {
		j := i + 1
		for j < len(ent) && ent[j]>>32 == ent[i]>>32 {
			j++
		}
		if j-i >= 2 {
			if j-i > w.p.maxB && depth < 3 {
				w.split(ent[i:j], t, depth)
			} else {
				w.compare(ent[i:j])
			}
		}
		i = j
	}
}

func (w *lshWorker) split(ent []uint64, t, depth int) {
	set := w.p.set
	words := set.Words
	pos := w.p.splits[t][depth*8 : depth*8+8]
	sub := make([]uint64, len(ent)) // rare: only for oversized buckets
	for i, e := range ent {
		r := uint32(e)
		f := set.Bits[int(r)*words : (int(r)+1)*words]
		var key uint64
		for _, b := range pos {
			key = key<<1 | f[b>>6]>>(b&63)&1
		}
		sub[i] = key<<32 | uint64(r)
	}
	slices.Sort(sub)
	w.buckets(sub, t, depth+1)
}

// compare scores every pair of a bucket with the Dice kernel, over a
// contiguous copy of the bucket's filters.
func (w *lshWorker) compare(ent []uint64) {
	set := w.p.set
	words := set.Words
	s := len(ent)
	w.gather = slices.Grow(w.gather[:0], s*words)[:s*words]
	w.pops = slices.Grow(w.pops[:0], s)[:s]
	for i, e := range ent {
		r := int(uint32(e))
		copy(w.gather[i*words:], set.Bits[r*words:(r+1)*words])
		w.pops[i] = set.Pop[r]
	}
	w.out = slices.Grow(w.out[:0], s)[:s]
	t := w.p.t
	for i := 0; i < s-1; i++ {
		q := w.gather[i*words : (i+1)*words]
		rest := s - i - 1
		out := w.out[:rest]
		dice.AndCounts(q, w.gather[(i+1)*words:], out)
		pi := w.pops[i]
		ri := uint32(ent[i])
		for j, c := range out {
			sum := pi + w.pops[i+1+j]
			if sum == 0 {
				continue
			}
			// The same formula as the dice package, so that LSH keeps a
			// pair exactly when exhaustive comparison would.
			if float64(2*c)/float64(sum) < t {
				continue
			}
			if w.p.sc.fromCounts(c, pi, w.pops[i+1+j]) < w.p.keep {
				continue
			}
			rj := uint32(ent[i+1+j])
			a, b := min(ri, rj), max(ri, rj)
			w.p.found.add(uint64(a)<<32 | uint64(b))
		}
	}
}

// radixSortHigh sorts ent by its high 32 bits, of which only the low k bits
// (bits 32..32+k) vary, with a stable LSD radix sort; tmp is scratch of the
// same length.
func radixSortHigh(ent, tmp []uint64, k int) {
	var count [256]int
	for shift := 32; shift < 32+k; shift += 8 {
		clear(count[:])
		for _, e := range ent {
			count[e>>shift&255]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range ent {
			d := e >> shift & 255
			tmp[count[d]] = e
			count[d]++
		}
		copy(ent, tmp)
	}
}

// pairSet is the set of pairs (a<<32|b) the LSH workers keep, shared by
// them: a close pair collides in many tables and must be kept once. It is an
// open-addressing hash table of 8-byte keys filled with compare-and-swap, so
// that workers do not wait on each other; a read-write lock only stops them
// while the table doubles. One shared table of keys alone (the scores are
// recomputed once at the end) keeps memory near 11 bytes per kept pair.
type pairSet struct {
	mu    sync.RWMutex
	slots []uint64 // 0 is empty: pair (0, 0) cannot occur since a < b
	n     atomic.Int64
}

func (s *pairSet) add(k uint64) {
	for {
		s.mu.RLock()
		slots := s.slots
		res := probeInsert(slots, k)
		var n int64
		if res == slotAdded {
			n = s.n.Add(1)
		}
		s.mu.RUnlock()
		switch res {
		case slotPresent:
			return
		case slotAdded:
			if 4*n > 3*int64(len(slots)) {
				s.grow(len(slots))
			}
			return
		case slotFull:
			// Other workers filled the table between a worker's insert and
			// its growth: grow it here and try again, rather than probe a
			// full table for ever while holding the read lock.
			s.grow(len(slots))
		}
	}
}

// Outcomes of probeInsert.
const (
	slotPresent = iota
	slotAdded
	slotFull
)

// probeInsert puts k in slots by linear probing with compare-and-swap. It
// looks at every slot at most once, so it ends even when the table is full.
func probeInsert(slots []uint64, k uint64) int {
	mask := uint64(len(slots) - 1)
	i := mix64(k) & mask
	for range len(slots) {
		v := atomic.LoadUint64(&slots[i])
		if v == 0 {
			if atomic.CompareAndSwapUint64(&slots[i], 0, k) {
				return slotAdded
			}
			v = atomic.LoadUint64(&slots[i]) // another worker took the slot
		}
		if v == k {
			return slotPresent
		}
		i = (i + 1) & mask
	}
	return slotFull
}

// grow doubles the table, unless another worker already did.
func (s *pairSet) grow(size int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.slots) != size {
		return
	}
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, k := range old {
		if k == 0 {
			continue
		}
		i := mix64(k) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = k
	}
}

// pairs returns the kept pairs, scored, sorted by A then B.
func (s *pairSet) pairs(sc *pairScorer) []ScoredPair {
	out := make([]ScoredPair, 0, s.n.Load())
	for _, k := range s.slots {
		if k != 0 {
			a, b := int32(k>>32), int32(uint32(k))
			out = append(out, ScoredPair{A: a, B: b, Score: float32(sc.score(a, b))})
		}
	}
	s.slots = nil
	slices.SortFunc(out, comparePairs)
	return out
}
