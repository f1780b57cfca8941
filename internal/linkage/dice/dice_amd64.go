//go:build amd64

package dice

import "golang.org/x/sys/cpu"

// hasAVX512 reports whether the assembly can run: x/sys/cpu sets the AVX-512 flags only
// when the OS saves the ZMM and mask registers (XCR0). VPOPCNTQ needs VPOPCNTDQ,
// VPERMT2B VBMI and VPSADBW on ZMM BW: Intel since Ice Lake, AMD since Zen 4.
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPOPCNTDQ &&
	cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI

// selectKernel installs the kernel called name (implAVX512, implAVX2 or
// implGeneric), or with name "" the best this CPU can run: AVX-512, then AVX2, then
// portable. It reports false, changing nothing, when the CPU cannot run the kernel
// asked for. Tests use it to check every kernel the machine has against the others.
func selectKernel(name string) bool {
	switch {
	case (name == "" || name == implAVX512) && hasAVX512:
		kernel, kernelName = andCountsAVX512, implAVX512
	case (name == "" || name == implAVX2) && hasAVX2:
		kernel, kernelName = andCountsAVX2, implAVX2
	case name == "" || name == implGeneric:
		kernel, kernelName = andCountsGeneric, implGeneric
	default:
		return false
	}
	return true
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
