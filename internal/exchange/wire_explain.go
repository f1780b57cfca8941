package exchange

import (
	"math"
	"regexp"
	"unicode/utf8"
)

// Explanation is how the hub's model scored the pair of a "possible" hit
// (Hit.Explanation): per feature of the network's segmented schema its
// agreement level and weight, then the total and the probability. It is
// coded data computed from the two encodings: feature and level names are
// the linkage package's fixed strings (linkage.Explanation), never a value
// of either record. A hub sends it only for the review band, the pairs a
// person must judge (docs/security.md, "What a hit discloses"); an older
// hub sends none and an older node ignores it.
type Explanation struct {
	Prior       float64       `json:"prior"` // log2 prior odds, bits
	Terms       []ExplainTerm `json:"terms"`
	Weight      float64       `json:"weight"` // total match weight, bits
	Probability float64       `json:"probability"`
	Decision    string        `json:"decision"` // "match", "review" or "non-match"
}

// ExplainTerm is one feature's share of the match weight.
type ExplainTerm struct {
	Feature string  `json:"feature"` // "name", "dob", "sex", "citizenship", or a custom schema's comparison
	Level   string  `json:"level"`   // agreement level ("given same, family close", "year ±1", "agree")
	Weight  float64 `json:"weight"`  // log2(m/u) of the level, bits
	TF      float64 `json:"tf"`      // frequency adjustment, bits
}

// Limits of an explanation: a schema has a handful of comparisons, and no
// weight of a sane model reaches MaxExplainBits.
const (
	MaxExplainTerms = 16
	MaxExplainBits  = 1000
	maxLevelRunes   = 64
)

var (
	reFeature = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	// reLevel admits the linkage package's level names (letters, digits,
	// spaces, "±" and a little punctuation) and nothing that could be
	// markup or a line of a log.
	reLevel = regexp.MustCompile(`^[A-Za-z0-9 ±,:.()'-]+$`)
)

// Validate checks an explanation received from the hub: known shapes,
// bounded sizes, finite numbers, names of the linkage package's alphabet.
// A level name this version does not know is valid (a later hub may learn
// new levels); the page shows it as text.
func (e *Explanation) Validate() *Problem {
	switch {
	case len(e.Terms) == 0 || len(e.Terms) > MaxExplainTerms:
		return invalid("explanation.terms: 1 to %d", MaxExplainTerms)
	case !bits(e.Prior) || !bits(e.Weight):
		return invalid("explanation: weights are finite and within ±%d bits", MaxExplainBits)
	case math.IsNaN(e.Probability) || e.Probability < 0 || e.Probability > 1:
		return invalid("explanation.probability: from 0 to 1")
	}
	switch e.Decision {
	case "match", "review", "non-match":
	default:
		return invalid("explanation.decision: match, review or non-match")
	}
	for _, t := range e.Terms {
		switch {
		case !reFeature.MatchString(t.Feature):
			return invalid("explanation.terms.feature: 1 to 32 lower-case letters, digits or _")
		case !utf8.ValidString(t.Level) || utf8.RuneCountInString(t.Level) > maxLevelRunes || !reLevel.MatchString(t.Level):
			return invalid("explanation.terms.level: 1 to %d letters, digits, spaces or ± , : . ( ) ' -", maxLevelRunes)
		case !bits(t.Weight) || !bits(t.TF):
			return invalid("explanation.terms: weights are finite and within ±%d bits", MaxExplainBits)
		}
	}
	return nil
}

// bits reports whether x is a plausible weight in bits.
func bits(x float64) bool { return !math.IsNaN(x) && math.Abs(x) <= MaxExplainBits }
