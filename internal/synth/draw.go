package synth

import (
	"sort"
	"strconv"
	"time"
)

// pick returns an index drawn with the cumulative weights cum.
func (g *generator) pick(cum []float64) int {
	x := g.r.Float64() * cum[len(cum)-1]
	return min(sort.SearchFloat64s(cum, x), len(cum)-1)
}

// pickWeights draws an index by weight among the countries not yet visited;
// -1 when none is left.
func (g *generator) pickWeights(ws []float64) int {
	total := 0.0
	for i, w := range ws {
		if !g.visited[i] {
			total += w
		}
	}
	if total == 0 {
		return -1
	}
	x := g.r.Float64() * total
	last := -1
	for i, w := range ws {
		if g.visited[i] || w == 0 {
			continue
		}
		if x < w {
			return i
		}
		x -= w
		last = i
	}
	return last
}

func (t *table) pick(g *generator) *nameEntry {
	if p := g.opt.NamePool; p > 0 && p < 1 {
		// Only the most common names of the list: at least five, so that
		// siblings still get distinct given names.
		n := min(max(int(p*float64(len(t.cum))+0.5), 5), len(t.cum))
		return &t.entries[g.pick(t.cum[:n])]
	}
	return &t.entries[g.pick(t.cum)]
}

func cumulative(ws []float64) []float64 {
	c := make([]float64, len(ws))
	s := 0.0
	for i, w := range ws {
		s += w
		c[i] = s
	}
	return c
}

// mix is SplitMix64's finaliser: it spreads seeds and family numbers over
// the PCG's state so that neighbouring families get unrelated streams.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func sexIndex(female bool) int {
	if female {
		return 0
	}
	return 1
}

// days returns the day number (since 1970-01-01) of a date; out-of-range
// months and days are normalised as by time.Date.
func days(y, m, d int) int {
	return int(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civil returns the date of a day number.
func civil(day int) (y, m, d int) {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return t.Year(), int(t.Month()), t.Day()
}

// pad formats n with at least width digits.
func pad(n, width int) string {
	var buf [20]byte
	b := strconv.AppendInt(buf[:0], int64(n), 10)
	if len(b) >= width {
		return string(b)
	}
	out := make([]byte, width)
	copy(out[width-len(b):], b)
	for i := range width - len(b) {
		out[i] = '0'
	}
	return string(out)
}
