package dice

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Pair is a comparison result at or above a threshold: A and B are indexes in the Sets
// given to Join (for SelfJoin both in the one Set, with A < B), Score the Dice score.
type Pair struct {
	A, B  int32
	Score float32
}

// Join compares every filter of a with every filter of b and returns the pairs whose
// Dice score is at least t, sorted by A then B. Pairs whose popcounts alone rule out t
// are never compared (see thresholds.possible). The work runs on workers goroutines
// (GOMAXPROCS if workers <= 0).
//
// Join returns the pairs rather than calling back: each worker appends to its own
// slice and the slices are merged and sorted at the end, so the output order is
// deterministic and nothing is shared in the hot loop. Apart from those result slices
// Join allocates a fixed amount per call (permutations, spans and per-worker tile
// buffers), nothing per pair. It panics if the Sets are malformed or their filter
// lengths differ.
func Join(a, b *Set, t float64, workers int) []Pair {
	pairs, _ := join(a, b, false, t, workers)
	return pairs
}

// SelfJoin compares every unordered pair of distinct filters of a and returns those
// scoring at least t as Pairs with A < B, sorted by A then B. See Join.
func SelfJoin(a *Set, t float64, workers int) []Pair {
	pairs, _ := join(a, a, true, t, workers)
	return pairs
}

const (
	// tileBytes bounds a tile of candidates, copied contiguously in popcount order so
	// that the kernel streams it from L1 (48 KiB on Zen 5) for every query of a chunk.
	tileBytes = 32 << 10
	// chunkBytes bounds a chunk of queries (one unit of work), kept in L2. Every chunk
	// copies the tiles it needs once, so larger chunks amortise the copies better.
	chunkBytes = 256 << 10
	// minChunk keeps chunks large enough for the copies to stay a few percent of the
	// work, even when that leaves a worker idle on small inputs.
	minChunk = 256
)

// plan is the read-only state of one Join shared by its workers. Positions i (queries,
// in a) and j (candidates, in b) are in popcount order; permA/permB map them back.
type plan struct {
	a, b         *Set
	self         bool
	th           thresholds
	permA, permB []int32
	popA, popB   []uint32
	lo, hi       []int32 // candidates of query i: positions lo[i] <= j < hi[i]
	chunk, tile  int
	next         atomic.Int64 // next chunk to take
}

// worker is one goroutine's buffers and results.
type worker struct {
	q, c     []uint64 // the chunk's queries and the current tile, in popcount order
	out      []uint32
	pairs    [][]Pair // blocks of pairBlock: growing one slice copied it again and again
	compared int64
}

// pairBlock is how many pairs a block of a worker's results holds at most;
// the first holds 256 and each next one twice as many, so that a small
// join stays small.
const pairBlock = 1 << 16

// add appends a pair to the worker's results.
func (wk *worker) add(p Pair) {
	if n := len(wk.pairs); n == 0 || len(wk.pairs[n-1]) == cap(wk.pairs[n-1]) {
		size := 256
		if n > 0 {
			size = min(2*cap(wk.pairs[n-1]), pairBlock)
		}
		wk.pairs = append(wk.pairs, make([]Pair, 0, size))
	}
	last := &wk.pairs[len(wk.pairs)-1]
	*last = append(*last, p)
}

// join runs Join or SelfJoin and also returns how many pairs the kernel compared
// (the rest were pruned), for the benchmarks.
func join(a, b *Set, self bool, t float64, workers int) ([]Pair, int64) {
	for _, s := range []*Set{a, b} {
		if err := s.check(); err != nil {
			panic(err)
		}
	}
	if a.Words != b.Words {
		panic("dice: Join of sets with different filter lengths")
	}
	w, bits := a.Words, 64*a.Words
	p := &plan{a: a, b: b, self: self, th: newThresholds(bits, t)}
	p.permA, p.popA = byPop(a.Pop, bits)
	p.permB, p.popB = p.permA, p.popA
	if !self {
		p.permB, p.popB = byPop(b.Pop, bits)
	}
	p.lo, p.hi = make([]int32, len(p.popA)), make([]int32, len(p.popA))
	for i, pa := range p.popA {
		lo, hi := p.th.span(pa, p.popB)
		if self { // only j > i: each unordered pair once, never a filter with itself
			lo = max(lo, i+1)
			hi = max(hi, lo)
		}
		p.lo[i], p.hi[i] = int32(lo), int32(hi)
	}

	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p.tile = max(8, tileBytes/(8*w))
	p.chunk = max(1, chunkBytes/(8*w))
	if n := len(p.popA); n > 0 {
		// Aim for several chunks per worker so that a slow chunk does not idle the rest.
		p.chunk = min(p.chunk, max(minChunk, (n+4*workers-1)/(4*workers)))
	}
	chunks := (len(p.popA) + p.chunk - 1) / p.chunk
	workers = max(1, min(workers, chunks))

	ws := make([]*worker, workers)
	var wg sync.WaitGroup
	for k := range ws {
		wk := &worker{
			q:   make([]uint64, p.chunk*w),
			c:   make([]uint64, p.tile*w),
			out: make([]uint32, p.tile),
		}
		ws[k] = wk
		wg.Go(func() {
			for {
				ci := int(p.next.Add(1) - 1)
				if ci >= chunks {
					return
				}
				p.run(ci, wk)
			}
		})
	}
	wg.Wait()

	compared := int64(0)
	for _, wk := range ws {
		compared += wk.compared
	}
	return sortedPairs(ws, a.Len()), compared
}

// sortedPairs merges the workers' pairs sorted by A then B. A is below na,
// so a counting sort places every pair in its A's run in one pass (no
// comparison sort over all pairs: on the field-level schema's candidates
// that sort was a quarter of a link's CPU), and only each run, a few
// candidates of one record, is sorted by B.
func sortedPairs(ws []*worker, na int) []Pair {
	start := make([]int32, na+1)
	total := 0
	for _, wk := range ws {
		for _, b := range wk.pairs {
			total += len(b)
			for _, p := range b {
				start[p.A+1]++
			}
		}
	}
	for i := 1; i <= na; i++ {
		start[i] += start[i-1]
	}
	pairs := make([]Pair, total)
	next := slices.Clone(start[:na])
	for _, wk := range ws {
		for _, b := range wk.pairs {
			for _, p := range b {
				pairs[next[p.A]] = p
				next[p.A]++
			}
		}
		wk.pairs = nil
	}
	// The runs are sorted on as many goroutines as there were workers, each
	// taking a range of records holding about as many pairs as the others.
	var wg sync.WaitGroup
	per := total/len(ws) + 1
	for lo := 0; lo < na; {
		hi := lo + 1
		for hi < na && int(start[hi]-start[lo]) < per {
			hi++
		}
		first, last := lo, hi // lo moves on below, in this iteration's variable
		wg.Go(func() {
			for i := first; i < last; i++ {
				if run := pairs[start[i]:start[i+1]]; len(run) > 1 {
					slices.SortFunc(run, func(x, y Pair) int { return cmp.Compare(x.B, y.B) })
				}
			}
		})
		lo = hi
	}
	wg.Wait()
	return pairs
}

// run compares chunk ci of the queries with every candidate in their spans, tile by
// tile, appending the pairs that reach the threshold to wk.pairs.
func (p *plan) run(ci int, wk *worker) {
	w := p.a.Words
	i0 := ci * p.chunk
	i1 := min(i0+p.chunk, len(p.popA))
	first, last := p.lo[i0], p.hi[i0]
	for i := i0; i < i1; i++ {
		first, last = min(first, p.lo[i]), max(last, p.hi[i])
	}
	if first >= last {
		return
	}
	for i := i0; i < i1; i++ {
		copy(wk.q[(i-i0)*w:], p.a.Filter(int(p.permA[i])))
	}
	need := p.th.need
	for ts := int(first); ts < int(last); ts += p.tile {
		te := min(ts+p.tile, int(last))
		for j := ts; j < te; j++ {
			copy(wk.c[(j-ts)*w:], p.b.Filter(int(p.permB[j])))
		}
		for i := i0; i < i1; i++ {
			j0, j1 := max(int(p.lo[i]), ts), min(int(p.hi[i]), te)
			if j0 >= j1 {
				continue
			}
			// need[s] grows with s and the span is in ascending popcount order, so
			// its first candidate has the lowest bar: counts below it are rejected
			// inside the kernel, and most spans have no count to look at at all.
			pa := p.popA[i]
			low := uint32(need[pa+p.popB[j0]]) // < impossible: j0 is in the span
			out := wk.out[:j1-j0]
			hits := kernel(wk.q[(i-i0)*w:(i-i0+1)*w], wk.c[(j0-ts)*w:(j1-ts)*w], out, low)
			wk.compared += int64(j1 - j0)
			if hits == 0 {
				continue
			}
			pops := p.popB[j0:j1:j1]
			for k, c := range out {
				if c < low {
					continue
				}
				if s := pa + pops[k]; int32(c) >= need[s] {
					wk.add(p.pair(i, j0+k, c, s))
				}
			}
		}
	}
}

// pair builds the result for query position i and candidate position j with
// AND-count c and popcount sum s.
func (p *plan) pair(i, j int, c, s uint32) Pair {
	a, b := p.permA[i], p.permB[j]
	if p.self && a > b {
		a, b = b, a
	}
	var sc float32
	if s > 0 {
		sc = float32(score(int(c), int(s)))
	}
	return Pair{A: a, B: b, Score: sc}
}
