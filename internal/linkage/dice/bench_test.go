package dice

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkCompare measures the hot loop on one core: AndCounts of one query against a
// block of candidates that stays in cache (256 filters of 1024 bits = 32 KiB, in L1;
// n=4096 is 512 KiB, in L2), for every kernel this CPU can run (only DICE_KERNEL's
// when it is set).
func BenchmarkCompare(b *testing.B) {
	cases := []struct {
		words, n int
	}{{16, 256}, {16, 4096}, {8, 512}, {32, 128}, {64, 64}}
	for _, k := range allKernels {
		if defaultKernel != "" && k.name != defaultKernel || !selectKernel(k.name) {
			continue
		}
		kern := Impl()
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/%dbit/n=%d", kern, 64*c.words, c.n), func(b *testing.B) {
				r := rand.New(rand.NewPCG(5, 6))
				q := randFilter(r, c.words, 0.35)
				cands := make([]uint64, c.n*c.words)
				for i := range c.n {
					copy(cands[i*c.words:], randFilter(r, c.words, 0.25+0.2*r.Float64()))
				}
				out := make([]uint32, c.n)
				b.SetBytes(int64(8 * len(cands)))
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				cpu0 := cpuTime(true)
				for b.Loop() {
					AndCounts(q, cands, out)
				}
				pairs := float64(b.N) * float64(c.n)
				b.ReportMetric(pairs/b.Elapsed().Seconds(), "pairs/s")
				if cpu := cpuTime(true) - cpu0; cpu > 0 {
					b.ReportMetric(pairs/cpu.Seconds(), "pairs/cpu-s")
				}
			})
		}
	}
	selectKernel(defaultKernel)
}

// benchFilter sets about density of the bits of f at random positions.
func benchFilter(r *rand.Rand, f []uint64, density float64) {
	clear(f)
	bits := 64 * len(f)
	for range int(density * float64(bits) * 1.2) { // 1.2: for collisions
		b := r.IntN(bits)
		f[b/64] |= 1 << (b % 64)
	}
}

// benchSets returns two sets of n filters of w words with 25-45% of their bits set,
// the spread of real CLKs' popcounts; a tenth of y and a hundredth of x are noisy
// copies of filters of x (about 5% of their bits flipped), the matches to find.
func benchSets(r *rand.Rand, n, w int) (x, y *Set) {
	x, y = NewSet(w, n), NewSet(w, n)
	f := make([]uint64, w)
	noisyCopy := func(g []uint64) {
		copy(f, g)
		for range 64 * w / 20 {
			b := r.IntN(64 * w)
			f[b/64] ^= 1 << (b % 64)
		}
	}
	for i := range n {
		if i%100 == 99 {
			noisyCopy(x.Filter(r.IntN(i)))
		} else {
			benchFilter(r, f, 0.25+0.2*r.Float64())
		}
		x.Add(f)
	}
	for i := range n {
		if i%10 == 0 {
			noisyCopy(x.Filter(r.IntN(n)))
		} else {
			benchFilter(r, f, 0.25+0.2*r.Float64())
		}
		y.Add(f)
	}
	return x, y
}

// BenchmarkJoin measures Join and SelfJoin of 20,000 x 20,000 1024-bit filters at
// t = 0.8 (see benchSets). considered/s counts every pair of the cross product (or
// every unordered pair), compared/s the pairs left after popcount pruning, which the
// kernel actually scored; pairs is the number found.
func BenchmarkJoin(b *testing.B) {
	const n, words, t = 20000, 16, 0.8
	x, y := benchSets(rand.New(rand.NewPCG(13, 14)), n, words)
	for _, workers := range []int{1, 2} {
		for _, self := range []bool{false, true} {
			name := fmt.Sprintf("Join/workers=%d", workers)
			considered := float64(n) * n
			if self {
				name = fmt.Sprintf("SelfJoin/workers=%d", workers)
				considered = float64(n) * (n - 1) / 2
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var compared int64
				var found int
				cpu0 := cpuTime(false)
				for b.Loop() {
					var pairs []Pair
					if self {
						pairs, compared = join(x, x, true, t, workers)
					} else {
						pairs, compared = join(x, y, false, t, workers)
					}
					found = len(pairs)
				}
				sec := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(considered/sec, "considered/s")
				b.ReportMetric(float64(compared)/sec, "compared/s")
				b.ReportMetric(float64(found), "pairs")
				if cpu := cpuTime(false) - cpu0; cpu > 0 {
					b.ReportMetric(float64(compared)*float64(b.N)/cpu.Seconds(), "compared/cpu-s")
				}
			})
		}
	}
}
