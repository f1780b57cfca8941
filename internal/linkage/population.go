package linkage

import (
	"math"
	"slices"
)

// Weights learned on one population are used on others: the built-in
// weights (learned on 42,000 registrations) on a hub that holds a few
// thousand, or a weights file (link --weights) on another country's
// records. Two of their parameters depend on the population's size and
// composition, and are carried over from the records at hand:
//
//   - the mean frequency of an agreeing value, which the frequency
//     adjustment compares a value's frequency with. On the field preset
//     the mean full name's frequency is 0.0011 among 2,000 children and
//     0.00046 among 20,000: with the built-in weights' mean a hub of a
//     few thousand records found every name common. The mean over the
//     pairs of records holding the same value moves with it, within 15 %
//     of the one Fit learns over agreeing candidate pairs (presets mild,
//     field and harsh, 2,000 and 20,000 children); the weights' mean is
//     carried over in proportion to it (Weights.TFPairs).
//   - the prior, the share of matches among candidate pairs: candidates
//     grow with the square of the records, matches with the records.
//     The prior Fit learns times the pairs of records sharing a given
//     (family) name per record stays within 0.82–0.87 (0.57–0.60) from
//     1,000 to 50,000 children on the field preset, while the prior falls
//     from 0.066 to 0.0016; the prior's odds are carried over in inverse
//     proportion to the geometric mean of the two (Weights.TFShared), and
//     rise at most 16-fold (maxCarriedFactor).
//
// On the field preset (seed 2), linking with the built-in weights gave F1
// 0.8158 at 2,000 children with the weights' means and prior, 0.8681 with
// the means carried over, and 0.9155 with the prior as well (learned on
// the spot: 0.9118); docs/linkage.md has the figures at other sizes.

// tableStats describe the values of one frequency table in a population.
type tableStats struct {
	shared float64 // pairs of records holding the same value, per record
	mean   float64 // the mean frequency of a value over those pairs
}

// stats returns the statistics of table t as counted by countFrequencies,
// and false when no two records share a value.
func (m *fsModel) stats(t int) (tableStats, bool) {
	tab := &m.tf[t]
	var pairs, cubes float64
	for _, c := range tab.counts {
		x := float64(c)
		pairs += x * (x - 1)
		cubes += x * x * (x - 1)
	}
	if pairs == 0 || tab.n == 0 {
		return tableStats{}, false
	}
	n := float64(tab.n)
	return tableStats{shared: pairs / n, mean: cubes / pairs / n}, true
}

// learnedStats records in m's weights the statistics of the records it was
// learned on, so that it can be carried over to others.
func (m *fsModel) learnedStats() {
	m.w.TFPairs = make([]float64, len(m.tf))
	m.w.TFShared = make([]float64, len(m.tf))
	for t := range m.tf {
		if st, ok := m.stats(t); ok {
			m.w.TFPairs[t], m.w.TFShared[t] = st.mean, st.shared
		}
	}
}

// maxCarriedPrior bounds the prior carried over to a small population: in
// a few dozen records most pairs sharing a name are one child's, and the
// prior alone must still not make a match.
const maxCarriedPrior = 0.5

// maxCarriedFactor bounds how far the prior's odds rise when carried over
// to fewer records: 16-fold (4 bits), about the factor between 20,000 and
// 1,000 children on the field preset (λ 0.0041 and 0.066). Below that the
// pairs sharing a name rest on a few names, and a pilot hub of a few
// hundred records that holds two unrelated children of one common name
// should not read them as one child for want of other collisions. On the
// field preset (seed 2) the bound cost nothing: 100 children 0.9531
// (unbounded 0.9463), 1,000 and 2,000 unchanged (0.9340, 0.9155).
const maxCarriedFactor = 16.0

// forPopulation returns a copy of m carried over to the records whose
// tables' statistics own reports (false: no two records share a value in
// that table): the mean frequencies of agreeing values (TFMean, TFJoint)
// in proportion to the records' own mean over pairs and the learning
// records' (or replaced by the own mean for weights that do not carry
// TFPairs), and the prior's odds in inverse proportion to the pairs
// sharing a given and a family name per record (weights without
// TFShared keep their prior). The copy's weights describe the records at
// hand, so that carrying it over again starts from them.
func (m *fsModel) forPopulation(own func(t int) (tableStats, bool)) *fsModel {
	fs := *m
	k := len(fs.c.feats)
	n := len(fs.tf)
	withPairs, withShared := len(fs.w.TFPairs) == n, len(fs.w.TFShared) == n
	pairs, shared := make([]float64, n), make([]float64, n)
	if withPairs {
		copy(pairs, fs.w.TFPairs)
	}
	if withShared {
		copy(shared, fs.w.TFShared)
	}
	var tfMean, tfJoint []float64
	var logRatio float64
	var names int
	for t := range n {
		st, ok := own(t)
		if !ok {
			continue
		}
		if withShared && t < 2*k && fs.c.feats[t/2].kind == featName && fs.w.TFShared[t] > 0 {
			logRatio += math.Log(st.shared / fs.w.TFShared[t])
			names++
		}
		shared[t] = st.shared
		v := st.mean
		if withPairs {
			if fs.w.TFPairs[t] <= 0 {
				continue
			}
			v /= fs.w.TFPairs[t]
		}
		pairs[t] = st.mean
		switch {
		case t < 2*k && fs.w.TFMean[t] > 0:
			if tfMean == nil {
				tfMean = slices.Clone(fs.w.TFMean)
			}
			if withPairs {
				v *= fs.w.TFMean[t]
			}
			tfMean[t] = v
		case t >= 2*k && len(fs.w.TFJoint) > 0 && fs.w.TFJoint[t-2*k] > 0:
			if tfJoint == nil {
				tfJoint = slices.Clone(fs.w.TFJoint)
			}
			if withPairs {
				v *= fs.w.TFJoint[t-2*k]
			}
			tfJoint[t-2*k] = v
		}
	}
	if tfMean != nil {
		fs.w.TFMean = tfMean
	}
	if tfJoint != nil {
		fs.w.TFJoint = tfJoint
	}
	if names > 0 && logRatio != 0 {
		odds := fs.w.Prior / (1 - fs.w.Prior) * math.Min(math.Exp(-logRatio/float64(names)), maxCarriedFactor)
		p := min(odds/(1+odds), maxCarriedPrior)
		fs.w.Prior, fs.prior = p, math.Log2(p/(1-p))
	}
	fs.w.TFPairs, fs.w.TFShared = pairs, shared
	return &fs
}
