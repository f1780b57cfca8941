package linkage

import (
	"testing"
)

// TestNameEnvelope checks that no pair of name levels weighs more than a
// pair that agrees at least as much on both names, in the built-in
// weights and in weights learned from data, and that two children whose
// names differ altogether are not a match however much else agrees: the
// levels of differing names are rarely among the training's candidates,
// and their smoothed m/u had made them count for a match (+8.7 bits).
func TestNameEnvelope(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	lw := m.fs.lw[0]
	at := func(g, f uint8) int { return int(g)*nameLevels + int(f) }
	check := func(a, b int) {
		if lw[a] > lw[b]+1e-12 {
			t.Errorf("%s weighs %.2f, more than %s (%.2f)", levelNames[featName][a], lw[a], levelNames[featName][b], lw[b])
		}
	}
	for g := uint8(nameSame); g < nameLevels; g++ {
		for f := uint8(nameSame); f < nameLevels; f++ {
			for _, g2 := range atLeast[g] {
				for _, f2 := range atLeast[f] {
					check(at(g, f), at(g2, f2))
				}
			}
		}
		for _, g2 := range atLeast[g] {
			check(at(nameMissing, g), at(nameMissing, g2))
		}
		check(at(nameMissing, g), at(g, g))
	}

	for _, tc := range []struct {
		name string
		a, b []string
	}{
		{"both names differ", []string{"a", "Ahmad", "Rahimi", "2009-03-14", "0", "m", "AF"}, []string{"b", "Olena", "Kovalenko", "2009-03-14", "0", "m", "AF"}},
		{"one name field, whole name differs", []string{"a", "Ahmad Rahimi", "", "2009-03-14", "0", "m", "AF"}, []string{"b", "Olena", "Kovalenko", "2009-03-14", "0", "m", "AF"}},
		{"given differs, family faint", []string{"a", "Ahmad", "Rahimi", "2009-03-14", "0", "m", "AF"}, []string{"b", "Olena", "Rahman", "2009-03-14", "0", "m", "AF"}},
	} {
		fs := encodeRows(t, s, tc.a, tc.b)
		ex, err := m.Explain(fs[0], fs[1])
		if err != nil {
			t.Fatal(err)
		}
		if p := m.Score(fs[0], fs[1]); m.IsReview(p) {
			t.Errorf("%s (%s), same date, sex and citizenship: probability %.3f, at least the review threshold", tc.name, ex.Terms[0].Level, p)
		}
	}
}
