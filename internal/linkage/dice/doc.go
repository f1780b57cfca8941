// Package dice computes Sørensen–Dice similarities of Bloom-filter encodings (CLKs)
// by popcount: Dice(a, b) = 2|a∧b| / (|a|+|b|). It is the comparison kernel of the
// linkage engine: blocking hands it candidate sets, Join and SelfJoin compare them.
//
// A filter is a []uint64 of a fixed number of words: 16 (1024 bits) by default, any
// power of two from 1 word (64 bits) upwards, and in fact any length. The popcounts
// |a| and |b| are computed once per filter (Set.Pop), so a pair costs one
// popcount(a AND b), which AndCounts computes for one query against a contiguous block
// of candidates. That loop is where linkage spends its time.
//
// # The kernel
//
// On amd64 with AVX-512F, BW, VBMI and VPOPCNTDQ (Intel since Ice Lake, AMD since
// Zen 4; chosen at run time with golang.org/x/sys/cpu, which also checks that the OS
// saves the ZMM state) AndCounts runs Go assembly (dice_amd64.s). For 1024-bit
// filters the query stays in two ZMM registers; each candidate costs two 64-byte
// loads fused into VPANDQ, two VPOPCNTQ and one VPADDQ, leaving eight per-qword partial
// counts (each at most 128, so a byte). Eight candidates are reduced together: seven
// VPERMT2B gather the low bytes of their 64 partials into one register laid out as
// an 8×8 byte matrix, one VPSADBW sums each row, VPMOVQD stores the eight totals as
// uint32, and VPCMPUQ counts those at or above a caller's bound (AndCountsAtLeast).
// That is about 6.2 vector instructions per pair: with four vector pipes the floor is
// about 1.55 cycles a pair (2.2 G pairs/s at 3.4 GHz), and the kernel runs at 1.7-2
// cycles; the two loads per pair alone would allow one. Reductions compared on the same
// machine (1024 bits, L1): a qword transpose-and-add tree (unpack and VSHUFI64X2, 2.6
// ops/pair) gave 1.66 G pairs/s, shifts + VPTERNLOGQ + VPERMB 1.85 G, the VPERMT2B
// tree 2.1 G (before the VPCMPUQ count was added). The qword tree is kept for filters
// of 2048 bits and more, whose partials do not fit a byte and which amortise it; other
// multiples of 512 bits take a chunked loop over the query.
//
// On amd64 with AVX2 but not those extensions (Intel Haswell to Cascade Lake, whose
// servers have AVX-512 F but not VPOPCNTDQ; AMD Zen 1-3) AndCounts runs a second Go assembly kernel
// (dice_avx2_amd64.s). AVX2 has no vector popcount, so each 256-bit chunk of q AND c
// is counted by nibbles (Mula's method): two VPSHUFB look the low and high nibble of
// every byte up in a 16-entry table, VPADDB sums the byte counts and VPSADBW folds
// them into qwords; four candidates are reduced together (unpacks, VPERM2I128) and
// compared with the caller's bound by VPCMPGTQ. For 1024-bit filters the query is
// held split into its low nibbles and its high nibbles shifted down, so a chunk costs
// seven vector ops (about 32 a pair; eight with the query whole gave 0.35 G pairs/s
// against 0.40 G); other multiples of 256 bits take a chunked loop that sums its byte
// counts every 31 chunks, before they could overflow. Lengths that are not a multiple
// of the kernel's 512 (AVX-512) or 256 (AVX2) bits, and machines with neither, use
// portable Go (math/bits POPCNT, unrolled for 1024 bits). The order of preference is
// AVX-512, AVX2, portable; Impl names the kernel in use.
//
// Measured on this project's machine (AMD EPYC Zen 5 at about 3.4 GHz, 2 cores that
// other builds were using at the time, so the benchmarks also report rates per
// CPU-second of the measuring thread). BenchmarkCompare, one core, one query against
// 256 candidates of 1024 bits held in L1:
//
//	avx512-vpopcntdq  1.7-2.0 G pairs/s wall in the quietest runs; 1.87 G per
//	                  CPU-second (median of 5, best 1.98 G)
//	                  from L2 (4096 candidates, 512 KiB): 1.2-1.5 G per CPU-second
//	                  512-bit 2.55 G, 2048-bit 0.81 G, 4096-bit 0.45 G per CPU-second
//	avx2              0.40 G pairs per CPU-second (1024-bit, L1 and L2 alike)
//	                  512-bit 0.55-0.57 G, 2048-bit 0.17-0.19 G, 4096-bit 0.10 G
//	                  (forced on this CPU; older CPUs with only AVX2 are slower)
//	generic           0.15-0.17 G pairs per CPU-second (1024-bit)
//
// (1024-bit, n=256, one run: avx512-vpopcntdq 2.04 G, avx2 0.40 G, generic 0.17 G.)
//
//	go test -run '^$' -bench Compare -benchtime 2s ./internal/linkage/dice/
//
// The benchmark runs every kernel the CPU has. Set DICE_KERNEL=avx2 or
// DICE_KERNEL=generic to run the tests and benchmarks on that kernel only, as on a
// machine without AVX-512 or without AVX2.
//
// # Join and SelfJoin
//
// Join compares every filter of one Set with every filter of another, SelfJoin every
// unordered pair of one Set, and both return the pairs scoring at least t, sorted by
// (A, B). They never change the Sets:
//
//   - Pruning. Both sides are ordered by popcount through a permutation (a counting
//     sort). A pair can reach t only if 2·min(pa,pb)/(pa+pb) ≥ t, evaluated with the
//     very arithmetic of the score, so pruning never drops a pair the full comparison
//     would keep; for each query the admissible candidates form one interval of the
//     sorted side, found by binary search.
//   - Acceptance without division: need[s] is the least AND-count c with
//     2c/s ≥ t (in float64) for popcount sum s, tabulated once per call, so the
//     decision is one integer comparison, exactly equivalent to comparing the score.
//     The kernel also counts the candidates at or above the lowest need of the
//     interval; when none are (the usual case: most pairs are non-matches) the counts
//     are not even scanned.
//   - Tiling. Work is split into chunks of queries (256 KiB of filters, kept in L2),
//     taken by `workers` goroutines from an atomic counter. A chunk walks its
//     candidates' interval in tiles of 32 KiB (256 filters of 1024 bits) copied
//     contiguously in popcount order, so the kernel streams each tile from L1 for
//     every query of the chunk. A chunk copies each candidate of its interval once
//     and its (up to 2048) queries share the copy. A Set is never copied whole.
//   - Results. Each worker appends to its own slice; the slices are concatenated and
//     sorted at the end. There is no callback, so nothing is shared in the hot loop
//     and the order is deterministic whatever the number of workers.
//
// Memory per call is fixed apart from the result: permutations, sorted popcounts and
// query intervals (at most 16 bytes per filter), the need table, and per worker one
// chunk and one tile buffer (about 290 KiB); 12 bytes per result pair. Nothing is
// allocated per pair compared. A Set of 1,000,000 filters of 1024 bits holds 128 MB.
//
// Measured (BenchmarkJoin: 20,000 × 20,000 filters of 1024 bits with 25-45% of bits
// set, a tenth of them noisy copies, t = 0.8): Join and SelfJoin compare about 1.8 G
// pairs per CPU-second, with 1 or 2 workers, about 95% of the bare kernel. Popcount
// pruning removes only about 2% of such pairs (it pays on skewed popcounts and higher
// thresholds), so considered ≈ compared. Wall-clock with 2 workers on the shared
// machine: Join 1.0-1.7 G, SelfJoin 0.9-1.9 G pairs considered per second.
package dice
