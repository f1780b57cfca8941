package linkage

import (
	"fmt"
	"math"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestIndexScoreFrequencies checks that the index scores a pair with the
// frequencies it counts, the same whether the pair is found (Candidates)
// or scored on its own (Score, as the hub judges a cluster), and that a
// full name many indexed records share counts less than a rare one.
func TestIndexScoreFrequencies(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	row := func(given, family, dob string) {
		rows = append(rows, []string{fmt.Sprint("r", len(rows)), given, family, dob, "0", "m", "AF"})
	}
	// Ahmad Rahimi: 60 registrations, born in many years.
	for i := range 60 {
		row("Ahmad", "Rahimi", fmt.Sprintf("%d-01-01", 2000+i%15))
	}
	// Others with other names: frequencies are shares of the records, and
	// in a few hundred every name is common next to the mean the built-in
	// weights learned on 42,000 (docs/linkage.md, Incremental use).
	for i := range 3000 {
		row(fmt.Sprint("Karim", string(rune('a'+i%26)), string(rune('a'+i/26%26)), string(rune('a'+i/676))),
			fmt.Sprint("Nazari", string(rune('a'+i%7)), string(rune('a'+i/7%26))), "")
	}
	row("Ahmad", "Rahimi", "2008-01-01")       // common name, assessed year 2008
	row("Ahmad", "Rahimi", "2008-01-01")       // and again
	row("Samiullah", "Qaderyar", "2008-01-01") // a rare name, same dates
	row("Samiullah", "Qaderyar", "2008-01-01")
	fs := encodeRows(t, s, rows...)
	ix := NewIndex(m)
	for i, f := range fs {
		if err := ix.Add(fmt.Sprint("r", i), f); err != nil {
			t.Fatal(err)
		}
	}
	n := len(fs)
	common := ix.Score(fs[n-4], fs[n-3])
	rare := ix.Score(fs[n-2], fs[n-1])
	if !(rare > common) {
		t.Errorf("in the index, a full name 62 records share scores %.4f, one 2 share %.4f", common, rare)
	}
	if plain := m.Score(fs[n-2], fs[n-1]); !(rare > plain) {
		t.Errorf("a rare full name scores %.4f with the index's frequencies, %.4f without", rare, plain)
	}
	ex, err := ix.Explain(fs[n-4], fs[n-3])
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ex.Probability-common) > 1e-12 || ex.Terms[0].TF >= 0 {
		t.Errorf("explanation: probability %v (score %v), name adjustment %+.2f bits", ex.Probability, common, ex.Terms[0].TF)
	}
	// Found or scored alone: the same probability.
	for _, q := range []int{0, n - 4, n - 2, 70, 2000} {
		for _, c := range ix.Candidates(fs[q], 0) {
			var i int
			fmt.Sscanf(c.Ref, "r%d", &i)
			if d := c.Score - ix.Score(fs[q], fs[i]); math.Abs(d) > 1e-12 {
				t.Fatalf("record %d, candidate %s: found at %v, scored at %v", q, c.Ref, c.Score, c.Score-d)
			}
		}
	}
}

// TestWithFrequenciesOwnMean checks that fixed weights (link --weights,
// the built-in ones) compare a name's frequency with the mean of the
// records at hand, not with the mean the weights were learned on: among
// a few thousand records with mostly unique names and one common one, a
// full name two records share is rare, and counts for the pair.
func TestWithFrequenciesOwnMean(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for i := range 3000 {
		rows = append(rows, []string{fmt.Sprint("r", i), fmt.Sprint("Karim", string(rune('a'+i%26)), string(rune('a'+i/26%26)), string(rune('a'+i/676))),
			fmt.Sprint("Nazari", string(rune('a'+i%7)), string(rune('a'+i/7%26))), "", "0", "m", "AF"})
	}
	for i := range 60 {
		rows = append(rows, []string{fmt.Sprint("a", i), "Ahmad", "Rahimi", fmt.Sprintf("%d-01-01", 2000+i%15), "0", "m", "AF"})
	}
	rows = append(rows, []string{"x", "Samiullah", "Qaderyar", "2008-01-01", "0", "m", "AF"}, []string{"y", "Samiullah", "Qaderyar", "2008-01-01", "0", "m", "AF"})
	fs := encodeRows(t, s, rows...)
	set := dice.NewSet(len(fs[0]), len(fs))
	for _, f := range fs {
		set.Add(f)
	}
	n := len(fs)
	plain := m.Score(fs[n-2], fs[n-1])
	counted := m.WithFrequencies(set).Score(fs[n-2], fs[n-1])
	if !(counted > plain) {
		t.Errorf("a full name 2 of %d records share scores %.4f with the records' frequencies, %.4f without", n, counted, plain)
	}
}

// TestNameBag: the bag the hub's LSH keys a record by holds its names and
// nothing else, whichever field each was written in; a record-level model
// has none.
func TestNameBag(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	fs := encodeRows(t, s,
		[]string{"a", "Ahmad", "Rahimi", "2008-03-01", "0", "m", "AF"},
		[]string{"b", "Rahimi", "Ahmad", "", "0", "", ""}, // swapped, nothing else
		[]string{"c", "Samiullah", "Qaderyar", "2008-03-01", "0", "m", "AF"},
	)
	a, b, c := m.NameBag(fs[0], nil), m.NameBag(fs[1], nil), m.NameBag(fs[2], nil)
	if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("the same names in other fields, without date, sex or citizenship: bags %v and %v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("other names, the same bag")
	}
	clk, _ := BuiltinSchema("child-clk")
	rm, err := NewModel(clk.EncodedBits()/64, clk.Options())
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasNameBag() || rm.HasNameBag() {
		t.Errorf("HasNameBag: field-level %v, record-level %v", m.HasNameBag(), rm.HasNameBag())
	}
	if got := rm.NameBag(make([]uint64, clk.EncodedBits()/64), nil); got != nil {
		t.Errorf("a record-level model's bag: %v", got)
	}
}

// TestIndexProber checks that Prober, which the hub's LSH filter scores
// its records with, agrees with Candidates record for record: the same
// probability where Candidates finds a record, below the review threshold
// where it does not, names below the floor included.
func TestIndexProber(t *testing.T) {
	s := fieldsSchema(t)
	m, err := NewModel(s.EncodedBits()/64, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	e, _ := encodeSynth(t, s, synth.Options{Children: 1500, Seed: 3, Preset: synth.PresetField})
	ix := NewIndex(m)
	set := e.Set()
	for i := range set.Len() {
		if err := ix.Add(e.IDs[i], set.Filter(i)); err != nil {
			t.Fatal(err)
		}
	}
	var found, floored int
	for q := 0; q < set.Len(); q += 37 {
		f := set.Filter(q)
		want := map[string]float64{}
		for _, c := range ix.Candidates(f, 0) {
			want[c.Ref] = c.Score
		}
		probe := ix.Prober(f)
		for i := range set.Len() {
			g := set.Filter(i)
			got := probe(g)
			w, ok := want[e.IDs[i]]
			switch {
			case ok && got != w:
				t.Fatalf("record %d against %d: Prober %.6f, Candidates %.6f", i, q, got, w)
			case !ok && m.IsReview(got):
				t.Fatalf("record %d against %d: Prober %.6f, not among the candidates", i, q, got)
			case ok:
				found++
			case got == 0 && m.IsReview(ix.Score(f, g)):
				floored++ // scores enough, but its names are below the floor
			}
		}
	}
	t.Logf("%d candidates found alike; %d records left out by the name floor that would score enough", found, floored)
	if found == 0 || floored == 0 {
		t.Fatal("the data exercise neither the candidates nor the name floor")
	}
}
