//go:build amd64

package dice

import "golang.org/x/sys/cpu"

// hasAVX2 reports whether the AVX2 kernel can run: x/sys/cpu sets HasAVX2 only when
// the OS saves the YMM registers, and the kernel counts hits with POPCNT. Intel since
// Haswell, AMD since Excavator and Zen; it is chosen only where the AVX-512 kernel is
// not available (selectKernel).
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

// andCountsAVX2 routes by filter length like andCountsAVX512: the query held in
// registers for 1024 bits, a chunked loop for other multiples of 256 bits, portable
// code below. The caller (AndCounts) guarantees len(out) > 0, len(q) > 0 and
// len(cands) == len(out)*len(q), so the pointers below are valid.
func andCountsAVX2(q, cands []uint64, out []uint32, low uint32) int {
	switch w := len(q); {
	case w == 16:
		return andCounts16AVX2(&q[0], &cands[0], &out[0], len(out), low)
	case w%4 == 0:
		return andCountsWideAVX2(&q[0], &cands[0], &out[0], len(out), low, w/4)
	default:
		return andCountsGeneric(q, cands, out, low)
	}
}

// andCounts16AVX2 is AndCountsAtLeast for 16-word filters; n > 0. Implemented in
// dice_avx2_amd64.s.
//
//go:noescape
func andCounts16AVX2(q, cands *uint64, out *uint32, n int, low uint32) (hits int)

// andCountsWideAVX2 is AndCountsAtLeast for filters of 4*chunks words; n > 0,
// chunks > 0. Implemented in dice_avx2_amd64.s.
//
//go:noescape
func andCountsWideAVX2(q, cands *uint64, out *uint32, n int, low uint32, chunks int) (hits int)
