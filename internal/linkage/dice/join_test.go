package dice

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// testSet returns n filters of w words: random ones with 25-45% of bits set, and
// among them exact copies, copies with a few bits flipped (so every threshold up to
// 1 has pairs), a few empty filters and filters of other densities.
func testSet(r *rand.Rand, n, w int) *Set {
	s := NewSet(w, n)
	for i := range n {
		var f []uint64
		switch {
		case i > 0 && i%5 == 0: // a copy of an earlier filter, a few bits flipped or not
			f = slices.Clone(s.Filter(r.IntN(i)))
			for range r.IntN(4) {
				k := r.IntN(64 * w)
				f[k/64] ^= 1 << (k % 64)
			}
		case i%37 == 1:
			f = make([]uint64, w)
		case i%11 == 2:
			f = randFilter(r, w, r.Float64())
		default:
			f = randFilter(r, w, 0.25+0.2*r.Float64())
		}
		if got := s.Add(f); got != i {
			t := fmt.Sprintf("Add returned %d, want %d", got, i)
			panic(t)
		}
	}
	return s
}

// naiveJoin is the definition: every pair, scored with the portable kernel.
func naiveJoin(a, b *Set, self bool, t float64) []Pair {
	var out []Pair
	for i := range a.Len() {
		j0 := 0
		if self {
			j0 = i + 1
		}
		for j := j0; j < b.Len(); j++ {
			c := andCountGeneric(a.Filter(i), b.Filter(j))
			s := int(a.Pop[i] + b.Pop[j])
			sc := 0.0
			if s > 0 {
				sc = float64(2*c) / float64(s)
			}
			if sc >= t {
				out = append(out, Pair{A: int32(i), B: int32(j), Score: float32(sc)})
			}
		}
	}
	return out
}

func TestJoinMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sizes := []struct{ w, na, nb int }{
		{16, 600, 700}, // more than one chunk and one tile
		{16, 1, 0},
		{8, 150, 90},
		{32, 80, 120},
		{3, 70, 60}, // not a multiple of 256 bits: portable code
	}
	if testing.Short() {
		sizes[0] = struct{ w, na, nb int }{16, 300, 280}
	}
	for _, k := range allKernels {
		for _, sz := range sizes {
			a, b := testSet(r, sz.na, sz.w), testSet(r, sz.nb, sz.w)
			for _, th := range []float64{0, 0.5, 0.8, 1.0} {
				name := fmt.Sprintf("%s/w=%d/%dx%d/t=%v", k.name, sz.w, sz.na, sz.nb, th)
				t.Run(name, func(t *testing.T) {
					useKernel(t, k.name, k.needs)
					for _, workers := range []int{1, 3} {
						checkPairs(t, "Join", Join(a, b, th, workers), naiveJoin(a, b, false, th))
						checkPairs(t, "SelfJoin", SelfJoin(a, th, workers), naiveJoin(a, a, true, th))
					}
				})
			}
		}
	}
}

func checkPairs(t *testing.T, what string, got, want []Pair) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d pairs, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: pair %d = %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

func TestPruningNeverDropsAReachablePair(t *testing.T) {
	const bits = 1024
	r := rand.New(rand.NewPCG(9, 10))
	for _, th := range []float64{-1, 0, 0.1, 0.5, 0.75, 0.8, 0.8000001, 0.9, 0.99, 1, 1.5} {
		tt := newThresholds(bits, th)
		for range 20000 {
			pa, pb := uint32(r.IntN(bits+1)), uint32(r.IntN(bits+1))
			if r.IntN(4) == 0 {
				pb = pa + uint32(r.IntN(9)) - 4
				pb = min(pb, bits)
			}
			s := int(pa + pb)
			best := 0.0 // the highest score any pair with these popcounts can have
			if s > 0 {
				best = score(int(min(pa, pb)), s)
			}
			if got, want := tt.possible(pa, pb), best >= th; got != want {
				t.Fatalf("t=%v pa=%d pb=%d: possible=%v, best score %v", th, pa, pb, got, best)
			}
			for c := 0; s > 0 && c <= int(min(pa, pb)); c += 1 + r.IntN(8) {
				if got, want := int32(c) >= tt.need[s], score(c, s) >= th; got != want {
					t.Fatalf("t=%v s=%d c=%d: accepted=%v, score %v", th, s, c, got, score(c, s))
				}
			}
		}
		// span is exactly the set of candidates that possible admits.
		pops := make([]uint32, 500)
		for i := range pops {
			pops[i] = uint32(r.IntN(bits + 1))
		}
		slices.Sort(pops)
		for range 200 {
			pa := uint32(r.IntN(bits + 1))
			lo, hi := tt.span(pa, pops)
			for j, pb := range pops {
				if in := j >= lo && j < hi; in != tt.possible(pa, pb) {
					t.Fatalf("t=%v pa=%d: pops[%d]=%d in span [%d,%d) = %v", th, pa, j, pb, lo, hi, in)
				}
			}
		}
	}
}

func TestJoinPrunes(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	a, b := testSet(r, 400, 16), testSet(r, 400, 16)
	_, all := join(a, b, false, 0, 2)
	_, pruned := join(a, b, false, 0.9, 2)
	if all != 400*400 {
		t.Errorf("t=0 compared %d pairs, want all %d", all, 400*400)
	}
	if pruned >= all/2 {
		t.Errorf("t=0.9 compared %d of %d pairs: popcount pruning is not working", pruned, all)
	}
	_, self := join(a, a, true, 0, 2)
	if self != 400*399/2 {
		t.Errorf("self-join at t=0 compared %d pairs, want %d", self, 400*399/2)
	}
}

func TestSet(t *testing.T) {
	s := NewSet(2, 1)
	f := []uint64{0xff, 1}
	if i := s.Add(f); i != 0 || s.Len() != 1 || s.Pop[0] != 9 {
		t.Fatalf("Add: index %d, len %d, pop %d", i, s.Len(), s.Pop[0])
	}
	f[0] = 0 // Add copies
	s.Add([]uint64{3, 0})
	if g := s.Filter(0); g[0] != 0xff || g[1] != 1 || cap(g) != 2 {
		t.Fatalf("Filter(0) = %v (cap %d)", g, cap(g))
	}
	for name, fn := range map[string]func(){
		"Add wrong length": func() { s.Add([]uint64{1}) },
		"Join words":       func() { Join(s, NewSet(3, 0), 0.5, 1) },
		"bad set":          func() { SelfJoin(&Set{Words: 2, Bits: make([]uint64, 3), Pop: []uint32{1}}, 0.5, 1) },
		"bad popcount":     func() { SelfJoin(&Set{Words: 1, Bits: make([]uint64, 1), Pop: []uint32{65}}, 0.5, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

func TestJoinDoesNotAllocatePerPair(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	a := testSet(r, 400, 16)
	var pairs int
	allocs := testing.AllocsPerRun(2, func() { pairs = len(Join(a, a, 0, 1)) })
	if pairs != 400*400 {
		t.Fatalf("t=0: %d pairs, want %d", pairs, 400*400)
	}
	// Fixed buffers plus the doubling growth of the result slice: about 40.
	if allocs > 100 {
		t.Errorf("Join of %d pairs made %v allocations", pairs, allocs)
	}
}
