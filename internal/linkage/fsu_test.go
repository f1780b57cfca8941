package linkage

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestFitUWithoutMatches checks that u, the distribution of a feature's
// levels among non-matches, is learned without the matches among the
// candidate pairs: counted over all candidates, the u of an exact date of
// birth is mostly the matches' (different children rarely share one),
// and the weight of the strongest agreement comes out several times too
// low.
func TestFitUWithoutMatches(t *testing.T) {
	s := fieldsSchema(t)
	e, ent := encodeSynth(t, s, synth.Options{Children: 3000, Seed: 5, Preset: synth.PresetField})
	m, ft, err := fit(e.Set(), s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	fs := m.fs
	di := -1
	for i, f := range fs.c.feats {
		if f.kind == featDate {
			di = i
		}
	}
	// The true u of an exact date: its share among the non-matches whose
	// dates are both known, and its share among all such candidates.
	lv := make([]uint8, len(fs.c.feats))
	var exactNon, non, exactAll, all float64
	for i, p := range ft.pairs {
		fs.decode(int(ft.pats[i]), lv)
		if lv[di] == dateMissing {
			continue
		}
		all++
		exact := lv[di] == dateExact
		if exact {
			exactAll++
		}
		if ent[p.A] != ent[p.B] {
			non++
			if exact {
				exactNon++
			}
		}
	}
	trueU, margU := exactNon/non, exactAll/all
	if margU < 2*trueU {
		t.Fatalf("the test data do not tell the two apart: u %.5f among non-matches, %.5f among all", trueU, margU)
	}
	got := fs.w.Features[di].U[dateExact]
	t.Logf("u of an exact date: learned %.5f, among non-matches %.5f, among all candidates %.5f", got, trueU, margU)
	if got > 1.5*trueU || got < trueU/1.5 {
		t.Errorf("u of an exact date %.5f, the non-matches' %.5f (all candidates': %.5f)", got, trueU, margU)
	}
}
