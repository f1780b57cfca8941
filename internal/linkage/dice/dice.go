package dice

// kernel is the AndCounts implementation in use and kernelName its name for Impl.
// They are set once at package initialisation by selectKernel (per architecture) and
// changed afterwards only by tests, which force each kernel in turn to compare them;
// nothing else writes them, so reads need no synchronisation.
var (
	kernel     func(q, cands []uint64, out []uint32, low uint32) (hits int)
	kernelName string
)

// The kernels' names, as Impl reports them.
const (
	implAVX512  = "avx512-vpopcntdq"
	implAVX2    = "avx2"
	implGeneric = "generic"
)

func init() { selectKernel("") }

// Impl names the AndCounts kernel in use on this machine, the first the CPU can run
// of: "avx512-vpopcntdq" (Go assembly, amd64 with AVX-512 F, BW, VBMI and VPOPCNTDQ
// enabled by the OS), "avx2" (Go assembly, amd64 with AVX2 enabled by the OS) and
// "generic" (portable math/bits). Filters whose length is not a multiple of the
// kernel's 512 bits (AVX-512) or 256 bits (AVX2) always use the portable code.
func Impl() string { return kernelName }

// Count returns the number of set bits of f.
func Count(f []uint64) int { return countGeneric(f) }

// AndCount returns popcount(a & b). a and b must have the same length.
func AndCount(a, b []uint64) int {
	if len(a) != len(b) {
		panic("dice: AndCount of filters of different lengths")
	}
	return andCountGeneric(a, b)
}

// Dice returns the Sørensen–Dice coefficient 2|a∧b| / (|a|+|b|) of two filters of the
// same length, and 0 when both are empty.
func Dice(a, b []uint64) float64 {
	if len(a) != len(b) {
		panic("dice: Dice of filters of different lengths")
	}
	s := countGeneric(a) + countGeneric(b)
	if s == 0 {
		return 0
	}
	return score(andCountGeneric(a, b), s)
}

// score is the one formula for a Dice score from popcount(a&b) = c and |a|+|b| = s > 0.
// Join, SelfJoin, their pruning and the threshold tables all go through it, so a pair
// is kept exactly when score(c, s) >= t, whatever the rounding.
func score(c, s int) float64 { return float64(2*c) / float64(s) }

// AndCounts sets out[i] = popcount(q & c_i) for the n = len(out) filters stored
// contiguously in cands: filter i is cands[i*len(q) : (i+1)*len(q)]. It is the hot
// loop of linkage; see the package documentation for the kernel. It panics if cands
// holds fewer than len(out) filters.
func AndCounts(q, cands []uint64, out []uint32) {
	AndCountsAtLeast(q, cands, out, 0)
}

// AndCountsAtLeast is AndCounts that also returns how many of the counts are at least
// low, at no measurable cost: a caller looking for pairs above a threshold skips
// scanning out when none are (Join uses it with the smallest AND-count that can pass).
func AndCountsAtLeast(q, cands []uint64, out []uint32, low uint32) int {
	if len(cands) < len(out)*len(q) {
		panic("dice: AndCounts with fewer candidate words than len(out)*len(q)")
	}
	if len(out) == 0 {
		return 0
	}
	if len(q) == 0 {
		clear(out)
		if low == 0 {
			return len(out)
		}
		return 0
	}
	return kernel(q, cands[:len(out)*len(q)], out, low)
}
