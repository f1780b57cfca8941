package normalize

import "strconv"

// EstimateWindow is how many years either side of an uncertain year of
// birth DateTokens covers. Age assessments of children on the move are
// often one or two years off, and two countries assess independently.
const EstimateWindow = 2

// IsEstimateConvention reports whether d has the shape that age
// assessment gives a date of birth: 1 January of the assessed year. It is
// true whether or not Estimated is set, because the flag is often lost
// when records move between systems, while 1 January is so over-represented
// among the region's migrant children that its month and day are better
// not believed.
func (d Date) IsEstimateConvention() bool {
	return d.Precision == Day && d.Month == 1 && d.Day == 1
}

// Uncertain reports whether only the year of d should be trusted, and
// only roughly: d is Estimated or follows the estimate convention.
func (d Date) Uncertain() bool {
	return d.Precision != Unknown && (d.Estimated || d.IsEstimateConvention())
}

// DateTokens returns the tokens of a date of birth for a Bloom-filter
// encoder (or any set similarity). Two dates share more tokens the more
// likely they are to be one child's date of birth:
//
//	token        emitted by                     purpose
//	y:2009       every known date               same year
//	yw:2009      a certain date: its year       meets the window of an
//	yw:2007…2011 an uncertain date: year ±2     uncertain date
//	m:03         month known, certain           same month
//	d:14         full date, certain             same day
//	md:0314      full date, certain             same month and day
//	dmset:0314   full date, certain             {day, month} as a set:
//	                                            survives a day/month swap
//
// The overlap that results (certain dates emit 6 tokens):
//
//	same date                         6 of 6
//	year off by one (typing error)    4 (m, d, md, dmset)
//	day and month swapped             3 (y, yw, dmset)
//	another day of the same month     3 (y, yw, m)
//	uncertain 2009 vs 2009-05-14      2 (y, yw:2009)
//	uncertain 2009 vs 2010-05-14      1 (yw:2010)
//	uncertain 2009 vs uncertain 2010  4 of 6 (yw:2008…2011)
//	uncertain 2009 vs uncertain 2012  2 of 6
//
// An uncertain date (Estimated, or 1 January: see IsEstimateConvention)
// emits no month or day tokens: its 01-01 would agree with every other
// estimated child and disagree with the true date of the same child. A
// date with only a year (or year and month) known is not uncertain: its
// year is taken as given. Tokens are prefixed so that they cannot collide
// with name tokens. The strings come from precomputed tables: only the
// slice is allocated (none with AppendDateTokens).
func DateTokens(d Date) []string {
	if d.Precision == Unknown {
		return nil
	}
	return AppendDateTokens(make([]string, 0, 6), d)
}

// AppendDateTokens appends the tokens of DateTokens to dst.
func AppendDateTokens(dst []string, d Date) []string {
	if d.Precision == Unknown {
		return dst
	}
	dst = append(dst, yearToken("y:", d.Year))
	if d.Uncertain() {
		for y := d.Year - EstimateWindow; y <= d.Year+EstimateWindow; y++ {
			dst = append(dst, yearToken("yw:", y))
		}
		return dst
	}
	dst = append(dst, yearToken("yw:", d.Year))
	if d.Precision >= Month && d.Month >= 1 && d.Month <= 12 {
		dst = append(dst, dateTok.month[d.Month])
		if d.Precision == Day && d.Day >= 1 && d.Day <= 31 {
			lo, hi := min(d.Month, d.Day), max(d.Month, d.Day)
			dst = append(dst, dateTok.day[d.Day], dateTok.md[d.Month][d.Day], dateTok.dmset[lo][hi])
		}
	}
	return dst
}

// dateTok holds every date token string, made once.
var dateTok = buildDateTokens()

type dateTokens struct {
	y, yw [MaxYear + EstimateWindow - (MinYear - EstimateWindow) + 1]string
	month [13]string
	day   [32]string
	md    [13][32]string
	dmset [32][32]string
}

func buildDateTokens() *dateTokens {
	t := &dateTokens{}
	two := func(v int) string { return string(appendNum(nil, v, 2)) }
	for i := range t.y {
		y := strconv.Itoa(MinYear - EstimateWindow + i)
		t.y[i], t.yw[i] = "y:"+y, "yw:"+y
	}
	for m := 1; m <= 12; m++ {
		t.month[m] = "m:" + two(m)
	}
	for d := 1; d <= 31; d++ {
		t.day[d] = "d:" + two(d)
	}
	for a := 1; a <= 31; a++ {
		for b := 1; b <= 31; b++ {
			if a <= 12 {
				t.md[a][b] = "md:" + two(a) + two(b)
			}
			if a <= b {
				t.dmset[a][b] = "dmset:" + two(a) + two(b)
			}
		}
	}
	return t
}

// yearToken returns prefix+year from the tables, or builds it for a year
// outside them (a Date made by hand).
func yearToken(prefix string, y int) string {
	i := y - (MinYear - EstimateWindow)
	if i >= 0 && i < len(dateTok.y) {
		if prefix == "y:" {
			return dateTok.y[i]
		}
		return dateTok.yw[i]
	}
	return prefix + strconv.Itoa(y)
}
