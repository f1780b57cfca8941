package linkage

import (
	"cmp"
	"runtime"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// Candidate generation works on the filters alone, as the hub must: it never
// sees a name. Two methods:
//
//   - Exhaustive: every pair, through dice.SelfJoin (popcount pruning, the
//     AVX-512 kernel). Exact, and fastest up to some hundred thousand
//     records.
//   - Hamming LSH by bit sampling: L tables, each keyed by K filter bits
//     sampled under a fixed seed; records that agree on all K bits of some
//     table become candidates. Two filters that agree on a fraction a of
//     their bits collide in one table with probability a^K, so close pairs
//     (matches) collide in many tables and distant ones (non-matches) rarely.
//     Buckets too large to compare exhaustively are split by further sampled
//     bits. Each candidate is scored with the Dice kernel at once and kept
//     only at or above the review threshold, so memory holds results, not
//     candidates; a pair found in several tables is kept once. See lsh.go.

// Blocking selects a candidate generation method.
type Blocking int

// Blocking methods.
const (
	BlockAuto       Blocking = iota // exhaustive for small inputs, LSH above
	BlockExhaustive                 // every pair
	BlockLSH                        // Hamming LSH by bit sampling
)

// LSHOptions tunes Hamming LSH; zero values choose defaults from the data.
type LSHOptions struct {
	Bits      int     // K: sampled bits per table key (default 16, at most 32)
	Tables    int     // L: number of tables (default: enough for Recall at the threshold)
	Recall    float64 // target collision probability of a pair at the Dice floor (default 0.999)
	MaxBucket int     // buckets larger than this are split by more bits (default 1024)
	Seed      uint64  // seeds the bit sampling (default fixed, for reproducible runs)
}

// autoExhaustiveMax is the input size up to which BlockAuto compares every
// pair: 200,000 records are 2·10^10 pairs, about 20 s on one core at the
// kernel's speed, less after popcount pruning.
const autoExhaustiveMax = 200_000

// candidates returns the pairs of distinct filters of set with a Dice
// score of at least floor and a pair score (sc) of at least keep, scored by
// sc, sorted by A then B, with A < B. Pairs are filtered as they are found,
// so memory holds the kept pairs only.
func candidates(set *dice.Set, sc *pairScorer, floor, keep float64, b Blocking, o LSHOptions, workers int) []ScoredPair {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if b == BlockAuto {
		b = BlockExhaustive
		if set.Len() > autoExhaustiveMax {
			b = BlockLSH
		}
	}
	if set.Len() < 2 {
		return nil
	}
	if b == BlockExhaustive {
		return exhaustive(set, sc, floor, keep, workers)
	}
	return lshJoin(set, sc, floor, keep, o, workers)
}

// exhaustiveChunk is the number of query records per round of exhaustive
// comparison: each round's pairs above the Dice floor are filtered before
// the next, which bounds memory whatever the number of records.
const exhaustiveChunk = 8192

// exhaustive compares every pair with the dice package's joins, a chunk of
// records at a time: the chunk against itself (SelfJoin), then against every
// later record (Join), on views of the set that share its storage.
func exhaustive(set *dice.Set, sc *pairScorer, floor, keep float64, workers int) []ScoredPair {
	n, w := set.Len(), set.Words
	view := func(lo, hi int) *dice.Set {
		return &dice.Set{Words: w, Bits: set.Bits[lo*w : hi*w : hi*w], Pop: set.Pop[lo:hi:hi]}
	}
	var out []ScoredPair
	for lo := 0; lo < n; lo += exhaustiveChunk {
		hi := min(lo+exhaustiveChunk, n)
		start := len(out)
		for _, p := range dice.SelfJoin(view(lo, hi), floor, workers) {
			out = sc.keep(out, p.A+int32(lo), p.B+int32(lo), p.Score, keep)
		}
		if hi < n {
			for _, p := range dice.Join(view(lo, hi), view(hi, n), floor, workers) {
				out = sc.keep(out, p.A+int32(lo), p.B+int32(hi), p.Score, keep)
			}
		}
		slices.SortFunc(out[start:], comparePairs)
	}
	return out
}

func comparePairs(x, y ScoredPair) int {
	if c := cmp.Compare(x.A, y.A); c != 0 {
		return c
	}
	return cmp.Compare(x.B, y.B)
}
