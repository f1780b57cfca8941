package linkage

import (
	"math/bits"
)

// Field-level comparison of segmented filters (segments.go). A pair of
// records becomes an agreement vector: one level per feature, each level a
// band of the Dice similarity of the feature's segments or an agreement
// pattern of several segments (dates). Level 0 is always "missing on one
// side or both": it counts neither for nor against a match.

// Feature kinds: a name comparison makes two features (given and family
// name, compared directly or crossed), a date comparison and an exact one
// make one each.
const (
	featName = iota // given and family name together: level given*nameLevels + family
	featDate
	featExact
)

// Levels of a name feature.
const (
	nameMissing   = iota
	nameSame      // Dice ≥ 0.92: the same name, up to noise
	nameClose     // Dice ≥ 0.80: one typing error, a variant ending
	nameSimilar   // Dice ≥ 0.65
	nameContained // one name's bits are (almost) within the other's: a dropped second name, a whole name in one field
	nameWeak      // Dice ≥ 0.45
	nameFaint     // Dice ≥ 0.30: a typing error in a short name, a variant spelling (Ahmad, hmed)
	nameDiffer
	nameLevels
)

// Levels of a date feature.
const (
	dateMissing   = iota
	dateExact     // the same date
	dateSwap      // day and month swapped
	dateDigits    // the day's two digits transposed
	dateNear      // one or two days apart
	dateSameYear  // same year, other day
	dateYear1     // years one apart
	dateYear2     // years two apart
	dateDiffer    // further apart
	dateEstSame   // one or both without a day (estimated, partial): same year
	dateEstYear1  // ... years one apart
	dateEstYear2  // ... two apart
	dateEstDiffer // ... further
	dateLevels
)

// Levels of an exact feature (sex, citizenship).
const (
	exactMissing = iota
	exactAgree
	exactDiffer
	exactLevels
)

var levelNames = map[int][]string{
	featName: func() []string {
		one := []string{"missing", "same", "close", "similar", "contained", "weak", "faint", "differ"}
		var out []string
		for _, g := range one {
			for _, f := range one {
				switch {
				case g == "missing" && f != "missing":
					// names2: a name in one field only is compared
					// whole.
					out = append(out, "one name field, whole name "+f)
				default:
					out = append(out, "given "+g+", family "+f)
				}
			}
		}
		return out
	}(),
	featDate: {"missing", "exact", "day-month swapped", "day digits transposed", "1-2 days apart", "same year",
		"year ±1", "year ±2", "differ", "estimated: same year", "estimated: year ±1", "estimated: year ±2", "estimated: differ"},
	featExact: {"missing", "agree", "differ"},
}

// feature is one column of the agreement vector.
type feature struct {
	name   string
	kind   int
	segs   []int // segment indexes (name: given, family; date: year, exact, any, digits, days)
	levels int
}

// segMask is one word of a segment: the word index and the mask of the
// segment's bits in it.
type segMask struct {
	w    int
	mask uint64
}

// comparer computes agreement vectors from a layout.
type comparer struct {
	l    *Layout
	segs [][]segMask
	// whole[s] is true when segment s fills whole words (its offset and
	// length multiples of 64): and then compares the words directly.
	whole []bool
	feats []feature
	// name union: the words of the given and family segments OR-ed, for
	// blocking; names[i] = (given segment index, family segment index).
	names [][2]int
}

func newComparer(l *Layout) *comparer {
	c := &comparer{l: l}
	for _, s := range l.Segments {
		var ms []segMask
		for b := s.Offset; b < s.Offset+s.Bits; {
			w := b / 64
			end := min((w+1)*64, s.Offset+s.Bits)
			n := end - b
			m := ^uint64(0)
			if n < 64 {
				m = (uint64(1)<<n - 1) << (b % 64)
			}
			ms = append(ms, segMask{w, m})
			b = end
		}
		c.segs = append(c.segs, ms)
		c.whole = append(c.whole, s.Offset%64 == 0 && s.Bits%64 == 0)
	}
	for _, lc := range l.Comparisons {
		switch lc.Kind {
		case CompareName:
			// Given and family name make one feature of 64 levels: whether
			// the family name agrees says much about whether the given name
			// does among non-matches (siblings, a common family name), which
			// two independent features would miss.
			c.feats = append(c.feats, feature{name: lc.Name, kind: featName, segs: lc.Segments, levels: nameLevels * nameLevels})
			c.names = append(c.names, [2]int{lc.Segments[0], lc.Segments[1]})
		case CompareDate:
			c.feats = append(c.feats, feature{name: lc.Name, kind: featDate, segs: lc.Segments, levels: dateLevels})
		default:
			c.feats = append(c.feats, feature{name: lc.Name, kind: featExact, segs: lc.Segments, levels: exactLevels})
		}
	}
	return c
}

// pop returns the popcount of segment s of f.
func (c *comparer) pop(f []uint64, s int) int {
	n := 0
	for _, m := range c.segs[s] {
		n += bits.OnesCount64(f[m.w] & m.mask)
	}
	return n
}

// and returns the popcount of segment sa of a AND segment sb of b (two
// segments of the same length and alignment within their words).
func (c *comparer) and(a []uint64, sa int, b []uint64, sb int) int {
	ma, mb := c.segs[sa], c.segs[sb]
	n := 0
	if c.whole[sa] && c.whole[sb] {
		// Whole words (the names and dates of child-fields): no masks,
		// no shifts. Most of a large link's time is spent here.
		x := a[ma[0].w : ma[0].w+len(ma)]
		y := b[mb[0].w : mb[0].w+len(ma)]
		for i, v := range x {
			n += bits.OnesCount64(v & y[i])
		}
		return n
	}
	for i, m := range ma {
		x := a[m.w] & m.mask
		y := b[mb[i].w] & mb[i].mask
		// Same length, offsets both multiples of 32: align within the word.
		sh := bits.TrailingZeros64(m.mask) - bits.TrailingZeros64(mb[i].mask)
		if sh > 0 {
			y <<= uint(sh)
		} else if sh < 0 {
			x <<= uint(-sh)
		}
		n += bits.OnesCount64(x & y)
	}
	return n
}

func dice2(c, pa, pb int) float64 {
	if pa+pb == 0 {
		return 0
	}
	return float64(2*c) / float64(pa+pb)
}

// rec is a filter with the popcounts of its segments.
type rec struct {
	f   []uint64
	pop []uint16
	tf  []float32 // per feature, the frequency of the record's name (nil: look it up)
}

// rec returns f with its segment popcounts, computed into buf.
func (c *comparer) rec(f []uint64, buf []uint16) rec {
	buf = buf[:len(c.segs)]
	for s := range c.segs {
		buf[s] = uint16(c.pop(f, s))
	}
	return rec{f: f, pop: buf}
}

// pairInfo is what a comparison of a pair yields beyond its levels: which
// name segments agreed (for the frequency adjustment).
type pairInfo struct {
	crossed bool // given and family compared crossed
}

// vector fills lv with the pair's levels, one per feature.
func (c *comparer) vector(a, b rec, lv []uint8) pairInfo {
	var info pairInfo
	for fi := 0; fi < len(c.feats); fi++ {
		f := &c.feats[fi]
		switch f.kind {
		case featName:
			var two [2]uint8
			info.crossed = c.names2(a, b, f.segs[0], f.segs[1], two[:])
			lv[fi] = two[0]*nameLevels + two[1]
		case featDate:
			lv[fi] = c.date(a, b, f.segs)
		case featExact:
			s := f.segs[0]
			pa, pb := int(a.pop[s]), int(b.pop[s])
			switch {
			case pa == 0 || pb == 0:
				lv[fi] = exactMissing
			case dice2(c.and(a.f, s, b.f, s), pa, pb) >= 0.9:
				lv[fi] = exactAgree
			default:
				lv[fi] = exactDiffer
			}
		}
	}
	return info
}

// names2 sets the levels of the given and family features; it compares
// crossed when that fits better (given and family swapped).
func (c *comparer) names2(a, b rec, g, f int, lv []uint8) bool {
	ga, fa, gb, fb := int(a.pop[g]), int(a.pop[f]), int(b.pop[g]), int(b.pop[f])
	if (ga == 0) != (fa == 0) || (gb == 0) != (fb == 0) {
		// One side has one name field only: it may hold the whole name
		// (Osman Xuseen as the family name) or a part of it, so it is
		// compared with the other side's whole name, given and family
		// name together, and the level given as the family name's.
		x, pa, pb := c.bag(a.f, b.f, g, f)
		lv[0], lv[1] = nameMissing, nameLevel(x, pa, pb)
		return false
	}
	gg, ff := c.and(a.f, g, b.f, g), c.and(a.f, f, b.f, f)
	direct := dice2(gg, ga, gb) + dice2(ff, fa, fb)
	if direct >= 1.8 {
		// Crossed cannot beat it by 0.2 (each Dice is at most 1).
		lv[0] = nameLevel(gg, ga, gb)
		lv[1] = nameLevel(ff, fa, fb)
		return false
	}
	gf, fg := c.and(a.f, g, b.f, f), c.and(a.f, f, b.f, g)
	crossed := dice2(gf, ga, fb) + dice2(fg, fa, gb)
	if crossed > direct+0.2 {
		lv[0] = nameLevel(gf, ga, fb)
		lv[1] = nameLevel(fg, fa, gb)
		return true
	}
	lv[0] = nameLevel(gg, ga, gb)
	lv[1] = nameLevel(ff, fa, fb)
	return false
}

// nameLevel bands the similarity of two name segments with AND-count x and
// popcounts pa, pb.
func nameLevel(x, pa, pb int) uint8 {
	if pa == 0 || pb == 0 {
		return nameMissing
	}
	d := dice2(x, pa, pb)
	switch {
	case d >= 0.92:
		return nameSame
	case d >= 0.80:
		return nameClose
	case d >= 0.65:
		return nameSimilar
	case float64(x) >= 0.85*float64(min(pa, pb)):
		return nameContained
	case d >= 0.45:
		return nameWeak
	case d >= 0.30:
		return nameFaint
	}
	return nameDiffer
}

// date bands a date comparison; segs: year window, exact, unordered
// day-month, day digits, day window.
func (c *comparer) date(a, b rec, segs []int) uint8 {
	y := segs[0]
	ya, yb := int(a.pop[y]), int(b.pop[y])
	if ya == 0 || yb == 0 {
		return dateMissing
	}
	yd := dice2(c.and(a.f, y, b.f, y), ya, yb)
	band := 3 // years more than two apart
	switch {
	case yd >= 0.9:
		band = 0
	case yd >= 0.7:
		band = 1
	case yd >= 0.52:
		band = 2
	}
	e := segs[1]
	ea, eb := int(a.pop[e]), int(b.pop[e])
	if ea == 0 || eb == 0 {
		return uint8(dateEstSame + band)
	}
	same := func(s int) bool {
		pa, pb := int(a.pop[s]), int(b.pop[s])
		return pa > 0 && pb > 0 && dice2(c.and(a.f, s, b.f, s), pa, pb) >= 0.9
	}
	switch {
	case dice2(c.and(a.f, e, b.f, e), ea, eb) >= 0.9:
		return dateExact
	case same(segs[2]):
		return dateSwap
	case same(segs[3]):
		return dateDigits
	}
	dw := segs[4]
	if pa, pb := int(a.pop[dw]), int(b.pop[dw]); pa > 0 && pb > 0 && dice2(c.and(a.f, dw, b.f, dw), pa, pb) >= 0.52 {
		return dateNear
	}
	return uint8(dateSameYear + band)
}

// nameUnion ORs into dst the given and family segments of f (64-bit
// aligned, segments.go checks): an order-free bag of a record's name
// tokens, on which candidates are generated. dst must be zeroed.
func (c *comparer) nameUnion(f, dst []uint64) {
	for _, nm := range c.names {
		for _, s := range nm {
			for i, m := range c.segs[s] {
				dst[i] |= f[m.w]
			}
		}
	}
}

// bag returns the AND-popcount and the popcounts of the name bags of a and
// b: their given and family segments OR-ed (64-bit aligned and under one
// key, as nameUnion needs).
func (c *comparer) bag(a, b []uint64, g, f int) (x, pa, pb int) {
	for i, m := range c.segs[g] {
		w := c.segs[f][i].w
		u, v := a[m.w]|a[w], b[m.w]|b[w]
		x += bits.OnesCount64(u & v)
		pa += bits.OnesCount64(u)
		pb += bits.OnesCount64(v)
	}
	return x, pa, pb
}
