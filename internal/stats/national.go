package stats

import (
	"context"
	"slices"
)

// FactSource yields the coded facts of one country's cases, never an
// identity; internal/store's StatsStore implements it on a node.
type FactSource interface {
	// EachCase calls fn once per case of country, with the case's and
	// its child's pseudonymous references.
	EachCase(ctx context.Context, country string, fn func(caseRef, childRef string, f Facts) error) error
}

// National reads a country's cases and maps each (Map) to a registration
// whose unit is the child: a child with two cases counts once. An unknown
// code stops it with Map's error.
func National(ctx context.Context, src FactSource, country string) (Records, error) {
	var rs Records
	err := src.EachCase(ctx, country, func(caseRef, childRef string, f Facts) error {
		c, err := Map(f)
		if err != nil {
			return err
		}
		rs = append(rs, Record{Country: country, Ref: caseRef, Child: childRef, Registered: f.Registered.UTC(), Coded: c})
		return nil
	})
	return rs, err
}

// NationalTable counts the children of rs by row and col, in year ("" for
// all years; a child is counted by the first case of the year). The counts
// are exact: national figures are for the NCP's own staff, who may read
// the cases themselves. They are not for publication.
func NationalTable(rs Records, row, col Dim, year string) *Table {
	period := AllTime
	if year != "" {
		period = func(r *Record) string {
			if ByYear(r) != year {
				return "-"
			}
			return year
		}
	}
	reps := Children(rs, Strict, false, period)[Region][year]
	t := Crosstab(reps, nil, row, col)
	t.Period = year
	return t
}

// Years returns the years of rs, ascending.
func Years(rs Records) []string {
	seen := map[string]bool{}
	var ys []string
	for i := range rs {
		if y := ByYear(&rs[i]); !seen[y] {
			seen[y] = true
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	return ys
}

// Lines returns t's figures as rows under Columns, as Publication.Rows
// does: for the node's download of its national figures.
func (t *Table) Lines(mapping string) [][]string {
	p := &Publication{Mapping: mapping, Tables: []*Table{t}}
	return p.Rows()
}
