package synth

import (
	"math/rand/v2"
	"sort"
)

// Composition of the population (see doc.go). Tune them here; the tests
// check the resulting shares against bands derived from these values.
const (
	FamilyShare       = 0.30 // share of children who travel and register with siblings (families of 2–4)
	TwinShare         = 0.12 // share of sibling groups that include a pair of twins
	SameSexTwins      = 0.65 // share of twin pairs of the same sex
	AltCitizenship    = 0.05 // children whose citizenship is not that of their origin (Afghans from Iran, ...)
	SecondCentre      = 0.06 // per country: registered again at a second reception centre
	MissingOnMove     = 0.50 // a child moving on is reported missing by the country it leaves
	MissingAtEnd      = 0.15 // a child goes missing from the last country of its route
	Located           = 0.45 // a child missing from the last country is found there and registered anew
	RegistrationYears = 3    // first registrations fall in the years before Options.Now
)

// familySizes are the weights of sibling groups of 2, 3 and 4 children.
var familySizes = []float64{0.60, 0.30, 0.10}

// routeLengths are the weights of routes through 1, 2, 3 and 4 countries.
var routeLengths = []float64{0.60, 0.25, 0.11, 0.04}

// aloneAges weights the age (0–17) at first registration of a child who
// travels alone: most unaccompanied children are 14–17.
var aloneAges = []float64{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 7, 10, 14, 18, 16}

// child is the true identity of one child.
type child struct {
	entity, family string
	o              *origin
	female         bool
	documented     bool
	y, m, d        int // true date of birth
	cit            string
	given, fam     *nameEntry
	middle, father *nameEntry
	second         *nameEntry // a second given name, or nil
}

// event is one record to write for every child of a family.
type event struct {
	c    int // index into the countries
	day  int // days since 1970-01-01
	kind string
}

type generator struct {
	opt      Options
	e        Errors
	src      rand.PCG
	r        *rand.Rand
	rt       *routing
	now      int      // day number of Options.Now
	start    int      // day of the current family's first registration
	prefix   []string // "SE-" per country
	counters []int
	visited  []bool
	kids     []child
	evs      []event
	// cumulative weights, computed once
	sizeCum, routeCum, ageCum []float64
}

// Generate returns all records (see Stream for the order).
func Generate(opt Options) ([]Record, error) {
	if _, _, err := opt.normalize(); err != nil {
		return nil, err
	}
	n := opt.Records
	if n == 0 {
		n = opt.Children * 9 / 4 // about 2.2 records per child
	}
	recs := make([]Record, 0, n)
	err := Stream(opt, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// Stream calls fn for each record in a deterministic order without holding
// them all in memory: family by family, each family's records in the order of
// its route, siblings in birth order. An error from fn stops the stream and is
// returned. Each family is drawn from its own random stream (seeded from Seed
// and its number), so families do not depend on each other's draws.
func Stream(opt Options, fn func(Record) error) error {
	opt, e, err := opt.normalize()
	if err != nil {
		return err
	}
	g := &generator{opt: opt, e: e, rt: newRouting(opt.Countries),
		now:      int(opt.Now.Unix() / 86400),
		counters: make([]int, len(opt.Countries)), visited: make([]bool, len(opt.Countries)),
		sizeCum: cumulative(familySizes), routeCum: cumulative(routeLengths), ageCum: cumulative(aloneAges)}
	g.r = rand.New(&g.src)
	for _, c := range opt.Countries {
		g.prefix = append(g.prefix, c+"-")
	}
	// A family is a sibling group with probability q, chosen so that the
	// share of children in families is FamilyShare.
	mean := 0.0
	for i, w := range familySizes {
		mean += float64(i+2) * w / g.sizeCum[len(g.sizeCum)-1]
	}
	q := FamilyShare / (mean - FamilyShare*(mean-1))
	entities, written := 0, 0
	for fi := 0; opt.Children == 0 || entities < opt.Children; fi++ {
		g.src.Seed(mix(uint64(opt.Seed)), mix(uint64(fi)^0x9e3779b97f4a7c15))
		n := 1
		if g.r.Float64() < q {
			n = 2 + g.pick(g.sizeCum)
		}
		if opt.Children > 0 {
			n = min(n, opt.Children-entities)
		}
		g.family(fi, entities, n)
		g.route(g.kids[0].o.profile)
		for _, ev := range g.evs {
			for i := range g.kids {
				if err := fn(g.record(&g.kids[i], ev)); err != nil {
					return err
				}
				if written++; written == opt.Records {
					return nil
				}
			}
		}
		entities += n
	}
	return nil
}

// family draws the true identities of n siblings who are first registered on
// the same day.
func (g *generator) family(fi, first, n int) {
	r := g.r
	o := origins[g.pick(originCum)]
	famID := "F" + pad(fi+1, 7)
	documented := r.Float64() < o.documented
	cit := o.citizen
	if r.Float64() < AltCitizenship {
		cit = o.alt[r.IntN(len(o.alt))]
	}
	fam := o.family.pick(g)
	var father *nameEntry
	if o.father {
		father = o.given[1].pick(g)
	}
	firstDay := g.now - 7 - r.IntN(RegistrationYears*365-7)
	g.start = firstDay
	fy, fm, fd := civil(firstDay)
	twin := -1 // the twins are children twin and twin+1
	if n >= 2 && r.Float64() < TwinShare {
		twin = r.IntN(n - 1)
	}
	g.kids = g.kids[:0]
	dob := 0
	for i := range n {
		k := child{entity: "C" + pad(first+i+1, 7), family: famID, o: o, documented: documented, cit: cit, fam: fam, father: father}
		switch {
		case n == 1:
			k.female = r.Float64() >= o.boys
			age := g.pick(g.ageCum)
			hi, lo := days(fy-age, fm, fd), days(fy-age-1, fm, fd)+1
			dob = lo + r.IntN(hi-lo+1)
		case i == 0:
			k.female = r.Float64() < 0.5
			age := n + r.IntN(18-n) // room for the younger ones
			hi, lo := days(fy-age, fm, fd), days(fy-age-1, fm, fd)+1
			dob = lo + r.IntN(hi-lo+1)
		case i-1 == twin:
			prev := g.kids[i-1].female
			k.female = prev
			if r.Float64() >= SameSexTwins {
				k.female = !prev
			}
		default:
			gaps := 0 // later gaps that must still fit before the first registration
			for j := i + 1; j < n; j++ {
				if j-1 != twin {
					gaps++
				}
			}
			room := firstDay - dob - 365*gaps
			k.female = r.Float64() < 0.5
			dob += 365 + r.IntN(max(min(6*365, room)-365, 0)+1)
		}
		k.y, k.m, k.d = civil(dob)
		sx := sexIndex(k.female)
		k.given = g.distinctGiven(o.given[sx])
		if g.opt.SecondGiven > 0 && o.script != scriptVietnamese && r.Float64() < g.opt.SecondGiven {
			for k.second = o.given[sx].pick(g); k.second == k.given; {
				k.second = o.given[sx].pick(g)
			}
		}
		if o.middle[sx] != nil {
			k.middle = o.middle[sx].pick(g)
		}
		g.kids = append(g.kids, k)
	}
}

// distinctGiven draws a given name no sibling has.
func (g *generator) distinctGiven(t *table) *nameEntry {
	for {
		e := t.pick(g)
		taken := false
		for i := range g.kids {
			taken = taken || g.kids[i].given == e
		}
		if !taken {
			return e
		}
	}
}

// route draws the family's route through the countries and the records each
// country makes, dropping those after Now.
func (g *generator) route(p profile) {
	r := g.r
	g.evs = g.evs[:0]
	clear(g.visited)
	length := 1 + g.pick(g.routeCum)
	cur := g.pickWeights(g.rt.entry[p])
	day := g.start
	for step := 0; ; step++ {
		g.visited[cur] = true
		g.evs = append(g.evs, event{cur, day, EventRegistered})
		if r.Float64() < SecondCentre {
			day += 7 + r.IntN(84)
			g.evs = append(g.evs, event{cur, day, EventRegistered})
		}
		next := -1
		if step < length-1 {
			next = g.pickWeights(g.rt.onward[cur])
		}
		if next < 0 {
			if r.Float64() < MissingAtEnd {
				day += 2 + r.IntN(59)
				g.evs = append(g.evs, event{cur, day, EventMissing})
				if r.Float64() < Located {
					day += 1 + r.IntN(120)
					g.evs = append(g.evs, event{cur, day, EventLocated})
				}
			}
			break
		}
		if r.Float64() < MissingOnMove {
			day += 2 + r.IntN(59)
			g.evs = append(g.evs, event{cur, day, EventMissing})
		}
		day += 2 + r.IntN(44)
		cur = next
	}
	n := sort.Search(len(g.evs), func(i int) bool { return g.evs[i].day > g.now })
	g.evs = g.evs[:max(n, 1)]
}
