package stats

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// DefaultPairs are the tables of the regional publication, for every
// closed year: the status of the children against each other dimension
// (Eurostat's crim_thb_* breakdowns), and sex against age group.
var DefaultPairs = [][2]Dim{
	{DimStatus, DimSex},
	{DimStatus, DimAgeGroup},
	{DimStatus, DimExploitation},
	{DimStatus, DimCitizenship},
	{DimStatus, DimQuarter},
	{DimSex, DimAgeGroup},
}

// DefaultLag is how long after a year ends it closes: registrations of a
// year made late (imports, late entries) still count in it.
const DefaultLag = 90 * 24 * time.Hour

// Options of a publication.
type Options struct {
	K     int           // threshold; 0 means DefaultK; never lower than DefaultK
	Pairs [][2]Dim      // the regional tables; nil means DefaultPairs
	Lag   time.Duration // 0 means DefaultLag
	Now   time.Time     // the time of the publication
}

// Publication is a set of published regional figures: what the hub
// serves, and what it stores to freeze the periods published.
type Publication struct {
	Mapping string    `json:"mapping"` // MappingVersion
	K       int       `json:"k"`
	At      time.Time `json:"at"`
	// Periods are the closed years published, ascending. A period once
	// published is frozen: later publications carry its tables unchanged,
	// so that two publications differ only by whole new periods and no
	// difference of theirs isolates a child.
	Periods []string `json:"periods"`
	// ClosedThrough is the last year closed at the time of publication.
	// Every year up to the last period published is frozen, published or
	// (without registrations then) not, and registrations of those years
	// that arrive later are not published. Before any period is published
	// nothing is frozen: a hub that starts before its nodes have sent
	// anything does not freeze empty years.
	ClosedThrough int      `json:"closed_through"`
	Tables        []*Table `json:"tables"`
	Flows         []*Flows `json:"flows"`
}

// lastClosed returns the last year closed at now: a year closes lag after
// it ends.
func lastClosed(now time.Time, lag time.Duration) int { return now.UTC().Add(-lag).Year() - 1 }

// closedYear returns the period function of the years closed at now and
// after frozenThrough.
func closedYear(now time.Time, lag time.Duration, frozenThrough int) func(*Record) string {
	last := lastClosed(now, lag)
	return func(r *Record) string {
		y := r.Registered.UTC().Year()
		if y > last || y <= frozenThrough {
			return "-"
		}
		return yearString(y)
	}
}

// Publish computes the regional publication of rs at o.Now: the periods of
// prev (nil for the first) unchanged, and every year closed since,
// protected (Protect). A threshold below prev's is refused: k only rises.
func Publish(prev *Publication, rs Records, o Options) (*Publication, error) {
	k := o.K
	if k == 0 {
		k = DefaultK
	}
	if err := CheckK(k); err != nil {
		return nil, err
	}
	if prev != nil && k < prev.K {
		return nil, fmt.Errorf("stats: the threshold k may only rise (published with %d, asked %d)", prev.K, k)
	}
	pairs, lag := o.Pairs, o.Lag
	if pairs == nil {
		pairs = DefaultPairs
	}
	if lag == 0 {
		lag = DefaultLag
	}
	pub := &Publication{Mapping: MappingVersion, K: k, At: o.Now.UTC(), ClosedThrough: lastClosed(o.Now, lag)}
	frozen := 0
	if prev != nil {
		if n := len(prev.Periods); n > 0 {
			frozen, _ = strconv.Atoi(prev.Periods[n-1])
		}
		pub.ClosedThrough = max(pub.ClosedThrough, prev.ClosedThrough)
		pub.Periods = slices.Clone(prev.Periods)
		for _, p := range prev.Periods {
			tables := prev.tablesOf(p)
			if k > prev.K { // suppressions kept, more added: nothing new revealed
				Protect(tables, k)
			}
			pub.Tables = append(pub.Tables, tables...)
		}
		pub.Flows = append(pub.Flows, prev.Flows...)
	}

	period := closedYear(o.Now, lag, frozen)
	strict := Children(rs, Strict, false, period)[Region]
	loose := Children(rs, Loose, false, period)[Region]
	strictC := Children(rs, Strict, true, period)
	looseC := Children(rs, Loose, true, period)
	flows := ComputeFlows(rs, period)
	var periods []string
	for p := range strict {
		periods = append(periods, p)
	}
	slices.Sort(periods)
	for _, p := range periods {
		var tables []*Table
		for _, pair := range pairs {
			t := Crosstab(strict[p], loose[p], pair[0], pair[1])
			t.Period = p
			tables = append(tables, t)
		}
		tables = append(tables, CountryTable(strictC, looseC, p, DimStatus))
		Protect(tables, k)
		pub.Tables = append(pub.Tables, tables...)
		if f := flows[p]; f != nil {
			f.protect(k)
			pub.Flows = append(pub.Flows, f)
		}
		pub.Periods = append(pub.Periods, p)
	}
	slices.Sort(pub.Periods)
	return pub, nil
}

// tablesOf returns the tables of period p.
func (p *Publication) tablesOf(period string) []*Table {
	var out []*Table
	for _, t := range p.Tables {
		if t.Period == period {
			out = append(out, t)
		}
	}
	return out
}

// CountryTable counts the children of each country (each child once in
// every country that registered it) in period p by col. Its columns do not
// add up across countries (a child in two countries is in two rows), so
// it has no column totals. col must be a closed dimension.
func CountryTable(strict, loose map[Scope]map[string][]*Record, p string, col Dim) *Table {
	var countries []string
	for s, byPeriod := range strict {
		if len(byPeriod[p]) > 0 {
			countries = append(countries, string(s))
		}
	}
	slices.Sort(countries)
	t := &Table{Scope: "countries", Period: p, Row: DimCountry, Col: col, Rows: countries, Cols: Values(col)}
	t.RowTotal = make([]Cell, len(countries))
	for i, c := range countries {
		var l []*Record
		if loose != nil {
			l = loose[Scope(c)][p]
		}
		one := Crosstab(strict[Scope(c)][p], l, DimCountry, col)
		if one.Cols == nil || len(one.Rows) != 1 {
			continue
		}
		if t.Cols == nil {
			t.Cols = one.Cols
		}
		t.Cells = append(t.Cells, one.Cells[0])
		t.RowTotal[i] = one.Total
	}
	return t
}
