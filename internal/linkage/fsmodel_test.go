package linkage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
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

// TestPairFrequencySymmetric checks that the frequency adjustment of a
// pair whose names agree at the level same, but not bit for bit, is that
// of the more common of the two spellings, whichever record comes first:
// a rare variant of a common name must not make the pair look like one
// agreeing on a rare name: it scores as two records of the common
// spelling.
func TestPairFrequencySymmetric(t *testing.T) {
	s := fieldsSchema(t)
	rows := [][]string{{"x", "Konstantinos Alexandros", "Papadopoulos", "2010-01-02", "0", "m", "GR"}}
	for i := range 30 {
		rows = append(rows, []string{"x", "Konstantinos Alexandro", "Papadopoulos", fmt.Sprintf("2010-%02d-%02d", 1+i%12, 2+i), "0", "m", "GR"})
	}
	for i := range 200 {
		rows = append(rows, []string{"x", fmt.Sprintf("Given%c%c%c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676), "Other", "2012-03-04", "0", "f", "SY"})
	}
	// A second registration of the first child of the common spelling.
	rows = append(rows, rows[1])
	fs := encodeRows(t, s, rows...)
	m := builtinModelOn(t, s, fs)
	c := m.fs.c
	var pa, pb [maxFields]uint16
	lv := make([]uint8, len(c.feats))
	c.vector(c.rec(fs[0], pa[:]), c.rec(fs[1], pb[:]), lv)
	if same := sameParts(lv[0]); !same[0] || !same[1] {
		t.Fatalf("the names are not at the level same: %s", levelNames[featName][lv[0]])
	}
	if c.segHash(fs[0], c.feats[0].segs[0]) == c.segHash(fs[1], c.feats[0].segs[0]) {
		t.Fatal("the two given names have the same bits")
	}
	ab, ba := m.Score(fs[0], fs[1]), m.Score(fs[1], fs[0])
	common := m.Score(fs[len(fs)-1], fs[1])
	t.Logf("rare variant first %.6f, common first %.6f, two common spellings %.6f", ab, ba, common)
	if ab != ba {
		t.Errorf("the score depends on the order of the records: %v and %v", ab, ba)
	}
	if math.Abs(ab-common) > 1e-9 {
		t.Errorf("the rare variant scores %v, two records of the common spelling %v", ab, common)
	}
}

// TestWeightsOfOlderComparisonRefused checks that weights learned on the
// agreement levels of an earlier version (a weights file without
// "comparison": a name in one field was then compared part by part) are
// refused with the way out, not scored with levels of another meaning.
func TestWeightsOfOlderComparisonRefused(t *testing.T) {
	data, err := builtinWeights.ReadFile("schemas/child-fields.weights")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadWeights(bytes.NewReader(data)); err != nil {
		t.Fatalf("the built-in weights: %v", err)
	}
	var w map[string]any
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	delete(w, "comparison")
	old, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadWeights(bytes.NewReader(old))
	if err == nil || !strings.Contains(err.Error(), "version 1") || !strings.Contains(err.Error(), "--weights-out") {
		t.Errorf("weights of version 1: %v", err)
	}
}

// TestFieldsMergeOverWeakPair checks the minimum link of a segmented
// schema's clustering: a child's third registration joins the two others
// when it matches one of them and says little for the other (two age
// assessments years apart score a few per cent now that u is learned
// without the matches), but not when the weak pair is all but ruled out.
func TestFieldsMergeOverWeakPair(t *testing.T) {
	o := fieldsSchema(t).Options()
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		weak float64
		one  bool
	}{{0.03, true}, {0.015, true}, {0.002, false}} {
		score := func(a, b int32) float64 {
			if a+b == 2 { // records 0 and 2
				return tc.weak
			}
			return 0.99
		}
		pairs := []ScoredPair{{A: 0, B: 1, Score: 0.99}, {A: 1, B: 2, Score: 0.99}}
		c := solveWith(3, score, pairs, solveOptions{threshold: o.Threshold, support: o.Support, minLink: o.MinLink, maxCluster: o.MaxCluster})
		if one := c[0] == c[2] && c[1] == c[2]; one != tc.one {
			t.Errorf("weak pair at %.3f: clusters %v, one cluster %v, want %v", tc.weak, c, one, tc.one)
		}
	}
}

// TestDateFrequency checks that agreement on a common date counts less than
// on a rare one, from the frequencies of the date segments in the
// encodings: two registrations with an assessed year of birth that many
// children share score lower than two with a year few share, and an exact
// date shared by many lower than a rare one.
func TestDateFrequency(t *testing.T) {
	s := fieldsSchema(t)
	rows := [][]string{
		{"x", "Ahmad", "Rahimi", "2015", "1", "m", "AF"}, {"x", "Ahmad", "Rahimi", "2015-03-14", "0", "m", "AF"}, // a common year
		{"x", "Ahmad", "Rahimi", "2007", "1", "m", "AF"}, {"x", "Ahmad", "Rahimi", "2007-03-14", "0", "m", "AF"}, // a rare year
		{"x", "Ahmad", "Rahimi", "2012-09-20", "0", "m", "AF"}, {"x", "Ahmad", "Rahimi", "2012-09-20", "0", "m", "AF"}, // a common date
		{"x", "Ahmad", "Rahimi", "2012-05-06", "0", "m", "AF"}, {"x", "Ahmad", "Rahimi", "2012-05-06", "0", "m", "AF"}, // a rare one
	}
	// Other children: a third born on one date, a third in 2015, the
	// rest spread over 2008-2016 (none in 2007).
	for i := range 6000 {
		var date string
		switch i % 3 {
		case 0:
			date = "2012-09-20"
		case 1:
			date = fmt.Sprintf("2015-%02d-%02d", 1+i%12, 2+i%27)
		default:
			date = fmt.Sprintf("%d-%02d-%02d", 2008+i%9, 1+i/9%12, 2+i/108%27)
		}
		rows = append(rows, []string{"x", fmt.Sprintf("Given%c%c%c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676), "Other", date, "0", "f", "SY"})
	}
	fs := encodeRows(t, s, rows...)
	m := builtinModelOn(t, s, fs)
	for _, tc := range []struct {
		what         string
		common, rare [2]int
		level        string
	}{
		{"assessed year", [2]int{0, 1}, [2]int{2, 3}, "estimated: same year"},
		{"exact date", [2]int{4, 5}, [2]int{6, 7}, "exact"},
	} {
		ex, err := m.Explain(fs[tc.common[0]], fs[tc.common[1]])
		if err != nil {
			t.Fatal(err)
		}
		if ex.Terms[1].Level != tc.level {
			t.Fatalf("%s: level %q, want %q", tc.what, ex.Terms[1].Level, tc.level)
		}
		common := m.Score(fs[tc.common[0]], fs[tc.common[1]])
		rare := m.Score(fs[tc.rare[0]], fs[tc.rare[1]])
		t.Logf("%s: common %.4f, rare %.4f", tc.what, common, rare)
		if !(rare > common) {
			t.Errorf("%s: a common one scores %v, a rare one %v", tc.what, common, rare)
		}
	}
}

// builtinModelOn returns the model of schema s with its built-in weights
// and the frequencies counted from the filters fs.
func builtinModelOn(t *testing.T, s *Schema, fs [][]uint64) *Model {
	t.Helper()
	set := dice.NewSet(len(fs[0]), len(fs))
	for _, f := range fs {
		set.Add(f)
	}
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	return m.WithFrequencies(set)
}

// TestNameFrequencyCloseLevels checks that the frequency of a name counts
// for pairs whose names agree closely but not exactly (a typing error): a
// common full name typed two ways scores lower than a rare one typed two
// ways, the family name and the dates being alike.
func TestNameFrequencyCloseLevels(t *testing.T) {
	s := fieldsSchema(t)
	rows := [][]string{
		{"x", "Konstantinos", "Papadopoulos", "2011-05-17", "0", "m", "GR"}, {"x", "Konstamtinos", "Papadopoulos", "2011-05-17", "0", "m", "GR"},
		{"x", "Athanasios", "Papadopoulos", "2011-05-17", "0", "m", "GR"}, {"x", "Athamasios", "Papadopoulos", "2011-05-17", "0", "m", "GR"},
	}
	for i := range 3000 {
		given := fmt.Sprintf("Given%c%c%c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676)
		if i%10 == 0 {
			given = "Konstantinos"
		}
		rows = append(rows, []string{"x", given, "Papadopoulos", fmt.Sprintf("%d-%02d-%02d", 2005+i%12, 1+i/12%12, 1+i/144%28), "0", "m", "GR"})
	}
	fs := encodeRows(t, s, rows...)
	m := builtinModelOn(t, s, fs)
	var levels []string
	for _, p := range [][2]int{{0, 1}, {2, 3}} {
		ex, err := m.Explain(fs[p[0]], fs[p[1]])
		if err != nil {
			t.Fatal(err)
		}
		levels = append(levels, ex.Terms[0].Level)
	}
	if levels[0] != levels[1] || !strings.HasPrefix(levels[0], "given close,") && !strings.HasPrefix(levels[0], "given similar,") {
		t.Fatalf("levels %q: the test needs one level, given close or similar", levels)
	}
	common, rare := m.Score(fs[0], fs[1]), m.Score(fs[2], fs[3])
	t.Logf("common name typed two ways %.4f, rare one %.4f", common, rare)
	if !(rare > common) {
		t.Errorf("a common name typed two ways scores %v, a rare one %v", common, rare)
	}
}

// TestWeightFromSkipsOnlyPairsBelow checks that scoring a candidate pair
// without its frequencies, when even the largest adjustment could not lift
// it to the review threshold, drops only pairs the full weight drops too,
// and keeps the full weight of the others.
func TestWeightFromSkipsOnlyPairsBelow(t *testing.T) {
	s := fieldsSchema(t)
	e, _ := encodeSynth(t, s, synth.Options{Children: 1500, Seed: 9, Preset: synth.PresetField})
	set := e.Set()
	m, err := Fit(set, s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	fs := m.fs
	rs := fs.recs(set)
	lv := make([]uint8, len(fs.c.feats))
	floor := logit(m.Options().Review)
	var skipped, kept int
	for i := range int32(set.Len()) {
		for j := i + 1; j < min(i+60, int32(set.Len())); j++ {
			a, b := rs.at(i), rs.at(j)
			fs.c.vector(a, b, lv)
			full := fs.weightLevels(a, b, lv, nil)
			w, ok := fs.weightFrom(a, b, lv, floor)
			switch {
			case !ok && full >= floor:
				t.Fatalf("pair %d, %d skipped at weight %v, the floor %v", i, j, full, floor)
			case ok && w != full:
				t.Fatalf("pair %d, %d: weight %v, the full weight %v", i, j, w, full)
			case ok:
				kept++
			default:
				skipped++
			}
		}
	}
	if skipped == 0 || kept == 0 {
		t.Errorf("skipped %d, kept %d: the test does not exercise both", skipped, kept)
	}
}
