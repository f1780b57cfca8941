package linkage

import (
	"fmt"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestLinkFixedWeights checks that Link scores with weights it is given
// (link --weights) instead of learning new ones: weights whose prior makes
// every pair improbable leave no pair to review and no cluster.
func TestLinkFixedWeights(t *testing.T) {
	s := fieldsSchema(t)
	e, _ := encodeSynth(t, s, synth.Options{Children: 1000, Seed: 5, Preset: synth.PresetField})
	set := e.Set()
	learned, err := Link(set, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	if learned.Clusters == 0 {
		t.Fatal("the learned model found no cluster")
	}
	w := learned.Model.Weights()
	w.Prior = 1e-12
	o := s.Options()
	o.Weights = w
	fixed, err := Link(set, o)
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Clusters != 0 || len(fixed.Pairs) != 0 {
		t.Errorf("with a prior of 1e-12: %d clusters, %d pairs; the weights were not used", fixed.Clusters, len(fixed.Pairs))
	}
	if got := fixed.Model.Weights().Prior; got != 1e-12 {
		t.Errorf("the link's model has prior %v", got)
	}
}

// TestFullNameFrequency checks the frequency adjustment of a full name:
// two records agreeing on a full name that many records share score lower
// than two agreeing on a full name no other record has, although each part
// of the common name is as frequent as the parts of the rare one.
func TestFullNameFrequency(t *testing.T) {
	s := fieldsSchema(t)
	var rows [][]string
	row := func(given, family string) {
		rows = append(rows, []string{fmt.Sprint("r", len(rows)), given, family, "", "0", "m", "AF"})
	}
	// Ahmad Rahimi 40 times; Karim and Sultani each more often, but
	// together only in the pair to score.
	for range 40 {
		row("Ahmad", "Rahimi")
	}
	for i := range 45 {
		row("Karim", fmt.Sprint("Nazari", string(rune('a'+i%26)), string(rune('a'+i/26))))
		row(fmt.Sprint("Jawad", string(rune('a'+i%26)), string(rune('a'+i/26))), "Sultani")
	}
	row("Karim", "Sultani")
	row("Karim", "Sultani")
	// Candidate pairs that agree on other full names, so that the mean
	// frequency of an agreeing full name is learned from more than one name.
	for i := range 30 {
		n := fmt.Sprint("Yasin", string(rune('a'+i%26)), string(rune('a'+i/26)))
		row(n, "Haidari")
		row(n, "Haidari")
	}
	fs := encodeRows(t, s, rows...)
	set := dice.NewSet(len(fs[0]), len(fs))
	for _, f := range fs {
		set.Add(f)
	}
	m, err := Fit(set, s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	if w := m.Weights(); len(w.TFJoint) == 0 || w.TFJoint[0] <= 0 {
		t.Fatalf("no mean frequency of full names learned: %v", w.TFJoint)
	}
	common := m.Score(fs[0], fs[1])
	rare := m.Score(fs[len(fs)-62], fs[len(fs)-61])
	if !(rare > common) {
		t.Errorf("a full name 40 records share scores %.4f, one 2 records share %.4f", common, rare)
	}
	ex, err := m.Explain(fs[0], fs[1])
	if err != nil {
		t.Fatal(err)
	}
	if ex.Terms[0].TF >= 0 {
		t.Errorf("the common full name gains %+.2f bits", ex.Terms[0].TF)
	}
}
