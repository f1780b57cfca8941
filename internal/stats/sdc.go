package stats

import (
	"fmt"
	"math"
)

// DefaultK is the threshold of publication: no published count lies in
// 1..K−1. Eleven is the Counter Trafficking Data Collaborative's k.
const DefaultK = 11

// CheckK validates a threshold: it may be raised from DefaultK, never
// lowered.
func CheckK(k int) error {
	if k < DefaultK {
		return fmt.Errorf("stats: the publication threshold k must be at least %d (got %d)", DefaultK, k)
	}
	return nil
}

// sensitive reports whether a cell may reveal fewer than k children: some
// count of it (either linking) lies between 1 and k−1.
func sensitive(c *Cell, k int) bool { return c.High > 0 && c.Low < k }

// equation is one additive relation a published table states: the members
// sum to the total.
type equation struct {
	members []*Cell
	total   *Cell
}

// linked is a set of tables that share margins: the tables of one scope
// and period. A margin (say, the number of girls) is one quantity however
// many tables print it, so it is suppressed in all or in none.
type linked struct {
	tables   []*Table
	eqs      []equation
	margins  map[string][]*Cell // same quantity, every table that prints it
	marginOf map[*Cell]string
}

func link(tables []*Table) *linked {
	l := &linked{tables: tables, margins: map[string][]*Cell{}, marginOf: map[*Cell]string{}}
	margin := func(key string, c *Cell) {
		l.margins[key] = append(l.margins[key], c)
		l.marginOf[c] = key
	}
	for _, t := range tables {
		for i := range t.Rows {
			row := make([]*Cell, len(t.Cols))
			for j := range t.Cols {
				row[j] = &t.Cells[i][j]
			}
			l.eqs = append(l.eqs, equation{row, &t.RowTotal[i]})
			margin(string(t.Row)+"="+t.Rows[i], &t.RowTotal[i])
		}
		if t.ColTotal == nil { // columns not additive (see CountryTable)
			continue
		}
		for j := range t.Cols {
			col := make([]*Cell, len(t.Rows))
			for i := range t.Rows {
				col[i] = &t.Cells[i][j]
			}
			l.eqs = append(l.eqs, equation{col, &t.ColTotal[j]})
			margin(string(t.Col)+"="+t.Cols[j], &t.ColTotal[j])
		}
		rt := make([]*Cell, len(t.Rows))
		for i := range rt {
			rt[i] = &t.RowTotal[i]
		}
		ct := make([]*Cell, len(t.Cols))
		for j := range ct {
			ct[j] = &t.ColTotal[j]
		}
		l.eqs = append(l.eqs, equation{rt, &t.Total}, equation{ct, &t.Total})
		margin("", &t.Total)
	}
	return l
}

// Protect applies disclosure control to tables of one scope and period,
// in place: primary suppression of every cell and margin with a count in
// 1..k−1; secondary suppression until no line of a table has a single
// suppressed cell and shared margins are suppressed alike; then an audit
// by the attacker's own method (Audit) and more suppression until it
// recovers nothing. Cells already suppressed stay suppressed, so that a
// table protected again (a higher k) reveals nothing the first did not.
func Protect(tables []*Table, k int) {
	l := link(tables)
	for _, t := range tables {
		t.each(func(c *Cell) {
			if sensitive(c, k) {
				c.Suppressed, c.Primary = true, true
			}
		})
	}
	for {
		l.secondary()
		found := l.audit(k)
		if len(found) == 0 {
			return
		}
		progress := false
		for _, c := range found {
			progress = l.widen(c) || progress
		}
		if !progress { // every term around them is suppressed already
			return
		}
	}
}

// secondary suppresses until every equation has zero or at least two
// suppressed terms and every margin is suppressed in all its tables or
// none.
func (l *linked) secondary() {
	for changed := true; changed; {
		changed = false
		for _, e := range l.eqs {
			if e.suppressed() == 1 {
				if p := e.partner(nil); p != nil {
					p.Suppressed, changed = true, true
				}
			}
		}
		for _, cells := range l.margins {
			any := false
			for _, c := range cells {
				any = any || c.Suppressed
			}
			for _, c := range cells {
				if any && !c.Suppressed {
					c.Suppressed, changed = true, true
				}
			}
		}
	}
}

// widen suppresses one more cell in an equation that involves c, so that c
// is no longer determined.
func (l *linked) widen(c *Cell) bool {
	for _, e := range l.eqs {
		if e.has(c) {
			if p := e.partner(c); p != nil {
				p.Suppressed = true
				return true
			}
		}
	}
	return false
}

func (e equation) terms() []*Cell { return append(append([]*Cell(nil), e.members...), e.total) }

func (e equation) has(c *Cell) bool {
	for _, t := range e.terms() {
		if t == c {
			return true
		}
	}
	return false
}

func (e equation) suppressed() int {
	n := 0
	for _, t := range e.terms() {
		if t.Suppressed {
			n++
		}
	}
	return n
}

// partner chooses the cell to suppress with another: the published member
// with the smallest positive count (the least information lost), a zero
// member if none is positive, the total last.
func (e equation) partner(not *Cell) *Cell {
	var best *Cell
	score := func(c *Cell) int {
		if c.Count == 0 {
			return math.MaxInt / 2
		}
		return c.Count
	}
	for _, c := range e.members {
		if c.Suppressed || c == not {
			continue
		}
		if best == nil || score(c) < score(best) {
			best = c
		}
	}
	if best == nil && !e.total.Suppressed && e.total != not {
		best = e.total
	}
	return best
}

// each calls fn for every cell and margin of t.
func (t *Table) each(fn func(*Cell)) {
	for i := range t.Cells {
		for j := range t.Cells[i] {
			fn(&t.Cells[i][j])
		}
	}
	for i := range t.RowTotal {
		fn(&t.RowTotal[i])
	}
	for j := range t.ColTotal {
		fn(&t.ColTotal[j])
	}
	if t.ColTotal != nil {
		fn(&t.Total)
	}
}
