package dice

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"testing"
)

// defaultKernel is the kernel tests return to: "" (the best this CPU has), or
// DICE_KERNEL, which runs the whole suite and the benchmarks on one kernel:
// DICE_KERNEL=generic as on a machine without AVX2, DICE_KERNEL=avx2 as on one without
// AVX-512 (go test's own flags cannot reach package initialisation).
var defaultKernel = os.Getenv("DICE_KERNEL")

func TestMain(m *testing.M) {
	if !selectKernel(defaultKernel) {
		fmt.Fprintf(os.Stderr, "DICE_KERNEL=%s: no such kernel on this CPU\n", defaultKernel)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// allKernels names every kernel, best first, with what a CPU needs to run it.
var allKernels = []struct{ name, needs string }{
	{implAVX512, "amd64 with AVX-512 F, BW, VBMI and VPOPCNTDQ"},
	{implAVX2, "amd64 with AVX2"},
	{implGeneric, ""},
}

// useKernel installs the named kernel until the test ends, skipping the test when the
// CPU cannot run it.
func useKernel(t testing.TB, name, needs string) {
	t.Helper()
	if !selectKernel(name) {
		t.Skipf("kernel %s needs %s, which this CPU does not have", name, needs)
	}
	t.Cleanup(func() { selectKernel(defaultKernel) })
}

// supportedWords are the filter lengths the tests cover: every power of two from 64
// to 4096 bits, lengths that are a multiple of 256 but not 512 bits (AVX2 assembly,
// AVX-512 portable), 256*31 and 256*33 bits (the AVX2 wide kernel sums its byte
// counts every 31 chunks), and lengths that are not (portable on amd64).
var supportedWords = []int{1, 2, 4, 8, 16, 32, 64, 3, 24, 12, 20, 124, 132}

// candCounts are the candidate counts tested: every count from 0 to 40 (around the
// kernels' groups of four and eight) and one larger.
var candCounts = func() []int {
	c := make([]int, 0, 42)
	for n := range 41 {
		c = append(c, n)
	}
	return append(c, 100)
}()

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

// lowEdges returns the bounds to test AndCountsAtLeast with for counts want: none,
// every count, one above each, the extremes of uint32 and one above the largest count.
func lowEdges(want []uint32) []uint32 {
	lows := []uint32{0, 1, 1 << 31, 1<<32 - 1}
	top := uint32(0)
	for _, c := range want {
		lows = append(lows, c, c+1)
		top = max(top, c)
	}
	return append(lows, top+1, top+2)
}

// TestKernelsIdentical checks every kernel against a bit-by-bit count and against the
// portable kernel: all filter lengths, 0..40 candidates, unaligned queries, candidates
// and results, random, all-zeros and all-ones filters and every edge of low.
func TestKernelsIdentical(t *testing.T) {
	for _, k := range allKernels {
		t.Run(k.name, func(t *testing.T) {
			useKernel(t, k.name, k.needs)
			testKernel(t)
		})
	}
}

func testKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	queries := func(w int) [][]uint64 {
		ones := make([]uint64, w)
		for k := range ones {
			ones[k] = ^uint64(0)
		}
		return [][]uint64{randFilter(r, w, 0.35), randFilter(r, w, 0.9), make([]uint64, w), ones}
	}
	for _, w := range supportedWords {
		for _, n := range candCounts {
			for _, off := range []int{0, 1, 3} { // word offsets: slices not 32-byte aligned
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
					portable := make([]uint32, n)
					outBack := make([]uint32, n+2)
					out := outBack[1 : n+1] // unaligned and guarded on both sides
					for _, low := range lowEdges(want) {
						for k := range outBack {
							outBack[k] = 0xdeadbeef
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
						if n == 0 {
							continue
						}
						if ph := andCountsGeneric(q, cands, portable, low); ph != hits {
							t.Fatalf("%s w=%d n=%d low=%d: %d hits, portable %d", Impl(), w, n, low, hits, ph)
						}
						for i := range n {
							if portable[i] != out[i] {
								t.Fatalf("%s w=%d n=%d: out[%d]=%d, portable %d", Impl(), w, n, i, out[i], portable[i])
							}
						}
					}
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
	want := implGeneric
	switch {
	case defaultKernel != "":
		want = defaultKernel
	case hasAVX512:
		want = implAVX512
	case hasAVX2:
		want = implAVX2
	}
	if Impl() != want {
		t.Errorf("Impl() = %q, want %q", Impl(), want)
	}
	for _, k := range allKernels {
		t.Run(k.name, func(t *testing.T) {
			useKernel(t, k.name, k.needs)
			if Impl() != k.name {
				t.Errorf("forced: Impl() = %q, want %q", Impl(), k.name)
			}
		})
	}
	if selectKernel("popcnt-by-hand") {
		t.Errorf("selectKernel accepted an unknown kernel")
	}
}
