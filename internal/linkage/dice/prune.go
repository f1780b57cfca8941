package dice

import (
	"math"
	"sort"
)

// impossible marks a popcount sum s for which no AND-count reaches the threshold.
const impossible = math.MaxInt32

// thresholds is the pruning and acceptance rule of one Join for a threshold t.
//
// need[s] is the smallest AND-count c with score(c, s) >= t for a pair whose
// popcounts sum to s (impossible if none with c <= s/2). Accepting a pair is then one
// integer comparison instead of a division, and it is exactly the float rule:
// score(c, s) is nondecreasing in c, so c >= need[s] iff score(c, s) >= t.
type thresholds struct {
	need []int32
}

func newThresholds(bits int, t float64) thresholds {
	need := make([]int32, 2*bits+1)
	if !(t <= 0) { // also for NaN: nothing passes
		need[0] = impossible // two empty filters score 0
	}
	for s := 1; s < len(need); s++ {
		hi := s / 2 // c <= min(pa, pb) <= s/2
		c := sort.Search(hi+1, func(c int) bool { return score(c, s) >= t })
		if c > hi {
			need[s] = impossible
		} else {
			need[s] = int32(c)
		}
	}
	return thresholds{need: need}
}

// possible reports whether two filters of popcounts pa and pb can score >= t: their
// AND-count is at most min(pa, pb), so this is score(min, pa+pb) >= t, the bound
// 2·min(pa,pb)/(pa+pb) evaluated with the same arithmetic as the score itself. Pairs it
// rejects can never be emitted; it is never stricter than the real test.
func (th thresholds) possible(pa, pb uint32) bool {
	return th.need[pa+pb] <= int32(min(pa, pb))
}

// span returns the range [lo, hi) of positions in pops (sorted ascending) whose
// popcounts can reach the threshold with a filter of popcount pa. It is one interval
// because possible(pa, pb) is nondecreasing in pb below pa (2pb/(pa+pb) grows with pb)
// and nonincreasing above it (2pa/(pa+pb) shrinks), and float rounding preserves both.
func (th thresholds) span(pa uint32, pops []uint32) (lo, hi int) {
	lo = sort.Search(len(pops), func(j int) bool {
		return pops[j] >= pa || th.possible(pa, pops[j])
	})
	hi = lo + sort.Search(len(pops)-lo, func(k int) bool {
		pb := pops[lo+k]
		return pb >= pa && !th.possible(pa, pb)
	})
	return lo, hi
}

// byPop returns the permutation that sorts the popcounts ascending (stable, by a
// counting sort: popcounts are at most bits) and the popcounts in that order.
func byPop(pop []uint32, bits int) (perm []int32, sorted []uint32) {
	start := make([]int, bits+2)
	for _, p := range pop {
		start[p+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	perm = make([]int32, len(pop))
	sorted = make([]uint32, len(pop))
	for i, p := range pop {
		perm[start[p]] = int32(i)
		sorted[start[p]] = p
		start[p]++
	}
	return perm, sorted
}
