package synth

// profile is where a group of children enters the region.
type profile uint8

const (
	profEast    profile = iota // Ukraine: overland into Poland, then everywhere
	profBorder                 // Belarus and Russia: the land borders of PL, LT, LV, EE, FI, NO
	profAsylum                 // Afghanistan, Syria, Iraq: Balkan route into Germany, the Belarus border, flights north
	profAfrica                 // Horn of Africa and Nigeria: Mediterranean route into Germany, then north
	profMaghreb                // Morocco: Germany and the Nordic capitals
	profVietnam                // Vietnam: Poland and the Baltic states, smuggled on towards Germany
	profEurope                 // Romania, Albania: free movement and visa-free travel
)

type weighted struct {
	c string
	w float64
}

// entry weights of the first registering country, per profile.
var entry = [...][]weighted{
	profEast:    {{"PL", 6}, {"DE", 4}, {"LT", 1}, {"LV", 0.7}, {"EE", 0.7}, {"FI", 0.7}, {"SE", 0.7}, {"DK", 0.7}, {"NO", 0.7}, {"IS", 0.2}},
	profBorder:  {{"PL", 3}, {"LT", 3}, {"LV", 2}, {"FI", 2}, {"EE", 1}, {"DE", 1}, {"NO", 0.3}, {"SE", 0.3}},
	profAsylum:  {{"DE", 8}, {"SE", 2}, {"PL", 1.5}, {"DK", 1}, {"NO", 1}, {"LT", 1}, {"LV", 0.8}, {"FI", 0.7}, {"EE", 0.2}, {"IS", 0.2}},
	profAfrica:  {{"DE", 6}, {"SE", 3}, {"NO", 2}, {"DK", 1}, {"FI", 1}, {"IS", 0.1}},
	profMaghreb: {{"DE", 4}, {"SE", 3}, {"DK", 2}, {"NO", 1}, {"FI", 0.5}},
	profVietnam: {{"DE", 4}, {"PL", 3}, {"LT", 0.5}, {"LV", 0.5}, {"FI", 0.5}, {"SE", 0.5}, {"EE", 0.3}, {"DK", 0.3}, {"NO", 0.2}},
	profEurope:  {{"DE", 5}, {"SE", 2}, {"DK", 1.5}, {"NO", 1.5}, {"FI", 0.5}, {"PL", 0.5}},
}

// onward weights of the next country from each country: the corridors of
// secondary movement (PL→DE→DK→SE→NO/FI, LT→LV→EE→FI, ...).
var onward = map[string][]weighted{
	"DE": {{"DK", 3}, {"SE", 2}, {"NO", 1}, {"PL", 0.5}, {"FI", 0.3}},
	"DK": {{"SE", 5}, {"NO", 2}, {"DE", 1}, {"IS", 0.3}, {"FI", 0.2}},
	"SE": {{"NO", 3}, {"FI", 2}, {"DK", 1}, {"DE", 0.5}, {"IS", 0.2}},
	"NO": {{"SE", 2}, {"FI", 0.5}, {"DK", 0.5}, {"IS", 0.3}},
	"FI": {{"SE", 3}, {"NO", 1}, {"EE", 0.5}},
	"PL": {{"DE", 5}, {"LT", 0.5}, {"SE", 0.5}, {"DK", 0.5}},
	"LT": {{"LV", 3}, {"PL", 3}, {"DE", 1}, {"EE", 0.5}},
	"LV": {{"EE", 3}, {"LT", 1}, {"FI", 0.5}, {"DE", 0.5}, {"SE", 0.5}},
	"EE": {{"FI", 4}, {"LV", 1}, {"SE", 0.5}},
	"IS": {{"NO", 1}, {"DK", 1}, {"SE", 0.5}},
}

// Weights for countries outside the tables (a partner country passed in
// Options.Countries): they take part, rarely.
const (
	otherEntry  = 0.5
	otherOnward = 0.2
)

// routing holds the route tables restricted to the chosen countries, as
// indexes into them, so that drawing a route allocates nothing.
type routing struct {
	entry  [][]float64 // [profile][country] weights
	onward [][]float64 // [from][to] weights
}

func newRouting(countries []string) *routing {
	idx := func(c string) int {
		for i, x := range countries {
			if x == c {
				return i
			}
		}
		return -1
	}
	n := len(countries)
	rt := &routing{entry: make([][]float64, len(entry)), onward: make([][]float64, n)}
	for p, ws := range entry {
		rt.entry[p] = make([]float64, n)
		for i := range n {
			rt.entry[p][i] = otherEntry
		}
		for _, w := range ws {
			if i := idx(w.c); i >= 0 {
				rt.entry[p][i] = w.w
			}
		}
		for i, c := range countries {
			if _, known := onward[c]; known && !hasCountry(ws, c) {
				rt.entry[p][i] = 0 // a region country this group does not enter first
			}
		}
		if sum(rt.entry[p]) == 0 { // none of its entry countries chosen: any will do
			for i := range n {
				rt.entry[p][i] = 1
			}
		}
	}
	for i, c := range countries {
		rt.onward[i] = make([]float64, n)
		ws, known := onward[c]
		for j := range n {
			if j != i && (!known || onward[countries[j]] == nil) {
				rt.onward[i][j] = otherOnward
			}
		}
		for _, w := range ws {
			if j := idx(w.c); j >= 0 {
				rt.onward[i][j] = w.w
			}
		}
	}
	return rt
}

func hasCountry(ws []weighted, c string) bool {
	for _, w := range ws {
		if w.c == c {
			return true
		}
	}
	return false
}

func sum(ws []float64) float64 {
	s := 0.0
	for _, w := range ws {
		s += w
	}
	return s
}
