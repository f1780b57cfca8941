package linkage

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// noisyCopies returns n base filters of about density·1024 bits and, for
// each, a copy with a fraction flip of its set bits moved elsewhere.
func noisyCopies(n int, density, flip float64, seed uint64) *dice.Set {
	r := rand.New(rand.NewPCG(seed, 1))
	set := dice.NewSet(16, 2*n)
	f := make([]uint64, 16)
	g := make([]uint64, 16)
	for range n {
		clear(f)
		for b := range 1024 {
			if r.Float64() < density {
				f[b/64] |= 1 << (b % 64)
			}
		}
		copy(g, f)
		for b := range 1024 {
			if f[b/64]>>(b%64)&1 == 1 && r.Float64() < flip {
				g[b/64] &^= 1 << (b % 64)
				o := r.IntN(1024)
				g[o/64] |= 1 << (o % 64)
			}
		}
		set.Add(f)
		set.Add(g)
	}
	return set
}

func pairMap(ps []ScoredPair) map[[2]int32]float32 {
	m := make(map[[2]int32]float32, len(ps))
	for _, p := range ps {
		m[[2]int32{p.A, p.B}] = p.Score
	}
	return m
}

func TestLSHRecallAgainstExhaustive(t *testing.T) {
	n := 4000
	if testing.Short() {
		n = 1000
	}
	set := noisyCopies(n, 0.3, 0.2, 7) // copies at Dice about 0.8
	const th = 0.75
	exact := dice.SelfJoin(set, th, 0)
	lsh := candidates(set, &pairScorer{set: set, gamma: 1}, th, th, BlockLSH, LSHOptions{}, 0)
	got := pairMap(lsh)
	found := 0
	for _, p := range exact {
		if s, ok := got[[2]int32{p.A, p.B}]; ok {
			found++
			if s != p.Score {
				t.Fatalf("pair %v: LSH score %v, exhaustive %v", p, s, p.Score)
			}
		}
	}
	if len(got) != found {
		t.Errorf("LSH returned %d pairs not in the exhaustive result", len(got)-found)
	}
	recall := float64(found) / float64(len(exact))
	t.Logf("exhaustive pairs %d, LSH found %d: recall %.4f", len(exact), found, recall)
	if len(exact) < n/2 || recall < 0.99 {
		t.Errorf("LSH recall %.4f of %d exhaustive pairs, want >= 0.99", recall, len(exact))
	}
	// Sorted and unique.
	for i := 1; i < len(lsh); i++ {
		a, b := lsh[i-1], lsh[i]
		if a.A > b.A || a.A == b.A && a.B >= b.B || b.A >= b.B {
			t.Fatalf("LSH pairs not sorted and unique at %d: %v %v", i, a, b)
		}
	}
}

func TestPairSet(t *testing.T) {
	set := noisyCopies(200, 0.3, 0.1, 5)
	sc := &pairScorer{set: set, gamma: 1}
	s := &pairSet{slots: make([]uint64, 4)}
	var wg sync.WaitGroup
	for w := range 4 { // concurrent adds, with growth
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 {
				k := int32((i*7 + w) % 300)
				s.add(uint64(k)<<32 | uint64(k+1))
			}
		}()
	}
	wg.Wait()
	ps := s.pairs(sc)
	if len(ps) != 300 {
		t.Fatalf("%d pairs, want 300", len(ps))
	}
	for i, p := range ps {
		if p.A != int32(i) || p.B != int32(i+1) || float64(p.Score) != float64(float32(sc.score(p.A, p.B))) {
			t.Fatalf("pair %d = %+v", i, p)
		}
	}
}

// TestPairSetFull covers a table that other workers filled before the
// worker whose insert crossed the load limit could grow it: an add must grow
// the table and return, not probe it for ever.
func TestPairSetFull(t *testing.T) {
	s := &pairSet{slots: make([]uint64, 4)}
	for i := range 4 {
		k := uint64(i)<<32 | uint64(i+1)
		if probeInsert(s.slots, k) != slotAdded {
			t.Fatalf("insert %d into an empty slot failed", i)
		}
		s.n.Add(1)
	}
	if got := probeInsert(s.slots, 99<<32|100); got != slotFull {
		t.Fatalf("probeInsert into a full table = %d, want slotFull", got)
	}
	done := make(chan struct{})
	go func() {
		s.add(99<<32 | 100)
		s.add(2<<32 | 3) // already present
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("add on a full table did not return")
	}
	if len(s.slots) < 8 || s.n.Load() != 5 {
		t.Fatalf("after add: %d slots, %d keys; want >= 8 slots, 5 keys", len(s.slots), s.n.Load())
	}
}

func TestRadixSortHigh(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ent := make([]uint64, 5000)
	for i := range ent {
		ent[i] = uint64(r.Uint32()&0xfffff)<<32 | uint64(i)
	}
	radixSortHigh(ent, make([]uint64, len(ent)), 20)
	for i := 1; i < len(ent); i++ {
		if ent[i-1]>>32 > ent[i]>>32 || ent[i-1]>>32 == ent[i]>>32 && uint32(ent[i-1]) > uint32(ent[i]) {
			t.Fatalf("not sorted (stably) at %d", i)
		}
	}
}

func TestExhaustiveChunksMatchSelfJoin(t *testing.T) {
	set := noisyCopies(exhaustiveChunk/2+700, 0.3, 0.2, 3) // more records than one chunk
	sc := &pairScorer{set: set, gamma: 1}
	got := exhaustive(set, sc, 0.7, 0.7, 2)
	want := dice.SelfJoin(set, 0.7, 2)
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("chunked exhaustive: %d pairs, SelfJoin %d", len(got), len(want))
	}
	for i, w := range want {
		if g := got[i]; g.A != w.A || g.B != w.B || g.Score != w.Score {
			t.Fatalf("pair %d: %+v, want %+v", i, g, w)
		}
	}
	// With asymmetry, pairs are rescored and filtered on the fly.
	sc.gamma = 0.25
	for _, p := range exhaustive(set, sc, 0.7, 0.8, 2) {
		if p.Score < 0.8 || float64(p.Score) != float64(float32(sc.score(p.A, p.B))) {
			t.Fatalf("pair %+v: score %v", p, sc.score(p.A, p.B))
		}
	}
}

func TestPairScore(t *testing.T) {
	sc := &pairScorer{gamma: 0.25}
	// Subset: B (100 bits) inside A (150 bits): Dice 0.8, score 200/(200+12.5).
	if got := sc.fromCounts(100, 150, 100); got < 0.94 || got > 0.942 {
		t.Errorf("subset score %v", got)
	}
	// Symmetric disagreement: as Dice.
	if got := sc.fromCounts(80, 100, 100); got != 0.8 {
		t.Errorf("symmetric score %v, want 0.8", got)
	}
	sc.gamma = 1
	if got := sc.fromCounts(100, 150, 100); got != 0.8 {
		t.Errorf("gamma 1 score %v, want Dice 0.8", got)
	}
	if got := sc.fromCounts(0, 0, 0); got != 0 {
		t.Errorf("empty score %v", got)
	}
	if f := diceFloor(0.8, 0.25, 0.7); f != 0.7 {
		t.Errorf("floor %v", f)
	}
	if f := diceFloor(0.55, 1, 0.7); f != 0.55 {
		t.Errorf("floor with gamma 1: %v", f)
	}
}
