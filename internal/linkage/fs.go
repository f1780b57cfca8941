package linkage

import (
	"math"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// The Fellegi–Sunter model of a segmented schema. For each feature f and
// level l, m[f][l] = P(level l | the records are of one child) and u[f][l] =
// P(level l | they are not), among candidate pairs; with the prior λ = P(one
// child) of a candidate pair, a pair's match weight is
//
//	log2(λ/(1−λ)) + Σ_f log2(m[f][l_f] / u[f][l_f]) + frequency adjustment
//
// and its match probability 1/(1+2^−weight). Level 0 (missing) has m = u
// and counts for nothing. The parameters are learned without ground truth,
// by expectation maximisation on the candidate pairs of the data being
// linked (as Splink does), or read from a file (Weights) for
// reproducibility.
//
// Frequency adjustment: agreement on a common name says less than on a
// rare one. The hub has no list of names, but equal names have equal
// segments, so the frequency of a name is the share of records whose
// segment is identical to it. A pair whose given (or family) names agree
// (same, close or similar: tfParts) gets log2(mean / f) more weight, where f is that share (the
// larger of the two records': pairFreq) and mean its mean over the
// candidate pairs that agree: a rare name gains, a common one loses
// (bounded to ±tfClip bits). Dates are adjusted the same way: an exact
// date by the frequency of the whole date, the same year (one date or
// both without a day, or two days in one year) by the year's.

// Weights are the learned parameters of a model: what Marshal writes and
// LoadModel reads. They hold probabilities only, nothing of any record.
type Weights struct {
	Format string `json:"format"`
	// Comparison is the version of the agreement levels the weights were
	// learned on (comparisonVersion); weights of another are refused.
	Comparison int              `json:"comparison"`
	Layout     *Layout          `json:"layout"`
	Prior      float64          `json:"prior"`
	Features   []FeatureWeights `json:"features"`
	// TFMean is, per feature, the mean frequency of the agreeing value
	// over candidate pairs at the top level (0 for features without
	// frequency adjustment).
	TFMean []float64 `json:"tf_mean"`
	// TFJoint is, per feature, the mean frequency of the agreeing full
	// name (given and family name together) over candidate pairs agreeing
	// on both (0 or absent: the two parts are adjusted separately).
	TFJoint []float64 `json:"tf_joint,omitempty"`
	// TFPairs is, per frequency table (the given and family name and
	// the date tables of each feature, then each feature's full name),
	// the mean frequency of a value over the pairs of records that hold
	// the same value, in the records the weights were learned on. Linked
	// with these weights, records of another population carry TFMean and
	// TFJoint over in proportion to their own such mean (absent: their
	// own mean replaces them).
	TFPairs []float64 `json:"tf_pairs,omitempty"`
	// TFShared is, per frequency table, the pairs of records holding the
	// same value per record, in the records the weights were learned on:
	// the prior is carried over to other records in inverse proportion
	// to theirs for the given and family names (absent: it is not).
	TFShared []float64 `json:"tf_shared,omitempty"`
}

// FeatureWeights are the m and u probabilities of one feature, by level.
type FeatureWeights struct {
	Name string    `json:"name"`
	M    []float64 `json:"m"`
	U    []float64 `json:"u"`
}

// WeightsFormat is the "format" member of a weights file.
const WeightsFormat = "childcentre-linkage-model"

// comparisonVersion is the version of the agreement levels: the same
// number of levels with another meaning gets a new version, so that
// weights learned on the old meaning are refused. Version 2: a name
// recorded in one field only is compared with the other record's whole
// name (comparer.names2); weights files without a version are of
// version 1.
const comparisonVersion = 2

const tfClip = 3.0 // bits

// tfJointClip bounds the frequency adjustment of a full name, bits: a full
// name is rarer than either of its parts, so its frequencies spread wider.
const tfJointClip = 8.0

// uRounds is how often the fit counts u again without the pairs it holds
// for matches (fsModel.fit).
const uRounds = 3

// disagreeCap is the largest weight of a date disagreement, bits.
const disagreeCap = -5.0

// fsModel is a Weights made ready for scoring.
type fsModel struct {
	w       Weights
	c       *comparer
	prior   float64     // log2 prior odds
	lw      [][]float64 // log2(m/u) by feature and level
	tf      []tfTable   // per feature (name features only)
	stride  []int
	npat    int
	hasFreq bool
}

// atLeast lists, for each level of one name, the levels that agree at
// least as much: the Dice bands in order, and *contained* (a name within
// the other, Dice below 0.65) only under *same* and *close*, since it says
// something else than the bands below it.
var atLeast = [nameLevels][]uint8{
	nameSame:      {nameSame},
	nameClose:     {nameSame, nameClose},
	nameSimilar:   {nameSame, nameClose, nameSimilar},
	nameContained: {nameSame, nameClose, nameContained},
	nameWeak:      {nameSame, nameClose, nameSimilar, nameWeak},
	nameFaint:     {nameSame, nameClose, nameSimilar, nameWeak, nameFaint},
	nameDiffer:    {nameSame, nameClose, nameSimilar, nameWeak, nameFaint, nameDiffer},
}

// nameEnvelope caps the weight of each pair of name levels (given,
// family) at the weights of the pairs that agree at least as much on
// both, and the weight of a whole name compared with a name in one field
// at those of better levels of the same and at that of both names
// agreeing at its level. Training sees only candidate pairs, whose name
// bags are alike (Options.NameFloor), so the levels of names that differ
// are seen a few times or never, and the smoothing of an unseen level gave
// it m/u of about 400 (+8.7 bits: the m counts are a few thousand, the u
// counts millions). Pairs outside the candidates are still scored: the
// solver's mean over every cross pair of a merge, the hub judging a
// cluster, link --explain. Two children whose whole names differ then
// counted as more alike than two with the same name, and "given differ,
// family differ" weighed −0.3 bits.
func nameEnvelope(lw []float64) {
	at := func(g, f uint8) int { return int(g)*nameLevels + int(f) }
	raw := slices.Clone(lw)
	for g := uint8(nameSame); g < nameLevels; g++ {
		for f := uint8(nameSame); f < nameLevels; f++ {
			for _, g2 := range atLeast[g] {
				for _, f2 := range atLeast[f] {
					lw[at(g, f)] = min(lw[at(g, f)], raw[at(g2, f2)])
				}
			}
		}
	}
	for f := uint8(nameSame); f < nameLevels; f++ {
		x := lw[at(f, f)]
		for _, f2 := range atLeast[f] {
			x = min(x, raw[at(nameMissing, f2)])
		}
		lw[at(nameMissing, f)] = min(lw[at(nameMissing, f)], x)
	}
}

// tfTable counts records by the hash of one segment's bits.
type tfTable struct {
	counts map[uint64]uint32
	n      int
}

func (t *tfTable) freq(h uint64) float64 {
	if t.n == 0 {
		return 0
	}
	return float64(max(t.counts[h], 1)) / float64(t.n)
}

// segHash hashes the bits of segment s of f.
func (c *comparer) segHash(f []uint64, s int) uint64 {
	var h uint64 = 0x9e3779b97f4a7c15
	for _, m := range c.segs[s] {
		h = mix64(h ^ (f[m.w] & m.mask))
	}
	return h
}

func newFSModel(w Weights) (*fsModel, error) {
	if w.Layout == nil {
		return nil, errs.E(errs.Invalid, "linkage model: no layout")
	}
	if err := w.Layout.Validate(); err != nil {
		return nil, errs.E(errs.Invalid, "linkage model: %v", err)
	}
	c := newComparer(w.Layout)
	if len(w.Features) != len(c.feats) || len(w.TFMean) != 2*len(c.feats) || (len(w.TFJoint) != 0 && len(w.TFJoint) != len(c.feats)) ||
		(len(w.TFPairs) != 0 && len(w.TFPairs) != 3*len(c.feats)) || (len(w.TFShared) != 0 && len(w.TFShared) != 3*len(c.feats)) {
		return nil, errs.E(errs.Invalid, "linkage model: the weights do not match the layout")
	}
	if w.Comparison != comparisonVersion {
		return nil, errs.E(errs.Invalid, "linkage model: the weights were learned on the agreement levels of version %d, this engine compares with version %d: learn them again with link --weights-out", max(w.Comparison, 1), comparisonVersion)
	}
	if !(w.Prior > 0 && w.Prior < 1) {
		return nil, errs.E(errs.Invalid, "linkage model: the prior must be between 0 and 1")
	}
	m := &fsModel{w: w, c: c, prior: math.Log2(w.Prior / (1 - w.Prior)), npat: 1}
	for i, f := range c.feats {
		fw := w.Features[i]
		if len(fw.M) != f.levels || len(fw.U) != f.levels {
			return nil, errs.E(errs.Invalid, "linkage model: feature %s needs %d levels, the weights have %d (weights of an older comparison: learn them again with link --weights-out)", f.name, f.levels, len(fw.M))
		}
		lw := make([]float64, f.levels)
		for l := 1; l < f.levels; l++ {
			if !(fw.M[l] > 0 && fw.M[l] <= 1 && fw.U[l] > 0 && fw.U[l] <= 1) {
				return nil, errs.E(errs.Invalid, "linkage model: feature %s: probabilities must be in (0, 1]", f.name)
			}
			lw[l] = math.Log2(fw.M[l] / fw.U[l])
		}
		if f.kind == featName {
			nameEnvelope(lw)
		}
		m.lw = append(m.lw, lw)
		m.stride = append(m.stride, m.npat)
		m.npat *= f.levels
	}
	m.tf = make([]tfTable, 3*len(c.feats))
	return m, nil
}

// tfKey returns the key of filter f in frequency table t: tables 2i and
// 2i+1 count the given and family name segments of feature i, table 2k+i
// (k features) its full name, given and family together in either order
// (records whose names were swapped share it); for a date feature tables
// 2i and 2i+1 count its year and whole-date segments (dateTF). ok is false
// when the feature is neither or the record has no such value.
func (m *fsModel) tfKey(f []uint64, t int) (h uint64, ok bool) {
	k := len(m.c.feats)
	if t < 2*k {
		if kd := m.c.feats[t/2].kind; kd != featName && kd != featDate {
			return 0, false
		}
		s := m.tfSegment(t)
		if m.c.pop(f, s) == 0 {
			return 0, false
		}
		return m.c.segHash(f, s), true
	}
	fi := t - 2*k
	if m.c.feats[fi].kind != featName {
		return 0, false
	}
	g, fm := m.c.feats[fi].segs[0], m.c.feats[fi].segs[1]
	if m.c.pop(f, g) == 0 || m.c.pop(f, fm) == 0 {
		return 0, false
	}
	return mix64(m.c.segHash(f, g) + m.c.segHash(f, fm)), true
}

// countFrequencies fills the frequency tables of the name and date
// features (tfKey) from the filters bitsAll of words words each.
func (m *fsModel) countFrequencies(bitsAll []uint64, words int) {
	n := len(bitsAll) / words
	for t := range m.tf {
		tab := tfTable{counts: make(map[uint64]uint32, n/8+16)}
		for i := range n {
			h, ok := m.tfKey(bitsAll[i*words:(i+1)*words], t)
			if !ok {
				continue
			}
			tab.counts[h]++
			tab.n++
		}
		if tab.n > 0 {
			m.tf[t] = tab
			m.hasFreq = true
		}
	}
}

// explainTerm is one feature's share of a pair's weight.
type explainTerm = ExplainTerm

// ExplainTerm is one feature's share of a pair's match weight.
type ExplainTerm struct {
	Feature string  `json:"feature"`
	Level   string  `json:"level"`
	Weight  float64 `json:"weight"` // log2(m/u) of the level, bits
	TF      float64 `json:"tf"`     // frequency adjustment, bits
}

// weight returns the match weight of a pair and, when ex is not nil,
// appends one term per feature.
func (m *fsModel) weight(a, b rec, lv []uint8, ex *[]explainTerm) float64 {
	m.c.vector(a, b, lv)
	return m.weightLevels(a, b, lv, ex)
}

// weightLevels is weight for a pair of records a and b whose levels lv are
// known.
func (m *fsModel) weightLevels(a, b rec, lv []uint8, ex *[]explainTerm) float64 {
	w := m.prior
	for fi, l := range lv {
		w += m.lw[fi][l]
		adj := 0.0
		if m.c.feats[fi].kind == featName {
			if s := tfParts(l); s[0] && s[1] && len(m.w.TFJoint) > 0 && m.w.TFJoint[fi] > 0 {
				// The full name agrees: its own frequency says how many
				// children share it (given and family names of one origin
				// are far from independent).
				if fj := m.pairFreq(a, b, 2*len(m.c.feats)+fi); fj > 0 {
					adj = math.Max(-tfJointClip, math.Min(tfJointClip, math.Log2(m.w.TFJoint[fi]/fj)))
				}
				w += adj
				if ex != nil {
					f := &m.c.feats[fi]
					*ex = append(*ex, explainTerm{Feature: f.name, Level: levelNames[f.kind][l], Weight: m.lw[fi][l], TF: adj})
				}
				continue
			}
			for j, same := range tfParts(l) {
				t := 2*fi + j
				if !same || m.w.TFMean[t] <= 0 {
					continue
				}
				if fa := m.pairFreq(a, b, t); fa > 0 {
					adj += math.Max(-tfClip, math.Min(tfClip, math.Log2(m.w.TFMean[t]/fa)))
				}
			}
			w += adj
		}
		if j, ok := dateTF(m.c.feats[fi].kind, l); ok && m.w.TFMean[2*fi+j] > 0 {
			if f := m.pairFreq(a, b, 2*fi+j); f > 0 {
				adj = math.Max(-tfClip, math.Min(tfClip, math.Log2(m.w.TFMean[2*fi+j]/f)))
			}
			w += adj
		}
		if ex != nil {
			f := &m.c.feats[fi]
			*ex = append(*ex, explainTerm{Feature: f.name, Level: levelNames[f.kind][l], Weight: m.lw[fi][l], TF: adj})
		}
	}
	return w
}

// weightFrom returns the weight of a pair of records a and b with levels
// lv, and true, when it can reach floor bits; a pair that cannot, even
// with the largest frequency adjustment its levels allow, gets false
// without its frequencies being looked up. Most candidate pairs are far
// below the review threshold, and looking up the second record's
// frequencies costs a cache miss each.
func (m *fsModel) weightFrom(a, b rec, lv []uint8, floor float64) (float64, bool) {
	w := m.prior
	for fi, l := range lv {
		w += m.lw[fi][l] + m.maxAdj(fi, l)
	}
	if w < floor {
		return 0, false
	}
	return m.weightLevels(a, b, lv, nil), true
}

// maxAdj is the largest frequency adjustment weightLevels can give level
// l of feature fi, bits.
func (m *fsModel) maxAdj(fi int, l uint8) float64 {
	switch m.c.feats[fi].kind {
	case featName:
		s := tfParts(l)
		if s[0] && s[1] && len(m.w.TFJoint) > 0 && m.w.TFJoint[fi] > 0 {
			return tfJointClip
		}
		adj := 0.0
		for j, agree := range s {
			if agree && m.w.TFMean[2*fi+j] > 0 {
				adj += tfClip
			}
		}
		return adj
	case featDate:
		if j, ok := dateTF(featDate, l); ok && m.w.TFMean[2*fi+j] > 0 {
			return tfClip
		}
	}
	return 0
}

// logit returns the weight (bits) of match probability p, less a hair so
// that a pair scoring exactly p is never cut by rounding.
func logit(p float64) float64 { return math.Log2(p/(1-p)) - 1e-6 }

// pairFreq returns the frequency in table t of the name two records agree
// on: the larger of their two frequencies. A name at the level same is
// not always bit for bit the same (a Dice of 0.92 or more): when one side
// is a rare variant of a common name, its own frequency would count the
// pair as agreeing on a rare name, and which record came first would
// change the weight.
func (m *fsModel) pairFreq(a, b rec, t int) float64 {
	return max(m.freqOf(a, t), m.freqOf(b, t))
}

// freqOf returns the frequency of record a's key in table t (0: unknown).
func (m *fsModel) freqOf(a rec, t int) float64 {
	if a.tf != nil {
		return float64(a.tf[t])
	}
	if m.tf[t].n > 0 {
		if h, ok := m.tfKey(a.f, t); ok {
			return m.tf[t].freq(h)
		}
	}
	return 0
}

// decode sets lv to the levels of pattern p.
func (m *fsModel) decode(p int, lv []uint8) {
	for i, f := range m.c.feats {
		lv[i] = uint8(p % f.levels)
		p /= f.levels
	}
}

// recs precomputes the segment popcounts and name frequencies of every
// filter of set.
type recs struct {
	m     *fsModel
	set   *dice.Set
	pop   []uint16
	tf    []float32
	ns, k int
}

func (m *fsModel) recs(set *dice.Set) *recs {
	n, ns, k := set.Len(), len(m.c.segs), len(m.tf)
	r := &recs{m: m, set: set, pop: make([]uint16, n*ns), tf: make([]float32, n*k), ns: ns, k: k}
	for i := range n {
		f := set.Filter(i)
		m.c.rec(f, r.pop[i*ns:(i+1)*ns])
		for t := range k {
			if m.tf[t].n > 0 {
				if h, ok := m.tfKey(f, t); ok {
					r.tf[i*k+t] = float32(m.tf[t].freq(h))
				}
			}
		}
	}
	return r
}

func (r *recs) at(i int32) rec {
	return rec{f: r.set.Filter(int(i)), pop: r.pop[int(i)*r.ns : int(i+1)*r.ns], tf: r.tf[int(i)*r.k : int(i+1)*r.k]}
}

// prob returns the match probability of a weight.
func prob(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

// pattern returns the index of an agreement vector.
func (m *fsModel) pattern(lv []uint8) int {
	p := 0
	for i, l := range lv {
		p += int(l) * m.stride[i]
	}
	return p
}

// dateTF returns which frequency table of a date feature adjusts level l:
// 0 the year (its segment of the year window is the same for the same
// year), 1 the whole date. A date shared by many records (a registry's
// default, the common birth years of the children on the move) says less
// than a rare one.
func dateTF(kind int, l uint8) (int, bool) {
	if kind != featDate {
		return 0, false
	}
	switch l {
	case dateExact:
		return 1, true
	case dateSameYear, dateEstSame:
		return 0, true
	}
	return 0, false
}

// tfSegment returns the segment of frequency table t: the given name (even
// t) or family name (odd t) segment of name feature t/2.
func (m *fsModel) tfSegment(t int) int { return m.c.feats[t/2].segs[t%2] }

// tfParts returns which parts of a name feature's level the frequency
// adjustment counts as agreeing on one name: same, close or similar (Dice
// 0.65 and up: one name typed or transliterated another way). With same
// alone, a common name with a typing error weighed as much as a rare one
// (seed 1, field preset: F1 0.7998 with same, 0.8023 with close as well,
// 0.8048 with similar, 0.8053 with contained too).
func tfParts(l uint8) [2]bool {
	g, f := l/nameLevels, l%nameLevels
	return [2]bool{g >= nameSame && g <= nameSimilar, f >= nameSame && f <= nameSimilar}
}

// sameParts returns which parts of a name feature's level agree exactly:
// the given name, the family name.
func sameParts(l uint8) [2]bool {
	return [2]bool{l/nameLevels == nameSame, l%nameLevels == nameSame}
}
