package linkage

import (
	"math"
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
