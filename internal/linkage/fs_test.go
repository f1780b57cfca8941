package linkage

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

func fieldsSchema(t testing.TB) *Schema {
	t.Helper()
	s, ok := BuiltinSchema("child-fields")
	if !ok {
		t.Fatal("no child-fields schema")
	}
	return s
}

// encodeRows encodes rows of the child columns under s.
func encodeRows(t *testing.T, s *Schema, rows ...[]string) [][]uint64 {
	t.Helper()
	enc, err := NewEncoder(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]uint64
	for _, r := range rows {
		f := make([]uint64, enc.Words())
		if err := enc.Encode(r, f); err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// TestFieldLevels checks the agreement levels of pairs written to show
// each kind of difference.
func TestFieldLevels(t *testing.T) {
	s := fieldsSchema(t)
	c := newComparer(s.Layout())
	base := []string{"x", "Ahmad", "Rahimi", "2009-03-14", "0", "m", "AF"}
	{
		fs := encodeRows(t, s, []string{"x", "Ahmad", "Rahimi", "2009-03-04", "0", "m", "AF"}, []string{"x", "Ahmad", "Rahimi", "2009-04-03", "0", "m", "AF"})
		var pa, pb [maxFields]uint16
		lv := make([]uint8, len(c.feats))
		c.vector(c.rec(fs[0], pa[:]), c.rec(fs[1], pb[:]), lv)
		if got := levelNames[featDate][lv[1]]; got != "day-month swapped" {
			t.Errorf("day-month swap: %s", got)
		}
	}
	for _, tc := range []struct {
		name      string
		row       []string
		name2     string // "given X, family Y"
		date, sex string
	}{
		{"identical", base, "given same, family same", "exact", "agree"},
		{"swapped names", []string{"x", "Rahimi", "Ahmad", "2009-03-14", "0", "m", "AF"}, "given same, family same", "exact", "agree"},
		{"impossible month: year only", []string{"x", "Ahmad", "Rahimi", "2009-14-03", "0", "m", "AF"}, "given same, family same", "estimated: same year", "agree"},
		{"month-day swap (valid)", []string{"x", "Ahmad", "Rahimi", "2009-03-14", "0", "", "AF"}, "given same, family same", "exact", "missing"},
		{"day off by two", []string{"x", "Ahmad", "Rahimi", "2009-03-16", "0", "f", "AF"}, "given same, family same", "1-2 days apart", "differ"},
		{"digits transposed", []string{"x", "Ahmad", "Rahimi", "2009-03-41", "0", "m", "AF"}, "given same, family same", "estimated: same year", "agree"},
		{"estimated, 1 July, a year off", []string{"x", "Ahmad", "Rahimi", "2008-07-01", "0", "m", "AF"}, "given same, family same", "estimated: year ±1", "agree"},
		{"bare year", []string{"x", "Ahmad", "Rahimi", "2011", "1", "m", "AF"}, "given same, family same", "estimated: year ±2", "agree"},
		{"missing date", []string{"x", "Ahmad", "Rahimi", "", "0", "m", "AF"}, "given same, family same", "missing", "agree"},
		{"whole name in one field", []string{"x", "Ahmad Rahimi", "", "2009-03-14", "0", "m", "AF"}, "one name field, whole name same", "exact", "agree"},
		{"whole name as the family name", []string{"x", "", "Ahmad Rahimi", "2009-03-14", "0", "m", "AF"}, "one name field, whole name same", "exact", "agree"},
		{"given name only", []string{"x", "Ahmad", "", "2009-03-14", "0", "m", "AF"}, "one name field, whole name similar", "exact", "agree"},
		{"family name only, transliterated", []string{"x", "", "Rakhimi", "2009-03-14", "0", "m", "AF"}, "one name field, whole name similar", "exact", "agree"},
		{"other child", []string{"x", "Fatima", "Haidari", "2012-11-02", "0", "f", "AF"}, "given differ, family differ", "differ", "differ"},
	} {
		fs := encodeRows(t, s, base, tc.row)
		var pa, pb [maxFields]uint16
		lv := make([]uint8, len(c.feats))
		c.vector(c.rec(fs[0], pa[:]), c.rec(fs[1], pb[:]), lv)
		got := []string{levelNames[featName][lv[0]], levelNames[featDate][lv[1]], levelNames[featExact][lv[2]]}
		want := []string{tc.name2, tc.date, tc.sex}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: levels %q, want %q", tc.name, got, want)
		}
	}
}

// TestFitAndScore fits a model on synthetic data and checks that it ranks
// the pairs sensibly, that Score, Explain and the index agree, and that the
// weights survive a round trip through a weights file.
func TestFitAndScore(t *testing.T) {
	s := fieldsSchema(t)
	e, ent := encodeSynth(t, s, synth.Options{Children: 1500, Seed: 5, Preset: synth.PresetField})
	set := e.Set()
	m, err := Fit(set, s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	w := m.Weights()
	if !(w.Prior > 0 && w.Prior < 0.5) {
		t.Fatalf("prior %v", w.Prior)
	}
	// Matches score higher than non-matches on average among candidates.
	var sm, su float64
	var nm, nu int
	for i := 0; i < set.Len(); i++ {
		for j := i + 1; j < min(i+40, set.Len()); j++ {
			p := m.Score(set.Filter(i), set.Filter(j))
			if ent[i] == ent[j] {
				sm, nm = sm+p, nm+1
			} else {
				su, nu = su+p, nu+1
			}
		}
	}
	if nm == 0 || sm/float64(nm) < 0.5 || su/float64(nu) > 0.05 {
		t.Errorf("mean probability of matches %.3f (%d), of non-matches %.3f (%d)", sm/float64(max(nm, 1)), nm, su/float64(nu), nu)
	}
	// Explain gives the same probability as Score.
	ex, err := m.Explain(set.Filter(0), set.Filter(1))
	if err != nil {
		t.Fatal(err)
	}
	if d := ex.Probability - m.Score(set.Filter(0), set.Filter(1)); math.Abs(d) > 1e-12 {
		t.Errorf("Explain %v, Score differs by %v", ex.Probability, d)
	}
	var buf bytes.Buffer
	if err := ex.Write(&buf); err != nil || !strings.Contains(buf.String(), "probability") {
		t.Errorf("explanation: %q, %v", buf.String(), err)
	}
	// Weights file round trip: the same scores.
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := LoadModel(bytes.NewReader(data), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	m2 = m2.WithFrequencies(set)
	for i := 0; i+1 < 200; i += 2 {
		a, b := set.Filter(i), set.Filter(i+1)
		if d := m.Score(a, b) - m2.Score(a, b); math.Abs(d) > 1e-9 {
			t.Fatalf("pair %d: loaded model scores %v off", i, d)
		}
	}
	if _, err := LoadModel(strings.NewReader(`{"format":"x"}`), Options{}); err == nil {
		t.Error("a bad weights file was accepted")
	}
	// The index finds what the model scores at or above the review
	// threshold among records with similar names.
	ix := NewIndex(m)
	for i := range set.Len() {
		if err := ix.Add(fmt.Sprint("r", i), set.Filter(i)); err != nil {
			t.Fatal(err)
		}
	}
	got := ix.Candidates(set.Filter(3), 0)
	if len(got) == 0 || got[0].Ref != "r3" {
		t.Fatalf("the record itself is not the best candidate: %v", got)
	}
	for _, c := range got {
		if c.Score < m.Options().Review {
			t.Errorf("candidate %s below the review threshold", c.Ref)
		}
	}
	if !ix.Remove("r3") || len(ix.Candidates(set.Filter(3), 0)) >= len(got) {
		t.Error("removing a record did not remove it from the candidates")
	}
}

// TestSegmentedSchemaErrors checks that a segmented schema is refused when
// its segments or comparisons do not fit.
func TestSegmentedSchemaErrors(t *testing.T) {
	base, err := fieldsSchema(t).MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"segments too long":       {`"filter_bits": 2048`, `"filter_bits": 1024`},
		"one field unsegmented":   {`"bits": 32`, `"bits": 0`},
		"unknown comparison kind": {`"kind": "date"`, `"kind": "dates"`},
		"xor fold":                {`"hardening": {}`, `"hardening": {"xor_fold": true}`},
	} {
		src := strings.Replace(string(base), edit[0], edit[1], 1)
		if src == string(base) {
			t.Fatalf("%s: edit did not apply", name)
		}
		if _, err := ParseSchema(strings.NewReader(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDefaultModel checks that NewModel with the child-fields layout (as the
// hub makes it from an encoding header) uses the built-in weights, not
// EM's starting values, and scores a record against itself as a match.
func TestDefaultModel(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	if w := m.Weights(); w.Prior == startWeights(s.Layout()).Prior {
		t.Fatal("the default model has EM's starting weights")
	}
	fs := encodeRows(t, s, []string{"x", "Ahmad", "Rahimi", "2009-03-14", "0", "m", "AF"}, []string{"x", "Fatima", "Haidari", "2012-11-02", "0", "f", "SY"})
	if p := m.Score(fs[0], fs[0]); !m.IsMatch(p) {
		t.Errorf("a record against itself: %v", p)
	}
	if p := m.Score(fs[0], fs[1]); m.IsReview(p) {
		t.Errorf("two different children: %v", p)
	}
}

// TestFitSameOnAnyWorkers: the candidate pairs are compared on several
// goroutines; the weights learned must not depend on how many (floating-
// point sums in another order would move them in the last bits, and with
// them an occasional decision).
func TestFitSameOnAnyWorkers(t *testing.T) {
	s, _ := BuiltinSchema("child-fields")
	e, _ := encodeSynth(t, s, synth.Options{Children: 3000, Seed: 7, Preset: synth.PresetField})
	var first []byte
	for _, workers := range []int{1, 2, 5} {
		o := s.Options()
		o.Workers = workers
		m, err := Fit(e.Set(), s.Layout(), o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Errorf("weights learned on %d workers differ from those on 1", workers)
		}
	}
}
