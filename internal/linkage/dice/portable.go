package dice

import "math/bits"

// The portable kernels below are compiled on every architecture. On amd64 they are
// the fallback when the CPU (or the OS) lacks AVX-512 VPOPCNTDQ, the reference the
// assembly is tested against, and the path for filters that are not a multiple of
// 512 bits. bits.OnesCount64 compiles to POPCNT where the CPU has it.

// countGeneric returns the number of set bits in f.
func countGeneric(f []uint64) int {
	n := 0
	i := 0
	for ; i+4 <= len(f); i += 4 {
		n += bits.OnesCount64(f[i]) + bits.OnesCount64(f[i+1]) +
			bits.OnesCount64(f[i+2]) + bits.OnesCount64(f[i+3])
	}
	for ; i < len(f); i++ {
		n += bits.OnesCount64(f[i])
	}
	return n
}

// andCountGeneric returns popcount(a & b) over the first len(a) words.
func andCountGeneric(a, b []uint64) int {
	b = b[:len(a)]
	n := 0
	i := 0
	for ; i+4 <= len(a); i += 4 {
		n += bits.OnesCount64(a[i]&b[i]) + bits.OnesCount64(a[i+1]&b[i+1]) +
			bits.OnesCount64(a[i+2]&b[i+2]) + bits.OnesCount64(a[i+3]&b[i+3])
	}
	for ; i < len(a); i++ {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// andCountsGeneric is the portable AndCountsAtLeast. The 16-word case (1024-bit
// filters, the default) is fully unrolled with four independent accumulators so that
// the POPCNTs of one candidate do not wait on each other.
func andCountsGeneric(q, cands []uint64, out []uint32, low uint32) (hits int) {
	w := len(q)
	cands = cands[:len(out)*w]
	if w == 16 {
		q := (*[16]uint64)(q)
		for i := range out {
			c := (*[16]uint64)(cands[i*16 : i*16+16])
			s0 := bits.OnesCount64(q[0]&c[0]) + bits.OnesCount64(q[4]&c[4]) +
				bits.OnesCount64(q[8]&c[8]) + bits.OnesCount64(q[12]&c[12])
			s1 := bits.OnesCount64(q[1]&c[1]) + bits.OnesCount64(q[5]&c[5]) +
				bits.OnesCount64(q[9]&c[9]) + bits.OnesCount64(q[13]&c[13])
			s2 := bits.OnesCount64(q[2]&c[2]) + bits.OnesCount64(q[6]&c[6]) +
				bits.OnesCount64(q[10]&c[10]) + bits.OnesCount64(q[14]&c[14])
			s3 := bits.OnesCount64(q[3]&c[3]) + bits.OnesCount64(q[7]&c[7]) +
				bits.OnesCount64(q[11]&c[11]) + bits.OnesCount64(q[15]&c[15])
			n := uint32(s0 + s1 + s2 + s3)
			out[i] = n
			if n >= low {
				hits++
			}
		}
		return hits
	}
	for i := range out {
		c := uint32(andCountGeneric(q, cands[i*w:i*w+w]))
		out[i] = c
		if c >= low {
			hits++
		}
	}
	return hits
}
