//go:build amd64

#include "textflag.h"

// AVX-512 AndCounts kernels; doc.go has the design and the measured figures.
//
// Both kernels take eight candidates per iteration. For each, AND with the query and
// VPOPCNTQ leave eight per-qword partial counts in an accumulator (Z0, Z2, ..., Z14);
// the eight accumulators are then reduced together, not one horizontal sum each:
//
//   - REDUCEB, when every partial count fits in a byte (filters of up to 1536 bits):
//     a tree of seven VPERMT2B gathers the low byte of every qword of the eight
//     accumulators into one register laid out as eight qwords of eight bytes, qword j
//     holding candidate j's partials, and one VPSADBW against zero sums each qword.
//     About 1.1 vector ops per candidate.
//   - REDUCEQ otherwise: a transpose-and-add tree on qwords (unpack, then 128-bit lane
//     shuffles), about 2.6 ops per candidate, which longer filters amortise.
//
// VPMOVQD narrows the eight totals and stores them as uint32s. The n mod 8 remaining
// candidates take a one-at-a-time loop with a plain horizontal sum (HSUM0). Loads are
// unaligned: EVEX memory operands and VMOVDQU64 have no alignment requirement.
// Registers: Z25 holds low, Z26-Z29 the VPERMT2B indexes and zero, Z30/Z31 the query.

// Indexes of the VPERMT2B tree. Level 1: bytes 0-7 <- byte 8i of the first table,
// bytes 8-15 <- byte 8i of the second. Level 2: bytes 0-15 of each table side by
// side; level 3: bytes 0-31 of each. Bytes not named are never read later.
DATA permt2b1<>+0(SB)/8, $0x3830282018100800
DATA permt2b1<>+8(SB)/8, $0x7870686058504840
DATA permt2b1<>+16(SB)/8, $0x0000000000000000
DATA permt2b1<>+24(SB)/8, $0x0000000000000000
DATA permt2b1<>+32(SB)/8, $0x0000000000000000
DATA permt2b1<>+40(SB)/8, $0x0000000000000000
DATA permt2b1<>+48(SB)/8, $0x0000000000000000
DATA permt2b1<>+56(SB)/8, $0x0000000000000000
GLOBL permt2b1<>(SB), RODATA|NOPTR, $64

DATA permt2b2<>+0(SB)/8, $0x0706050403020100
DATA permt2b2<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA permt2b2<>+16(SB)/8, $0x4746454443424140
DATA permt2b2<>+24(SB)/8, $0x4f4e4d4c4b4a4948
DATA permt2b2<>+32(SB)/8, $0x0000000000000000
DATA permt2b2<>+40(SB)/8, $0x0000000000000000
DATA permt2b2<>+48(SB)/8, $0x0000000000000000
DATA permt2b2<>+56(SB)/8, $0x0000000000000000
GLOBL permt2b2<>(SB), RODATA|NOPTR, $64

DATA permt2b3<>+0(SB)/8, $0x0706050403020100
DATA permt2b3<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA permt2b3<>+16(SB)/8, $0x1716151413121110
DATA permt2b3<>+24(SB)/8, $0x1f1e1d1c1b1a1918
DATA permt2b3<>+32(SB)/8, $0x4746454443424140
DATA permt2b3<>+40(SB)/8, $0x4f4e4d4c4b4a4948
DATA permt2b3<>+48(SB)/8, $0x5756555453525150
DATA permt2b3<>+56(SB)/8, $0x5f5e5d5c5b5a5958
GLOBL permt2b3<>(SB), RODATA|NOPTR, $64

// SETUP loads the VPERMT2B indexes into Z26-Z28, zero into Z29 and low+32(FP) into
// every qword of Z25.
#define SETUP \
	MOVL low+32(FP), BX \
	; VPBROADCASTQ BX, Z25 \
	; VMOVDQU64 permt2b1<>(SB), Z26 \
	; VMOVDQU64 permt2b2<>(SB), Z27 \
	; VMOVDQU64 permt2b3<>(SB), Z28 \
	; VPXORQ Z29, Z29, Z29

// REDUCEB stores to (DI) the eight totals of Z0, Z2, ..., Z14 as uint32s, each
// accumulator's qwords being < 256, and adds to hits how many are >= low (Z25).
// Clobbers Z0, Z4, Z8, Z12, K1, BX.
#define REDUCEB(hits) \
	VPERMT2B Z2, Z26, Z0 \
	; VPERMT2B Z6, Z26, Z4 \
	; VPERMT2B Z10, Z26, Z8 \
	; VPERMT2B Z14, Z26, Z12 \
	; VPERMT2B Z4, Z27, Z0 \
	; VPERMT2B Z12, Z27, Z8 \
	; VPERMT2B Z8, Z28, Z0 \
	; VPSADBW Z29, Z0, Z0 \
	; VPMOVQD Z0, (DI) \
	; COUNTMIN(Z0, hits)

// REDUCEQ stores to (DI) the eight qword totals of Z0, Z2, ..., Z14 as uint32s and
// adds to hits how many are >= low (Z25).
// Unpacking pairs accumulators per 128-bit lane ([c0, c1] partials of lane i); two
// rounds of VSHUFI64X2 (lanes 0,2 = $0x88; lanes 1,3 = $0xDD) and adds fold the lanes
// until lane k holds the totals of candidates 2k and 2k+1. Clobbers Z16-Z24, K1, BX.
#define REDUCEQ(hits) \
	VPUNPCKLQDQ Z2, Z0, Z16 \
	; VPUNPCKHQDQ Z2, Z0, Z17 \
	; VPUNPCKLQDQ Z6, Z4, Z18 \
	; VPUNPCKHQDQ Z6, Z4, Z19 \
	; VPUNPCKLQDQ Z10, Z8, Z20 \
	; VPUNPCKHQDQ Z10, Z8, Z21 \
	; VPUNPCKLQDQ Z14, Z12, Z22 \
	; VPUNPCKHQDQ Z14, Z12, Z23 \
	; VPADDQ Z17, Z16, Z16 \
	; VPADDQ Z19, Z18, Z18 \
	; VPADDQ Z21, Z20, Z20 \
	; VPADDQ Z23, Z22, Z22 \
	; VSHUFI64X2 $0x88, Z18, Z16, Z24 \
	; VSHUFI64X2 $0xDD, Z18, Z16, Z23 \
	; VSHUFI64X2 $0x88, Z22, Z20, Z17 \
	; VSHUFI64X2 $0xDD, Z22, Z20, Z19 \
	; VPADDQ Z23, Z24, Z24 \
	; VPADDQ Z19, Z17, Z17 \
	; VSHUFI64X2 $0x88, Z17, Z24, Z21 \
	; VSHUFI64X2 $0xDD, Z17, Z24, Z23 \
	; VPADDQ Z23, Z21, Z21 \
	; VPMOVQD Z21, (DI) \
	; COUNTMIN(Z21, hits)

// COUNTMIN adds to hits the number of qwords of z that are >= low (Z25).
#define COUNTMIN(z, hits) \
	VPCMPUQ $5, Z25, z, K1 \
	; KMOVW K1, BX \
	; POPCNTL BX, BX \
	; ADDQ BX, hits

// HSUM0 stores the total of the qwords of Z0 to (DI) as a uint32 and adds 1 to hits if
// it is >= low (Z25). Clobbers Z1, K1, BX.
#define HSUM0(hits) \
	VEXTRACTI64X4 $1, Z0, Y1 \
	; VPADDQ Y1, Y0, Y0 \
	; VEXTRACTI128 $1, Y0, X1 \
	; VPADDQ X1, X0, X0 \
	; VPSHUFD $0x4e, X0, X1 \
	; VPADDQ X1, X0, X0 \
	; VMOVQ X0, BX \
	; MOVL BX, (DI) \
	; VPCMPUQ $5, Z25, Z0, K1 \
	; KMOVW K1, BX \
	; ANDL $1, BX \
	; ADDQ BX, hits

// CAND16 leaves in acc the per-qword counts (each <= 128) of the query Z30:Z31 AND
// the 1024-bit candidate at off(SI); tmp is clobbered.
#define CAND16(off, acc, tmp) \
	VPANDQ off(SI), Z30, acc \
	; VPANDQ off+64(SI), Z31, tmp \
	; VPOPCNTQ acc, acc \
	; VPOPCNTQ tmp, tmp \
	; VPADDQ tmp, acc, acc

// func andCounts16AVX512(q, cands *uint64, out *uint32, n int, low uint32) (hits int)
TEXT ·andCounts16AVX512(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), AX
	MOVQ cands+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ n+24(FP), CX
	VMOVDQU64 (AX), Z30 // the query stays in Z30:Z31 for the whole call
	VMOVDQU64 64(AX), Z31
	XORQ R8, R8 // hits
	SETUP
	CMPQ CX, $8
	JB   tail16

loop16:
	CAND16(0, Z0, Z1)
	CAND16(128, Z2, Z3)
	CAND16(256, Z4, Z5)
	CAND16(384, Z6, Z7)
	CAND16(512, Z8, Z9)
	CAND16(640, Z10, Z11)
	CAND16(768, Z12, Z13)
	CAND16(896, Z14, Z15)
	REDUCEB(R8)
	ADDQ $1024, SI
	ADDQ $32, DI
	SUBQ $8, CX
	CMPQ CX, $8
	JAE  loop16

tail16:
	TESTQ CX, CX
	JZ    done16

tail16loop:
	CAND16(0, Z0, Z1)
	HSUM0(R8)
	ADDQ $128, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  tail16loop

done16:
	MOVQ R8, hits+40(FP)
	VZEROUPPER
	RET

// WCAND adds to acc the per-qword counts of the query chunk in Z30 AND the candidate
// chunk at addr; tmp is clobbered.
#define WCAND(addr, acc, tmp) \
	VPANDQ addr, Z30, tmp \
	; VPOPCNTQ tmp, tmp \
	; VPADDQ tmp, acc, acc

// func andCountsWideAVX512(q, cands *uint64, out *uint32, n int, low uint32, chunks int) (hits int)
//
// Filters of 8*chunks words. For each group of eight candidates the query is walked
// chunk by chunk (64 bytes; it stays in L1), each chunk ANDed with the same chunk of
// the eight candidates, which sit stride = chunks*64 bytes apart: addressed from BX as
// 0, R9, 2*R9, R10 = 3*R9, 4*R9, R11 = 5*R9, 2*R10, R12 = 7*R9. A qword partial is at
// most 64*chunks, so up to three chunks reduce by bytes (REDUCEB), more by qwords.
TEXT ·andCountsWideAVX512(SB), NOSPLIT, $0-56
	MOVQ q+0(FP), AX
	MOVQ cands+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ n+24(FP), CX
	MOVQ chunks+40(FP), R9
	SHLQ $6, R9              // stride in bytes
	LEAQ (R9)(R9*2), R10     // 3*stride
	LEAQ (R9)(R9*4), R11     // 5*stride
	LEAQ (R10)(R9*4), R12    // 7*stride
	XORQ R13, R13            // hits
	LEAQ (AX)(R9*1), DX      // end of the query
	SETUP
	CMPQ CX, $8
	JB   tailw

loopw:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z2, Z2, Z2
	VPXORQ Z4, Z4, Z4
	VPXORQ Z6, Z6, Z6
	VPXORQ Z8, Z8, Z8
	VPXORQ Z10, Z10, Z10
	VPXORQ Z12, Z12, Z12
	VPXORQ Z14, Z14, Z14
	MOVQ SI, BX
	MOVQ AX, R8

chunkw:
	VMOVDQU64 (R8), Z30
	WCAND((BX), Z0, Z1)
	WCAND((BX)(R9*1), Z2, Z3)
	WCAND((BX)(R9*2), Z4, Z5)
	WCAND((BX)(R10*1), Z6, Z7)
	WCAND((BX)(R9*4), Z8, Z9)
	WCAND((BX)(R11*1), Z10, Z11)
	WCAND((BX)(R10*2), Z12, Z13)
	WCAND((BX)(R12*1), Z14, Z15)
	ADDQ $64, BX
	ADDQ $64, R8
	CMPQ R8, DX
	JB   chunkw

	CMPQ R9, $192
	JA   reduceq
	REDUCEB(R13)
	JMP  nextw

reduceq:
	REDUCEQ(R13)

nextw:
	LEAQ (SI)(R9*8), SI
	ADDQ $32, DI
	SUBQ $8, CX
	CMPQ CX, $8
	JAE  loopw

tailw:
	TESTQ CX, CX
	JZ    donew

tailwloop:
	VPXORQ Z0, Z0, Z0
	MOVQ   SI, BX
	MOVQ   AX, R8

tailwchunk:
	VMOVDQU64 (R8), Z30
	WCAND((BX), Z0, Z1)
	ADDQ $64, BX
	ADDQ $64, R8
	CMPQ R8, DX
	JB   tailwchunk

	HSUM0(R13)
	ADDQ R9, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  tailwloop

donew:
	MOVQ R13, hits+48(FP)
	VZEROUPPER
	RET
