package linkage

import (
	"cmp"
	"slices"
)

// Solving turns scored pairs into clusters, one per child, across any number
// of files and within one. Naive transitive closure of the match pairs
// chains siblings and twins: twin A matches a registration C of A, C scores
// just above the threshold against twin B, and closure puts A and B in one
// cluster though they never matched. The solver therefore merges greedily,
// best pair first, and merges two clusters only when the whole of one
// supports the whole of the other: the mean pair score (score.go) over every
// cross pair (average linkage) must reach Support, and no cross pair may
// score below MinLink. A match pair whose clusters cannot merge is left for
// human review.

// Decision is the solver's verdict on one scored pair.
type Decision uint8

// Decisions.
const (
	// Review: the pair scored at least the review threshold but its records
	// are in different clusters; a person should look at it.
	Review Decision = iota
	// Match: the records are in one cluster.
	Match
)

func (d Decision) String() string {
	if d == Match {
		return "match"
	}
	return "review"
}

// ScoredPair is a pair of records (indexes, A < B) with its Dice score and
// the solver's decision.
type ScoredPair struct {
	A, B     int32
	Score    float32
	Decision Decision
}

// solveOptions are the thresholds of the solver.
type solveOptions struct {
	threshold  float64 // a pair at or above it is a match edge
	support    float64 // mean cross-pair score two clusters need to merge
	minLink    float64 // lowest cross-pair score a merge tolerates
	maxCluster int     // no cluster grows past this many records
}

// solve clusters n records from their scored pairs (each at or above the
// review threshold). It returns each record's cluster number (-1 for a
// record in no cluster; clusters are numbered from 0 in order of their
// first record), and sets the decision of every pair.
func solve(sc *pairScorer, pairs []ScoredPair, o solveOptions) []int32 {
	// The mean over cross pairs uses the true score of every pair, scored
	// before or not, not just those above the review threshold.
	return solveWith(sc.set.Len(), sc.score, pairs, o)
}

// solveWith is solve for n records scored by score (a pair score or a
// match probability).
func solveWith(n int, score func(a, b int32) float64, pairs []ScoredPair, o solveOptions) []int32 {
	// Match edges, best first; ties broken by index for determinism.
	var edges []int32
	for i, p := range pairs {
		if float64(p.Score) >= o.threshold {
			edges = append(edges, int32(i))
		}
	}
	slices.SortStableFunc(edges, func(x, y int32) int { return cmp.Compare(pairs[y].Score, pairs[x].Score) })

	// Each record starts alone; members[c] lists cluster c's records, root[r]
	// the cluster of record r (cluster ids are record indexes).
	root := make([]int32, n)
	for i := range root {
		root[i] = int32(i)
	}
	members := map[int32][]int32{}
	get := func(c int32) []int32 {
		if m, ok := members[c]; ok {
			return m
		}
		return []int32{c}
	}
	for _, e := range edges {
		p := pairs[e]
		ca, cb := root[p.A], root[p.B]
		if ca == cb {
			continue
		}
		ma, mb := get(ca), get(cb)
		if len(ma)+len(mb) > o.maxCluster {
			continue
		}
		var sum float64
		ok := true
	cross:
		for _, x := range ma {
			for _, y := range mb {
				s := score(x, y)
				if s < o.minLink {
					ok = false
					break cross
				}
				sum += s
			}
		}
		if !ok || sum < o.support*float64(len(ma)*len(mb)) {
			continue
		}
		// Merge the smaller cluster into the larger.
		if len(ma) < len(mb) {
			ca, cb, ma, mb = cb, ca, mb, ma
		}
		for _, y := range mb {
			root[y] = ca
		}
		members[ca] = append(ma, mb...)
		delete(members, cb)
	}

	return numberClusters(root, func(c int32) bool { _, multi := members[c]; return multi }, pairs)
}

// numberClusters numbers the clusters of root (each record's cluster) for
// which multi is true (two or more records) from 0 in order of their first
// record, -1 for the records of the others, and sets the decision of every
// pair.
func numberClusters(root []int32, multi func(c int32) bool, pairs []ScoredPair) []int32 {
	cluster := make([]int32, len(root))
	num := map[int32]int32{}
	for r, c := range root {
		if !multi(c) {
			cluster[r] = -1
			continue
		}
		id, ok := num[c]
		if !ok {
			id = int32(len(num))
			num[c] = id
		}
		cluster[r] = id
	}
	for i := range pairs {
		p := &pairs[i]
		p.Decision = Review
		if cluster[p.A] >= 0 && cluster[p.A] == cluster[p.B] {
			p.Decision = Match
		}
	}
	return cluster
}
