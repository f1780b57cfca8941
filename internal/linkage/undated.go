package linkage

import "slices"

// The undated records' second look (resolveUndated) for incremental use:
// the hub asks the Model how much of a date a filter holds and whether a
// record without a full date may join the one cluster its candidates lead
// to, and decides with the same rules and constants as the batch link.

// DateKnown is how much of a date of birth a filter holds.
type DateKnown int

// The values of DateKnown, those resolveUndated decides on.
const (
	DateNone DateKnown = knownNone // no date
	DateYear DateKnown = knownYear // a year without a day: estimated, partial, 1 January or 1 July
	DateFull DateKnown = knownFull
)

// dateFeature returns the index of the first date feature, -1 without one
// (resolveUndated looks at that one).
func (c *comparer) dateFeature() int {
	return slices.IndexFunc(c.feats, func(f feature) bool { return f.kind == featDate })
}

// knownDate tells how much of a date the date feature d of a record holds,
// from its segments' popcounts: no year, a year whose exact date segment is
// empty, or a full date.
func (c *comparer) knownDate(pop []uint16, d int) int {
	year, day := c.feats[d].segs[0], c.feats[d].segs[1]
	switch {
	case pop[year] == 0:
		return knownNone
	case pop[day] == 0:
		return knownYear
	}
	return knownFull
}

// HasDates reports whether DateKnown can tell records without a full date
// from the others: false for a model without layout or without a date,
// where every record counts as dated.
func (m *Model) HasDates() bool { return m.fs != nil && m.fs.c.dateFeature() >= 0 }

// DateKnown tells how much of a date of birth filter f holds. A model
// without layout, or a layout without a date, sees every record as dated:
// records without a full date get no second look there (as in Link).
func (m *Model) DateKnown(f []uint64) DateKnown {
	if !m.HasDates() {
		return DateFull
	}
	d := m.fs.c.dateFeature()
	var buf [maxFields]uint16
	return DateKnown(m.fs.c.knownDate(m.fs.c.rec(f, buf[:]).pop, d))
}

// CanJoinUndated reports whether a record without a full date of birth
// (DateKnown below DateFull), which CanJoin admits nowhere and whose
// candidates from the review probability all lie in one cluster (or are
// one record alone), may join it: resolveUndated's single-candidate rule,
// its best score reaching undatedLow and the mean over the cluster
// undatedSupport, none below the minimum link, the cluster within the
// maximum size. scores must hold one score per member; the best of them
// stands for the record's best pair. A model without layout or date
// answers false: no second look.
func (m *Model) CanJoinUndated(scores []float64) bool {
	if m.fs == nil || m.fs.c.dateFeature() < 0 || len(scores) == 0 {
		return false
	}
	o := solveOptions{support: undatedSupport, minLink: m.opt.MinLink, maxCluster: m.opt.MaxCluster}
	return undatedJoins(slices.Max(scores), len(scores), func(i int) float64 { return scores[i] }, o)
}

// undatedJoins is the single-candidate rule of resolveUndated: a record
// without a full date whose best pair into a cluster of n members is best,
// and whose probability against member i is score(i), joins it when best
// reaches undatedLow, the cluster stays within o.maxCluster, no member
// scores below o.minLink and the mean reaches o.support. score is called
// in order and no further than the first member below the minimum link.
func undatedJoins(best float64, n int, score func(i int) float64, o solveOptions) bool {
	if best < undatedLow || n+1 > o.maxCluster {
		return false
	}
	var sum float64
	for i := range n {
		s := score(i)
		if s < o.minLink {
			return false
		}
		sum += s
	}
	return sum >= o.support*float64(n)
}
