package linkage

import (
	"cmp"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestForPopulation checks that weights learned on one population and used
// on a smaller one carry their prior and mean frequencies over: nearer
// what the smaller population teaches itself than the weights were, and
// unchanged on the population they were learned on.
func TestForPopulation(t *testing.T) {
	s := fieldsSchema(t)
	big, _ := encodeSynth(t, s, synth.Options{Children: 4000, Seed: 11, Preset: synth.PresetField})
	small, _ := encodeSynth(t, s, synth.Options{Children: 400, Seed: 12, Preset: synth.PresetField})
	learned, err := Fit(big.Set(), s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	own, err := Fit(small.Set(), s.Layout(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	w := learned.Weights()
	if len(w.TFPairs) == 0 || len(w.TFShared) == 0 {
		t.Fatalf("Fit recorded no statistics of its records: %v %v", w.TFPairs, w.TFShared)
	}
	fixed, err := NewModel(small.Words, Options{Layout: s.Layout(), Weights: w, Threshold: s.Threshold, Review: s.Review})
	if err != nil {
		t.Fatal(err)
	}
	logit := func(p float64) float64 { return math.Log2(p / (1 - p)) }
	carried := fixed.WithFrequencies(small.Set()).Weights()
	dLearned := math.Abs(logit(w.Prior) - logit(own.Weights().Prior))
	dCarried := math.Abs(logit(carried.Prior) - logit(own.Weights().Prior))
	if !(carried.Prior > w.Prior && dCarried < dLearned/2) {
		t.Errorf("prior learned on 4,000 children %.4f, carried to 400 %.4f, learned on them %.4f", w.Prior, carried.Prior, own.Weights().Prior)
	}
	if !(carried.TFJoint[0] > w.TFJoint[0]) {
		t.Errorf("the mean full name's frequency among 400 children %.5f, among 4,000 %.5f", carried.TFJoint[0], w.TFJoint[0])
	}
	// On its own records, the same model.
	again := fixed.WithFrequencies(big.Set()).Weights()
	if again.Prior != w.Prior || again.TFJoint[0] != w.TFJoint[0] || again.TFMean[1] != w.TFMean[1] {
		t.Errorf("carried over to the records it was learned on: prior %v, %v; full name %v, %v", again.Prior, w.Prior, again.TFJoint[0], w.TFJoint[0])
	}
	// And carried over twice, as once.
	twice := fixedModel(t, small.Words, s, carried).WithFrequencies(small.Set()).Weights()
	if math.Abs(twice.Prior-carried.Prior) > 1e-12 || math.Abs(twice.TFJoint[0]-carried.TFJoint[0]) > 1e-15 {
		t.Errorf("carried over twice: prior %v against %v", twice.Prior, carried.Prior)
	}
}

// fixedModel returns the model of weights w for filters of schema s.
func fixedModel(t *testing.T, words int, s *Schema, w *Weights) *Model {
	t.Helper()
	m, err := NewModel(words, Options{Layout: s.Layout(), Weights: w, Threshold: s.Threshold, Review: s.Review})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCarriedWeightsFigures prints the figures of docs/linkage.md
// ("Weights carried over to other records"): F1 with the built-in
// weights and with weights learned on the spot, field preset, seed 2:
//
//	CHILDCENTRE_CARRIED=100,1000,2000,5000,20000 go test -run CarriedWeightsFigures -v ./internal/linkage/
//
// (CHILDCENTRE_CARRIED_PRESET for another preset).
func TestCarriedWeightsFigures(t *testing.T) {
	sizes := os.Getenv("CHILDCENTRE_CARRIED")
	if sizes == "" {
		t.Skip("set CHILDCENTRE_CARRIED to numbers of children to print the built-in weights' F1 against learned ones")
	}
	s := fieldsSchema(t)
	preset := cmp.Or(os.Getenv("CHILDCENTRE_CARRIED_PRESET"), synth.PresetField)
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("CHILDCENTRE_CARRIED: %q is not a number of children", f)
		}
		e, ent := encodeSynth(t, s, synth.Options{Children: n, Seed: 2, Preset: preset})
		builtin, err := NewModel(e.Words, s.Options())
		if err != nil {
			t.Fatal(err)
		}
		o := s.Options()
		o.Model = builtin
		fixed, err := Link(e.Set(), o)
		if err != nil {
			t.Fatal(err)
		}
		learned, err := Link(e.Set(), s.Options())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s, %d children (%d records): built-in weights %v; learned %v", preset, n, e.Len(),
			Evaluate(fixed.Cluster, ent), Evaluate(learned.Cluster, ent))
	}
}
