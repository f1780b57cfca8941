package stats

import (
	"context"
	"slices"
)

// Source feeds registrations to the computation: the hub from its coded
// metadata and clusters, a node from its own cases. Each calls fn once per
// registration; fn must not keep r after it returns.
type Source interface {
	Each(ctx context.Context, fn func(r *Record) error) error
}

// Records is a Source over a slice.
type Records []Record

// Each implements Source.
func (rs Records) Each(ctx context.Context, fn func(*Record) error) error {
	for i := range rs {
		if err := fn(&rs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Lister is a Source that can hand over all its registrations at once,
// sparing Collect a copy of a million records.
type Lister interface {
	Records(ctx context.Context) (Records, error)
}

// Collect reads every registration of src into memory (coded values only:
// about 200 bytes a registration).
func Collect(ctx context.Context, src Source) (Records, error) {
	if l, ok := src.(Lister); ok {
		return l.Records(ctx)
	}
	var rs Records
	err := src.Each(ctx, func(r *Record) error {
		rs = append(rs, *r)
		return ctx.Err()
	})
	return rs, err
}

// Linking says which links join registrations into one child.
type Linking int

// Linkings.
const (
	// Strict merges only high-probability links: the point estimate, and
	// the most children.
	Strict Linking = iota
	// Loose merges every plausible link as well: the fewest children.
	Loose
)

// unitOf returns the cluster a registration belongs to under l.
func unitOf(r *Record, l Linking) string {
	switch {
	case l == Loose && r.ChildAll != "":
		return r.ChildAll
	case r.Child != "":
		return r.Child
	}
	return "\x00" + r.Country + "/" + r.Ref // a registration of its own
}

// Scope says whose children a table counts.
type Scope string

// Region is the scope of de-duplicated regional counts: a child registered
// in several countries counts once. Any other scope is a country code: the
// children registered in that country, each once.
const Region Scope = ""

// Children returns one representative registration per child: for each
// cluster under l within a scope and period, its earliest registration
// (then the lowest country and reference), whose coded values the child is
// counted by. period maps a registration to its period ("" for all time);
// a registration whose period is "-" is left out. With perCountry, each
// child is counted once in every country that registered it (scope is the
// country); otherwise once in the region.
func Children(rs Records, l Linking, perCountry bool, period func(*Record) string) map[Scope]map[string][]*Record {
	type key struct {
		scope  Scope
		period string
		unit   string
	}
	rep := make(map[key]*Record, len(rs))
	for i := range rs {
		r := &rs[i]
		p := period(r)
		if p == "-" {
			continue
		}
		k := key{Region, p, unitOf(r, l)}
		if perCountry {
			k.scope = Scope(r.Country)
		}
		if old, ok := rep[k]; !ok || earlier(r, old) {
			rep[k] = r
		}
	}
	out := map[Scope]map[string][]*Record{}
	for k, r := range rep {
		byPeriod := out[k.scope]
		if byPeriod == nil {
			byPeriod = map[string][]*Record{}
			out[k.scope] = byPeriod
		}
		byPeriod[k.period] = append(byPeriod[k.period], r)
	}
	return out
}

func earlier(a, b *Record) bool {
	if !a.Registered.Equal(b.Registered) {
		return a.Registered.Before(b.Registered)
	}
	if a.Country != b.Country {
		return a.Country < b.Country
	}
	return a.Ref < b.Ref
}

// ByYear is the period of a registration: its year (UTC).
func ByYear(r *Record) string { return yearString(r.Registered.UTC().Year()) }

// AllTime puts every registration in one period.
func AllTime(*Record) string { return "" }

// Cell is one count of a table. Count is the point estimate (strict
// linking); Low and High the range over the two linkings (equal to Count
// on a node).
type Cell struct {
	Count, Low, High int
	// Suppressed cells are published as "c"; Primary says why: the cell
	// itself is below the threshold (rather than suppressed to protect
	// another).
	Suppressed, Primary bool
}

// Table is a two-way table of children.
type Table struct {
	Scope    Scope
	Period   string // "2026", or "" for all time
	Row, Col Dim
	Rows     []string
	Cols     []string
	Cells    [][]Cell // [row][col]
	RowTotal []Cell   // per row, over every column
	ColTotal []Cell   // per column, over every row
	Total    Cell
}

// Crosstab counts the children of strict (and of loose, for the range;
// nil gives Low = High = Count) by row and col. strict and loose are the
// representatives of one scope and period (Children).
func Crosstab(strict, loose []*Record, row, col Dim) *Table {
	t := &Table{Row: row, Col: col, Rows: axis(row, strict, loose), Cols: axis(col, strict, loose)}
	n := func(vals []string) map[string]int {
		m := make(map[string]int, len(vals))
		for i, v := range vals {
			m[v] = i
		}
		return m
	}
	ri, ci := n(t.Rows), n(t.Cols)
	count := func(reps []*Record) ([][]int, []int, []int, int) {
		cells := make([][]int, len(t.Rows))
		for i := range cells {
			cells[i] = make([]int, len(t.Cols))
		}
		rt, ct := make([]int, len(t.Rows)), make([]int, len(t.Cols))
		for _, r := range reps {
			i, j := ri[r.Value(row)], ci[r.Value(col)]
			cells[i][j]++
			rt[i]++
			ct[j]++
		}
		return cells, rt, ct, len(reps)
	}
	sc, sr, scol, st := count(strict)
	lc, lr, lcol, lt := sc, sr, scol, st
	if loose != nil {
		lc, lr, lcol, lt = count(loose)
	}
	t.Cells = make([][]Cell, len(t.Rows))
	for i := range t.Rows {
		t.Cells[i] = make([]Cell, len(t.Cols))
		for j := range t.Cols {
			t.Cells[i][j] = cell(sc[i][j], lc[i][j])
		}
	}
	t.RowTotal = make([]Cell, len(t.Rows))
	for i := range t.Rows {
		t.RowTotal[i] = cell(sr[i], lr[i])
	}
	t.ColTotal = make([]Cell, len(t.Cols))
	for j := range t.Cols {
		t.ColTotal[j] = cell(scol[j], lcol[j])
	}
	t.Total = cell(st, lt)
	return t
}

func cell(strict, loose int) Cell {
	return Cell{Count: strict, Low: min(strict, loose), High: max(strict, loose)}
}

// axis returns the values of d in table order: every value of a closed
// dimension (zeros are counts too), the values present for an open one.
func axis(d Dim, sets ...[]*Record) []string {
	if v := Values(d); v != nil {
		return v
	}
	seen := map[string]bool{}
	var vals []string
	for _, set := range sets {
		for _, r := range set {
			if v := r.Value(d); !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
	}
	slices.Sort(vals)
	return vals
}
