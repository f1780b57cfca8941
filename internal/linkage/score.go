package linkage

import (
	"math"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// A pair's score is computed from three numbers the hub has: the popcounts
// |A| and |B| of the two filters and c = |A∧B|. Dice, 2c/(|A|+|B|), counts
// every unmatched bit against the pair. But unmatched bits are of two kinds:
// bits both records have and disagree on (each side has bits the other
// lacks: conflicting values, like two different exact dates of birth or two
// different given names), and bits only one record has because the other
// lacks the information (a missing or estimated date of birth: its record
// has fewer bits, and they are mostly a subset of the other's). With
// d1 >= d2 the unmatched bits of the two sides, min(d1, d2) on each side is
// disagreement and d1-d2 is one-sided excess. The score weighs the excess by
// Asymmetry (γ):
//
//	score = 2c / (2c + 2·d2 + γ·(d1 − d2))
//
// γ = 1 is Dice; smaller γ forgives information missing on one side, so that
// a registration with an estimated date still matches the one with the exact
// date, while two records with conflicting dates score as low as under Dice.

// pairScorer scores pairs of one Set.
type pairScorer struct {
	set   *dice.Set
	gamma float64
}

// fromCounts returns the score of a pair with AND-count c and popcounts pa,
// pb.
func (s *pairScorer) fromCounts(c, pa, pb uint32) float64 {
	if pa+pb == 0 {
		return 0
	}
	if s.gamma == 1 {
		return float64(2*c) / float64(pa+pb)
	}
	d1, d2 := float64(pa-c), float64(pb-c)
	if d1 < d2 {
		d1, d2 = d2, d1
	}
	return 2 * float64(c) / (2*float64(c) + 2*d2 + s.gamma*(d1-d2))
}

// score returns the score of records a and b.
func (s *pairScorer) score(a, b int32) float64 {
	c := dice.AndCount(s.set.Filter(int(a)), s.set.Filter(int(b)))
	return s.fromCounts(uint32(c), s.set.Pop[a], s.set.Pop[b])
}

// keep appends pair (a, b) to out, scored, if its pair score reaches t.
// dscore is its Dice score, from which the AND-count is recovered exactly
// (c = Dice·(|A|+|B|)/2 is an integer well within float32 precision).
func (s *pairScorer) keep(out []ScoredPair, a, b int32, dscore float32, t float64) []ScoredPair {
	if s.gamma == 1 {
		if float64(dscore) >= t {
			out = append(out, ScoredPair{A: a, B: b, Score: dscore})
		}
		return out
	}
	pa, pb := s.set.Pop[a], s.set.Pop[b]
	c := uint32(math.Round(float64(dscore) * float64(pa+pb) / 2))
	if sc := s.fromCounts(c, pa, pb); sc >= t {
		out = append(out, ScoredPair{A: a, B: b, Score: float32(sc)})
	}
	return out
}

// diceFloor returns the Dice score from which candidates are scored for a
// review threshold t under γ: the lowest Dice a pair can have and still
// score t (when d2 = 0, score ≥ t needs Dice ≥ γt / (γt + 1 − t)), raised
// to blockFloor (but never above t) so that records with almost no
// information are not compared with everyone.
func diceFloor(t, gamma, blockFloor float64) float64 {
	return max(gamma*t/(gamma*t+1-t), min(blockFloor, t))
}
