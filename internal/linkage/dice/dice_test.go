package dice

import (
	"math/bits"
	"math/rand/v2"
	"os"
	"testing"
)

// defaultGeneric is the kernel choice tests return to: DICE_KERNEL=generic runs the
// whole suite and the benchmarks on the portable kernel, as on a machine without
// AVX-512 (go test's own flags cannot reach package initialisation).
var defaultGeneric = os.Getenv("DICE_KERNEL") == "generic"

func TestMain(m *testing.M) {
	selectKernel(defaultGeneric)
	os.Exit(m.Run())
}

// supportedWords are the filter lengths the tests cover: every power of two from 64
// to 4096 bits, plus lengths that are not (the portable path on amd64).
var supportedWords = []int{1, 2, 4, 8, 16, 32, 64, 3, 24}

// oddCounts are candidate counts around the kernels' groups of eight.
var oddCounts = []int{0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 100}

// forceGeneric installs the portable kernel until the test ends.
func forceGeneric(t testing.TB) {
	t.Helper()
	selectKernel(true)
	t.Cleanup(func() { selectKernel(defaultGeneric) })
}

// randFilter returns a filter whose bits are set with probability density.
func randFilter(r *rand.Rand, words int, density float64) []uint64 {
	f := make([]uint64, words)
	for i := range f {
		for b := range 64 {
			if r.Float64() < density {
				f[i] |= 1 << b
			}
		}
	}
	return f
}

// fillCands writes n random candidates of w words into dst: mostly random densities,
// with all-zeros and all-ones filters mixed in.
func fillCands(r *rand.Rand, dst []uint64, n, w int) {
	for i := range n {
		var f []uint64
		switch i % 7 {
		case 3:
			f = make([]uint64, w)
		case 5:
			f = make([]uint64, w)
			for k := range f {
				f[k] = ^uint64(0)
			}
		default:
			f = randFilter(r, w, r.Float64())
		}
		copy(dst[i*w:], f)
	}
}

// bitByBit counts popcount(a&b) one bit at a time, independent of both kernels.
func bitByBit(a, b []uint64) uint32 {
	n := uint32(0)
	for i := range a {
		for k := range 64 {
			n += uint32((a[i] & b[i]) >> k & 1)
		}
	}
	return n
}

func TestKernelsIdentical(t *testing.T) {
	if !hasAVX512 {
		t.Logf("no AVX-512 VPOPCNTDQ here: checking the portable kernel only")
	}
	r := rand.New(rand.NewPCG(1, 2))
	queries := func(w int) [][]uint64 {
		ones := make([]uint64, w)
		for k := range ones {
			ones[k] = ^uint64(0)
		}
		return [][]uint64{randFilter(r, w, 0.35), randFilter(r, w, 0.9), make([]uint64, w), ones}
	}
	for _, w := range supportedWords {
		for _, n := range oddCounts {
			for _, off := range []int{0, 1, 3} { // word offsets: slices not 64-byte aligned
				back := make([]uint64, off+n*w+1)
				cands := back[off : off+n*w]
				fillCands(r, cands, n, w)
				back[off+n*w] = ^uint64(0) // past the end: must not be read into a count
				for qi, q := range queries(w) {
					qq := append(make([]uint64, off, off+w), q...)[off:] // unaligned query
					want := make([]uint32, n)
					for i := range n {
						want[i] = bitByBit(q, cands[i*w:(i+1)*w])
					}
					for _, generic := range []bool{true, false} {
						selectKernel(generic)
						outBack := make([]uint32, n+2)
						for k := range outBack {
							outBack[k] = 0xdeadbeef
						}
						out := outBack[1 : n+1] // unaligned and guarded on both sides
						low := uint32(0)
						if n > 0 {
							low = want[r.IntN(n)] // some counts pass, some do not
						}
						hits := AndCountsAtLeast(qq, cands, out, low)
						wantHits := 0
						for i := range n {
							if out[i] != want[i] {
								t.Fatalf("%s w=%d n=%d off=%d q=%d: out[%d]=%d, want %d",
									Impl(), w, n, off, qi, i, out[i], want[i])
							}
							if want[i] >= low {
								wantHits++
							}
						}
						if hits != wantHits {
							t.Fatalf("%s w=%d n=%d off=%d q=%d: %d counts >= %d, want %d",
								Impl(), w, n, off, qi, hits, low, wantHits)
						}
						if outBack[0] != 0xdeadbeef || outBack[n+1] != 0xdeadbeef {
							t.Fatalf("%s w=%d n=%d: wrote outside out", Impl(), w, n)
						}
					}
					selectKernel(defaultGeneric)
				}
			}
		}
	}
}

func TestCountAndDice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, w := range supportedWords {
		a, b := randFilter(r, w, 0.3), randFilter(r, w, 0.4)
		ca, cb, cab := 0, 0, int(bitByBit(a, b))
		for i := range a {
			ca += bits.OnesCount64(a[i])
			cb += bits.OnesCount64(b[i])
		}
		if got := Count(a); got != ca {
			t.Errorf("w=%d: Count = %d, want %d", w, got, ca)
		}
		if got := AndCount(a, b); got != cab {
			t.Errorf("w=%d: AndCount = %d, want %d", w, got, cab)
		}
		if got, want := Dice(a, b), 2*float64(cab)/float64(ca+cb); got != want {
			t.Errorf("w=%d: Dice = %v, want %v", w, got, want)
		}
		if got := Dice(a, a); got != 1 {
			t.Errorf("w=%d: Dice(a, a) = %v, want 1", w, got)
		}
	}
	tests := []struct {
		name string
		a, b []uint64
		want float64
	}{
		{"both empty", []uint64{0, 0}, []uint64{0, 0}, 0},
		{"one empty", []uint64{0, 0}, []uint64{1, 0}, 0},
		{"disjoint", []uint64{1, 0}, []uint64{2, 0}, 0},
		{"half", []uint64{3, 0}, []uint64{1, 0}, 2.0 / 3},
		{"equal", []uint64{5, 9}, []uint64{5, 9}, 1},
	}
	for _, tc := range tests {
		if got := Dice(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Dice = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAndCountsPanicsOnShortCandidates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("AndCounts with too few candidate words did not panic")
		}
	}()
	AndCounts(make([]uint64, 16), make([]uint64, 16*3-1), make([]uint32, 3))
}

func TestImpl(t *testing.T) {
	want := "generic"
	if hasAVX512 && !defaultGeneric {
		want = "avx512-vpopcntdq"
	}
	if Impl() != want {
		t.Errorf("Impl() = %q, want %q", Impl(), want)
	}
	forceGeneric(t)
	if Impl() != "generic" {
		t.Errorf("forced: Impl() = %q, want generic", Impl())
	}
}
