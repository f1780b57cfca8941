package site

import "strings"

// DiffOp is one line of a diff.
type DiffOp struct {
	Kind string // "same", "add", "del"
	Text string
}

// Diff compares two texts line by line (longest common subsequence) for
// the revision history: what an editor reads to see what changed.
// Texts past maxDiffLines lines are compared as wholes, to bound the
// quadratic table.
func Diff(a, b string) []DiffOp {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	const maxDiffLines = 4000
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		if a == b {
			return []DiffOp{{"same", a}}
		}
		return []DiffOp{{"del", a}, {"add", b}}
	}
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffOp{"same", x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffOp{"del", x[i]})
			i++
		default:
			out = append(out, DiffOp{"add", y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffOp{"del", x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffOp{"add", y[j]})
	}
	return out
}
