//go:build amd64

package dice

import "golang.org/x/sys/cpu"

// hasAVX512 reports whether the assembly can run: x/sys/cpu sets the AVX-512 flags only
// when the OS saves the ZMM and mask registers (XCR0). VPOPCNTQ needs VPOPCNTDQ,
// VPERMT2B VBMI and VPSADBW on ZMM BW: Intel since Ice Lake, AMD since Zen 4.
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPOPCNTDQ &&
	cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI

// selectKernel installs the AVX-512 kernel when the CPU has it, unless generic forces
// the portable one (tests use this to check both on the same machine).
func selectKernel(generic bool) {
	if generic || !hasAVX512 {
		kernel, kernelName = andCountsGeneric, "generic"
		return
	}
	kernel, kernelName = andCountsAVX512, "avx512-vpopcntdq"
}

// andCountsAVX512 routes by filter length: a kernel with the query held in registers
// for 1024 bits, a chunked one for other multiples of 512 bits, portable code below.
// The caller (AndCounts) guarantees len(out) > 0, len(q) > 0 and len(cands) ==
// len(out)*len(q), so the pointers below are valid.
func andCountsAVX512(q, cands []uint64, out []uint32, low uint32) int {
	switch w := len(q); {
	case w == 16:
		return andCounts16AVX512(&q[0], &cands[0], &out[0], len(out), low)
	case w%8 == 0:
		return andCountsWideAVX512(&q[0], &cands[0], &out[0], len(out), low, w/8)
	default:
		return andCountsGeneric(q, cands, out, low)
	}
}

// andCounts16AVX512 is AndCountsAtLeast for 16-word filters; n > 0. Implemented in
// dice_amd64.s.
//
//go:noescape
func andCounts16AVX512(q, cands *uint64, out *uint32, n int, low uint32) (hits int)

// andCountsWideAVX512 is AndCountsAtLeast for filters of 8*chunks words; n > 0,
// chunks > 0. Implemented in dice_amd64.s.
//
//go:noescape
func andCountsWideAVX512(q, cands *uint64, out *uint32, n int, low uint32, chunks int) (hits int)
