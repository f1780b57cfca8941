//go:build amd64

#include "textflag.h"

// AVX2 AndCounts kernels, for CPUs without AVX-512 VPOPCNTDQ; doc.go has the figures.
//
// There is no vector popcount in AVX2, so each 32-byte chunk of q AND c is counted by
// nibbles (Mula's method): VPSHUFB looks the low and the high nibble of every byte up
// in a 16-entry table of popcounts, giving per-byte counts of at most 8 that are added
// bytewise, and VPSADBW against zero sums each group of eight bytes into a qword. A
// byte accumulator takes at most 31 chunks (248) before it must be summed that way.
// Four candidates are reduced together (REDUCE4, REDUCE4IN): unpacks, VPERM2I128 and adds leave
// their four totals in the qwords of one register, compared with low in one
// VPCMPGTQ and stored as uint32s. The n mod 4 remaining candidates take a
// one-at-a-time loop (HSUM). Loads are unaligned: VEX memory operands and VMOVDQU
// have no alignment requirement.
// Registers: Y8 holds low-1 in every qword, Y9 zero, Y10 0x0f in every byte (until
// the 16-word kernel reuses it for the query), Y11 the nibble table; R11 holds low.

// popcount of each nibble value 0..15, one 128-bit lane (VPSHUFB looks up per lane).
DATA nibblecount<>+0(SB)/8, $0x0302020102010100
DATA nibblecount<>+8(SB)/8, $0x0403030203020201
GLOBL nibblecount<>(SB), RODATA|NOPTR, $16

// SETUP2 loads low into R11 and Y8-Y11 as above. low is a uint32, so low-1 >= -1 and the signed
// qword comparison count > low-1 is count >= low.
#define SETUP2 \
	MOVL low+32(FP), R11 \
	; LEAQ -1(R11), BX \
	; VMOVQ BX, X8 \
	; VPBROADCASTQ X8, Y8 \
	; VPXOR Y9, Y9, Y9 \
	; MOVL $0x0f0f0f0f, BX \
	; VMOVD BX, X10 \
	; VPBROADCASTD X10, Y10 \
	; VBROADCASTI128 nibblecount<>(SB), Y11

// NIBBLES adds to the bytes of acc the popcounts of the bytes of v; v and tmp are
// clobbered. Each byte of acc grows by at most 8.
#define NIBBLES(v, acc, tmp) \
	VPSRLW $4, v, tmp \
	; VPAND Y10, v, v \
	; VPAND Y10, tmp, tmp \
	; VPSHUFB v, Y11, v \
	; VPSHUFB tmp, Y11, tmp \
	; VPADDB v, acc, acc \
	; VPADDB tmp, acc, acc

// REDUCE4 stores to (DI) the totals of the qwords of a, b, c and d as four uint32s and
// adds to hits how many are >= low (Y8); xt2 is the XMM half of t2. Clobbers t0-t3
// and BX.
#define REDUCE4(a, b, c, d, t0, t1, t2, t3, xt2, hits) \
	VPUNPCKLQDQ b, a, t0 \
	; VPUNPCKHQDQ b, a, t1 \
	; VPADDQ t1, t0, t0 \
	; VPUNPCKLQDQ d, c, t1 \
	; VPUNPCKHQDQ d, c, t2 \
	; VPADDQ t2, t1, t1 \
	; VPERM2I128 $0x20, t1, t0, t2 \
	; VPERM2I128 $0x31, t1, t0, t3 \
	; VPADDQ t3, t2, t2 \
	; VPCMPGTQ Y8, t2, t3 \
	; VMOVMSKPD t3, BX \
	; POPCNTL BX, BX \
	; ADDQ BX, hits \
	; VPSHUFD $0x08, t2, t2 \
	; VPERMQ $0x08, t2, t2 \
	; VMOVDQU xt2, (DI)

// HSUM stores the total of the qwords of acc to (DI) as a uint32 and adds 1 to hits if
// it is >= low (R11); xacc and xtmp are the XMM halves of acc and a scratch register.
// Clobbers acc, the scratch register and BX.
#define HSUM(acc, xacc, xtmp, hits) \
	VEXTRACTI128 $1, acc, xtmp \
	; VPADDQ xtmp, xacc, xacc \
	; VPSHUFD $0x4e, xacc, xtmp \
	; VPADDQ xtmp, xacc, xacc \
	; VMOVQ xacc, BX \
	; MOVL BX, (DI) \
	; CMPQ BX, R11 \
	; SBBQ $-1, hits

// The 16-word kernel splits the query once into its low nibbles qlo = q AND 0x0f..
// (Y12-Y15) and its high nibbles shifted down, qhi = (q >> 4) AND 0x0f.. (Y5, Y6, Y7,
// Y10): the low nibbles of q AND c are then c AND qlo and the high ones (c >> 4) AND
// qhi, seven vector ops per 32-byte chunk instead of eight.

// COUNTLO adds to acc the popcounts of the low nibbles of the candidate chunk at
// off(SI) AND the query's qlo. Clobbers Y4.
#define COUNTLO(off, qlo, acc) \
	VPAND off(SI), qlo, Y4 \
	; VPSHUFB Y4, Y11, Y4 \
	; VPADDB Y4, acc, acc

// COUNTHI adds to acc the popcounts of the high nibbles of the candidate chunk at
// off(SI) AND the query's. Clobbers Y4.
#define COUNTHI(off, qhi, acc) \
	VMOVDQU off(SI), Y4 \
	; VPSRLW $4, Y4, Y4 \
	; VPAND qhi, Y4, Y4 \
	; VPSHUFB Y4, Y11, Y4 \
	; VPADDB Y4, acc, acc

// CAND16AVX2 leaves in acc the four qword counts of the query AND the 1024-bit
// candidate at off(SI); each byte count is at most 32 before VPSADBW. Clobbers Y4.
#define CAND16AVX2(off, acc) \
	VPAND off(SI), Y12, acc \
	; VPSHUFB acc, Y11, acc \
	; COUNTHI(off, Y5, acc) \
	; COUNTLO(off+32, Y13, acc) \
	; COUNTHI(off+32, Y6, acc) \
	; COUNTLO(off+64, Y14, acc) \
	; COUNTHI(off+64, Y7, acc) \
	; COUNTLO(off+96, Y15, acc) \
	; COUNTHI(off+96, Y10, acc) \
	; VPSADBW Y9, acc, acc

// REDUCE4IN is REDUCE4 for Y0-Y3 with Y4 as the only scratch register; it clobbers
// Y0-Y4 and BX.
#define REDUCE4IN(hits) \
	VPUNPCKLQDQ Y1, Y0, Y4 \
	; VPUNPCKHQDQ Y1, Y0, Y0 \
	; VPADDQ Y4, Y0, Y0 \
	; VPUNPCKLQDQ Y3, Y2, Y4 \
	; VPUNPCKHQDQ Y3, Y2, Y2 \
	; VPADDQ Y4, Y2, Y2 \
	; VPERM2I128 $0x20, Y2, Y0, Y4 \
	; VPERM2I128 $0x31, Y2, Y0, Y0 \
	; VPADDQ Y4, Y0, Y0 \
	; VPCMPGTQ Y8, Y0, Y4 \
	; VMOVMSKPD Y4, BX \
	; POPCNTL BX, BX \
	; ADDQ BX, hits \
	; VPSHUFD $0x08, Y0, Y0 \
	; VPERMQ $0x08, Y0, Y0 \
	; VMOVDQU X0, (DI)

// func andCounts16AVX2(q, cands *uint64, out *uint32, n int, low uint32) (hits int)
//
// The query's nibbles stay in Y12-Y15 and Y5-Y7, Y10; Y0-Y3 take the counts of four
// candidates.
TEXT ·andCounts16AVX2(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), AX
	MOVQ cands+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ n+24(FP), CX
	XORQ R8, R8 // hits
	SETUP2
	VPAND   (AX), Y10, Y12
	VPAND   32(AX), Y10, Y13
	VPAND   64(AX), Y10, Y14
	VPAND   96(AX), Y10, Y15
	VMOVDQU (AX), Y5
	VPSRLW  $4, Y5, Y5
	VPAND   Y10, Y5, Y5
	VMOVDQU 32(AX), Y6
	VPSRLW  $4, Y6, Y6
	VPAND   Y10, Y6, Y6
	VMOVDQU 64(AX), Y7
	VPSRLW  $4, Y7, Y7
	VPAND   Y10, Y7, Y7
	VMOVDQU 96(AX), Y4
	VPSRLW  $4, Y4, Y4
	VPAND   Y4, Y10, Y10 // the mask is not needed any more
	CMPQ    CX, $4
	JB      tail16

loop16:
	CAND16AVX2(0, Y0)
	CAND16AVX2(128, Y1)
	CAND16AVX2(256, Y2)
	CAND16AVX2(384, Y3)
	REDUCE4IN(R8)
	ADDQ $512, SI
	ADDQ $16, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JAE  loop16

tail16:
	TESTQ CX, CX
	JZ    done16

tail16loop:
	CAND16AVX2(0, Y0)
	HSUM(Y0, X0, X1, R8)
	ADDQ $128, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  tail16loop

done16:
	MOVQ R8, hits+40(FP)
	VZEROUPPER
	RET

// WCAND2 adds to the byte accumulator acc the counts of the query chunk in Y4 AND the
// candidate chunk at addr. Clobbers Y5, Y6.
#define WCAND2(addr, acc) \
	VPAND addr, Y4, Y5 \
	; NIBBLES(Y5, acc, Y6)

// func andCountsWideAVX2(q, cands *uint64, out *uint32, n int, low uint32, chunks int) (hits int)
//
// Filters of 4*chunks words. For each group of four candidates the query is walked
// chunk by chunk (32 bytes, into Y4; it stays in L1), each chunk ANDed with the same
// chunk of the four candidates, which sit stride = chunks*32 bytes apart (from BX: 0,
// R9, 2*R9, R10 = 3*R9). Byte counts build up in Y0-Y3 for blocks of at most 31
// chunks (up to R14), then go by VPSADBW into the qword accumulators Y12-Y15.
TEXT ·andCountsWideAVX2(SB), NOSPLIT, $0-56
	MOVQ q+0(FP), AX
	MOVQ cands+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ n+24(FP), CX
	MOVQ chunks+40(FP), R9
	SHLQ $5, R9              // stride in bytes
	LEAQ (R9)(R9*2), R10     // 3*stride
	XORQ R13, R13            // hits
	LEAQ (AX)(R9*1), DX      // end of the query
	SETUP2
	CMPQ CX, $4
	JB   tailw

loopw:
	VPXOR Y12, Y12, Y12
	VPXOR Y13, Y13, Y13
	VPXOR Y14, Y14, Y14
	VPXOR Y15, Y15, Y15
	MOVQ  SI, BX
	MOVQ  AX, R8

blockw:
	LEAQ    992(R8), R14 // 31 chunks
	CMPQ    R14, DX
	CMOVQHI DX, R14
	VPXOR   Y0, Y0, Y0
	VPXOR   Y1, Y1, Y1
	VPXOR   Y2, Y2, Y2
	VPXOR   Y3, Y3, Y3

chunkw:
	VMOVDQU (R8), Y4
	WCAND2((BX), Y0)
	WCAND2((BX)(R9*1), Y1)
	WCAND2((BX)(R9*2), Y2)
	WCAND2((BX)(R10*1), Y3)
	ADDQ $32, BX
	ADDQ $32, R8
	CMPQ R8, R14
	JB   chunkw

	VPSADBW Y9, Y0, Y0
	VPSADBW Y9, Y1, Y1
	VPSADBW Y9, Y2, Y2
	VPSADBW Y9, Y3, Y3
	VPADDQ  Y0, Y12, Y12
	VPADDQ  Y1, Y13, Y13
	VPADDQ  Y2, Y14, Y14
	VPADDQ  Y3, Y15, Y15
	CMPQ    R8, DX
	JB      blockw

	REDUCE4(Y12, Y13, Y14, Y15, Y0, Y1, Y2, Y3, X2, R13)
	LEAQ (SI)(R9*4), SI
	ADDQ $16, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JAE  loopw

tailw:
	TESTQ CX, CX
	JZ    donew

tailwloop:
	VPXOR Y12, Y12, Y12
	MOVQ  SI, BX
	MOVQ  AX, R8

tailwblock:
	LEAQ    992(R8), R14
	CMPQ    R14, DX
	CMOVQHI DX, R14
	VPXOR   Y0, Y0, Y0

tailwchunk:
	VMOVDQU (R8), Y4
	WCAND2((BX), Y0)
	ADDQ $32, BX
	ADDQ $32, R8
	CMPQ R8, R14
	JB   tailwchunk

	VPSADBW Y9, Y0, Y0
	VPADDQ  Y0, Y12, Y12
	CMPQ    R8, DX
	JB      tailwblock

	HSUM(Y12, X12, X1, R13)
	ADDQ R9, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  tailwloop

donew:
	MOVQ R13, hits+48(FP)
	VZEROUPPER
	RET
