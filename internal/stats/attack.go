package stats

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// The attacks below read only what is published (a regional.csv), as an
// intruder would, and are written independently of Protect's own audit:
// exact rational elimination instead of floating point. They are exported
// so that tests outside this package (the demo's, which fetches the CSV
// its hub serves) attack what a reader downloads; the hub itself does not
// call them.

// published is one published file, parsed: figure by key.
type published map[string]string

// key names a figure: table, period, row and column.
func key(row []string) string { return row[0] + "|" + row[1] + "|" + row[3] + "|" + row[5] }

// parsePublished reads a regional.csv, and the name of its column col.
func parsePublished(data []byte, col string) (published, [][]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("stats: reading the CSV: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("stats: an empty CSV")
	}
	ci := slices.Index(rows[0], col)
	if ci < 0 {
		return nil, nil, fmt.Errorf("stats: no column %q in %v", col, rows[0])
	}
	p := published{}
	for _, r := range rows[1:] {
		if len(r) <= ci || len(r) < 6 {
			return nil, nil, fmt.Errorf("stats: a short row %v", r)
		}
		p[key(r)] = r[ci]
	}
	return p, rows[1:], nil
}

// TotalsAttack solves, exactly, every additive relation the published
// tables of a regional.csv state (rows and columns to their totals, a
// margin printed in several tables of a period being one quantity) and
// returns the suppressed figures of column col ("count", "count_low",
// "count_high") it determines with a value in 1..k−1: each a recovered
// figure of fewer than k children. An error means the file is not a
// regional.csv.
func TotalsAttack(data []byte, col string, k int) ([]string, error) {
	p, rows, err := parsePublished(data, col)
	if err != nil {
		return nil, err
	}
	// quantity: a margin is the same in every table of its period.
	quantity := func(r []string) string {
		switch {
		case r[3] == Total && r[5] == Total:
			return r[1] + "|all"
		case r[5] == Total:
			return r[1] + "|" + r[2] + "=" + r[3]
		case r[3] == Total:
			return r[1] + "|" + r[4] + "=" + r[5]
		}
		return key(r)
	}
	unknown := map[string]int{}
	var names []string
	type term struct {
		q    string
		sign int64
	}
	lines := map[string][]term{}
	qOf := map[string]string{}
	for _, r := range rows {
		if r[0] == FlowsTable {
			continue
		}
		q := quantity(r)
		qOf[key(r)] = q
		if p[key(r)] == "c" {
			if _, ok := unknown[q]; !ok {
				unknown[q] = len(names)
				names = append(names, q)
			}
		}
		// every figure belongs to its row line and its column line; a
		// margin is the line's total (sign −1).
		tb := r[0] + "|" + r[1]
		rowSign, colSign := int64(1), int64(1)
		if r[5] == Total {
			rowSign = -1
		}
		if r[3] == Total {
			colSign = -1
		}
		lines[tb+"|row|"+r[3]] = append(lines[tb+"|row|"+r[3]], term{key(r), rowSign})
		lines[tb+"|col|"+r[5]] = append(lines[tb+"|col|"+r[5]], term{key(r), colSign})
	}
	n := len(names)
	var m [][]*big.Rat
	for _, line := range lines {
		// a line is an equation only if it holds its total: the country
		// table's columns have none (they do not add up across countries).
		hasTotal := false
		for _, tm := range line {
			hasTotal = hasTotal || tm.sign < 0
		}
		if !hasTotal || len(line) < 2 {
			continue
		}
		row := make([]*big.Rat, n+1)
		for i := range row {
			row[i] = new(big.Rat)
		}
		for _, tm := range line {
			if i, ok := unknown[qOf[tm.q]]; ok && p[tm.q] == "c" {
				row[i].Add(row[i], big.NewRat(tm.sign, 1))
				continue
			}
			v, err := strconv.Atoi(p[tm.q])
			if err != nil {
				return nil, fmt.Errorf("stats: figure %s: %q is neither a count nor c", tm.q, p[tm.q])
			}
			row[n].Sub(row[n], big.NewRat(tm.sign*int64(v), 1))
		}
		m = append(m, row)
	}
	var found []string
	for _, d := range solve(m, n) {
		v := d.value
		if v.IsInt() && v.Num().Int64() >= 1 && v.Num().Int64() < int64(k) {
			found = append(found, fmt.Sprintf("%s = %s", names[d.unknown], v.RatString()))
		}
	}
	slices.Sort(found)
	return found, nil
}

type solved struct {
	unknown int
	value   *big.Rat
}

// solve reduces m (n unknowns, right-hand side last) to row echelon form
// and returns the unknowns it fixes.
func solve(m [][]*big.Rat, n int) []solved {
	r := 0
	var pivots []int
	for col := 0; col < n && r < len(m); col++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][col])
		for j := col; j <= n; j++ {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i != r && m[i][col].Sign() != 0 {
				f := new(big.Rat).Set(m[i][col])
				for j := col; j <= n; j++ {
					m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
				}
			}
		}
		pivots = append(pivots, col)
		r++
	}
	var out []solved
	for i, col := range pivots {
		alone := true
		for j := col + 1; j < n; j++ {
			alone = alone && m[i][j].Sign() == 0
		}
		if alone {
			out = append(out, solved{col, m[i][n]})
		}
	}
	return out
}

// DifferencingAttack compares two publications (regional.csv files)
// figure by figure in column col: a figure published in both whose
// difference lies in 1..k−1 isolates fewer than k children. It returns
// those figures.
func DifferencingAttack(before, after []byte, col string, k int) ([]string, error) {
	p1, _, err := parsePublished(before, col)
	if err != nil {
		return nil, err
	}
	p2, _, err := parsePublished(after, col)
	if err != nil {
		return nil, err
	}
	var found []string
	for key, v1 := range p1 {
		a, err1 := strconv.Atoi(v1)
		b, err2 := strconv.Atoi(p2[key])
		if err1 != nil || err2 != nil {
			continue
		}
		if d := max(a-b, b-a); d >= 1 && d < k {
			found = append(found, fmt.Sprintf("%s: %d then %d", key, a, b))
		}
	}
	slices.Sort(found)
	return found, nil
}
