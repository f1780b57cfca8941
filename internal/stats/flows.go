package stats

import (
	"slices"
	"strconv"
)

// Flow is the movement of children from one country to another: children
// first registered in From and afterwards, next, in To.
type Flow struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count Cell   `json:"count"`
	// MedianDays is the median of the days between the child's first
	// registration in From and in To (strict linking); -1 when not
	// published (the flow is suppressed).
	MedianDays int `json:"median_days"`
}

// Flows are the movements of one period: the year of the arrival
// registration.
type Flows struct {
	Period string  `json:"period"`
	Flows  []*Flow `json:"flows"`
}

// hop is one movement of one child.
type hop struct {
	from, to string
	days     int
	period   string
}

// hops returns the movements of every child under linking l: the
// countries in the order of the child's first registration in each, and
// one movement per consecutive pair. period gives the period of the
// arrival registration ("-" leaves it out).
func hops(rs Records, l Linking, period func(*Record) string) []hop {
	byUnit := map[string][]*Record{}
	for i := range rs {
		r := &rs[i]
		u := unitOf(r, l)
		byUnit[u] = append(byUnit[u], r)
	}
	var out []hop
	for _, regs := range byUnit {
		if len(regs) < 2 {
			continue
		}
		slices.SortFunc(regs, func(a, b *Record) int {
			if earlier(a, b) {
				return -1
			}
			if earlier(b, a) {
				return 1
			}
			return 0
		})
		var prev *Record
		seen := map[string]bool{}
		for _, r := range regs {
			if seen[r.Country] {
				continue
			}
			seen[r.Country] = true
			if prev != nil {
				if p := period(r); p != "-" {
					days := int(r.Registered.Sub(prev.Registered).Hours() / 24)
					out = append(out, hop{prev.Country, r.Country, days, p})
				}
			}
			prev = r
		}
	}
	return out
}

// ComputeFlows returns the flows of each period, with the range of each
// count over the two linkings.
func ComputeFlows(rs Records, period func(*Record) string) map[string]*Flows {
	type key struct{ period, from, to string }
	strict := map[key][]int{}
	for _, h := range hops(rs, Strict, period) {
		k := key{h.period, h.from, h.to}
		strict[k] = append(strict[k], h.days)
	}
	loose := map[key]int{}
	for _, h := range hops(rs, Loose, period) {
		loose[key{h.period, h.from, h.to}]++
	}
	keys := map[key]bool{}
	for k := range strict {
		keys[k] = true
	}
	for k := range loose {
		keys[k] = true
	}
	out := map[string]*Flows{}
	for k := range keys {
		days := strict[k]
		f := &Flow{From: k.from, To: k.to, Count: cell(len(days), loose[k]), MedianDays: median(days)}
		fs := out[k.period]
		if fs == nil {
			fs = &Flows{Period: k.period}
			out[k.period] = fs
		}
		fs.Flows = append(fs.Flows, f)
	}
	for _, fs := range out {
		slices.SortFunc(fs.Flows, func(a, b *Flow) int {
			if a.From != b.From {
				return compare(a.From, b.From)
			}
			return compare(a.To, b.To)
		})
	}
	return out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// median returns the median of days (the lower middle of an even count),
// -1 for none.
func median(days []int) int {
	if len(days) == 0 {
		return -1
	}
	s := slices.Clone(days)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// protect suppresses every flow with a count in 1..k−1 and its median.
// Flows state no totals, so no secondary suppression is needed: no
// published figure adds them up.
func (fs *Flows) protect(k int) {
	for _, f := range fs.Flows {
		if sensitive(&f.Count, k) {
			f.Count.Suppressed, f.Count.Primary = true, true
		}
		if f.Count.Suppressed {
			f.MedianDays = -1
		}
	}
}

// Label returns "SE→DE" for tables and charts.
func (f *Flow) Label() string { return f.From + "→" + f.To }

// String returns a cell as published: the count, or "c".
func (c Cell) String() string {
	if c.Suppressed {
		return "c"
	}
	return strconv.Itoa(c.Count)
}
