package stats

import "math"

// audit attacks the published tables as an intruder would: every additive
// relation the tables state (rows and columns summing to their totals,
// margins shared between tables) is a linear equation whose unknowns are
// the suppressed quantities. It returns the suppressed cells whose value
// the equations determine and whose true count is sensitive (1..k−1),
// together with the cells whose value is forced to zero by non-negativity.
func (l *linked) audit(k int) []*Cell {
	idx := map[*Cell]int{}
	var unknowns [][]*Cell // every cell that prints one unknown quantity
	add := func(cells ...*Cell) {
		n := len(unknowns)
		for _, c := range cells {
			idx[c] = n
		}
		unknowns = append(unknowns, cells)
	}
	// in the order of the equations, so that the repairs are the same
	// every time the same tables are protected
	for _, e := range l.eqs {
		for _, c := range e.terms() {
			if _, ok := idx[c]; ok || !c.Suppressed {
				continue
			}
			if key, ok := l.marginOf[c]; ok {
				add(l.margins[key]...)
			} else {
				add(c)
			}
		}
	}
	if len(unknowns) == 0 {
		return nil
	}
	var rows [][]float64
	for _, e := range l.eqs {
		row := make([]float64, len(unknowns))
		nonzero := false
		for _, c := range e.members {
			if i, ok := idx[c]; ok {
				row[i]++
				nonzero = true
			}
		}
		if i, ok := idx[e.total]; ok {
			row[i]--
			nonzero = true
		}
		if nonzero {
			rows = append(rows, row)
		}
	}
	var found []*Cell
	for _, u := range determined(rows, len(unknowns)) {
		if c := unknowns[u][0]; sensitive(c, k) {
			found = append(found, c)
		}
	}
	// An equation whose suppressed members sum to a published total of
	// zero forces them all to zero: no sensitive count hides there, but
	// recovering a zero is still recovering a cell.
	for _, e := range l.eqs {
		if e.total.Suppressed || e.total.Count != 0 {
			continue
		}
		for _, c := range e.members {
			if c.Suppressed && c.High > 0 {
				found = append(found, c)
			}
		}
	}
	return found
}

// determined returns the unknowns that a system of homogeneous-coefficient
// rows fixes, whatever the right-hand sides: those whose unit vector lies
// in the row space (a pivot of the reduced row echelon form with no free
// unknown beside it).
func determined(rows [][]float64, n int) []int {
	const eps = 1e-9
	pivotOf := make([]int, 0, len(rows))
	r := 0
	for col := 0; col < n && r < len(rows); col++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][col]) > eps && (p < 0 || math.Abs(rows[i][col]) > math.Abs(rows[p][col])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		pv := rows[r][col]
		for j := col; j < n; j++ {
			rows[r][j] /= pv
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][col]) <= eps {
				continue
			}
			f := rows[i][col]
			for j := col; j < n; j++ {
				rows[i][j] -= f * rows[r][j]
			}
		}
		pivotOf = append(pivotOf, col)
		r++
	}
	var out []int
	for i, col := range pivotOf {
		alone := true
		for j := col + 1; j < n; j++ {
			if math.Abs(rows[i][j]) > eps {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, col)
		}
	}
	return out
}
