package linkage

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Explanation is how a model scored one pair: the agreement level of each
// feature, its weight and frequency adjustment, and the resulting match
// probability. It is computed from the encodings alone and holds no value
// of either record, so the review screen and the hub may show it.
type Explanation struct {
	Prior       float64       `json:"prior"` // log2 prior odds, bits
	Terms       []ExplainTerm `json:"terms"`
	Weight      float64       `json:"weight"` // total match weight, bits
	Probability float64       `json:"probability"`
	Decision    string        `json:"decision"` // "match", "review" or "non-match" by the model's thresholds
}

// Explain scores filters a and b and says how. Only models of segmented
// schemas can explain a pair.
func (m *Model) Explain(a, b []uint64) (*Explanation, error) {
	if m.fs == nil {
		return nil, errs.E(errs.Invalid, "linkage: only encodings of a segmented schema can be explained field by field")
	}
	return m.explain(a, b, nil, nil)
}

// explain is Explain with the frequencies of a's and b's values given
// (nil: the model's own tables).
func (m *Model) explain(a, b []uint64, tfa, tfb []float32) (*Explanation, error) {
	if len(a) != m.Words() || len(b) != m.Words() {
		return nil, errs.E(errs.Invalid, "linkage: filters of the wrong length")
	}
	var pa, pb [maxFields]uint16
	lv := make([]uint8, len(m.fs.c.feats))
	e := &Explanation{Prior: m.fs.prior}
	ra, rb := m.fs.c.rec(a, pa[:]), m.fs.c.rec(b, pb[:])
	ra.tf, rb.tf = tfa, tfb
	e.Weight = m.fs.weight(ra, rb, lv, &e.Terms)
	e.Probability = prob(e.Weight)
	switch {
	case m.IsMatch(e.Probability):
		e.Decision = "match"
	case m.IsReview(e.Probability):
		e.Decision = "review"
	default:
		e.Decision = "non-match"
	}
	return e, nil
}

// Write prints the explanation as a table.
func (e *Explanation) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%-12s %-40s %8s %8s\n", "feature", "level", "weight", "freq"); err != nil {
		return err
	}
	fmt.Fprintf(w, "%-12s %-40s %+8.2f\n", "prior", "", e.Prior)
	for _, t := range e.Terms {
		fmt.Fprintf(w, "%-12s %-40s %+8.2f %+8.2f\n", t.Feature, t.Level, t.Weight, t.TF)
	}
	p := e.Probability
	_, err := fmt.Fprintf(w, "match weight %+.2f bits, probability %s: %s\n", e.Weight, formatProb(p), e.Decision)
	return err
}

// formatProb prints a probability with enough digits to tell 0.9999 from 1.
func formatProb(p float64) string {
	if p > 0.9999 && p < 1 {
		return fmt.Sprintf("1 - %.1e", 1-p)
	}
	if p < 1e-4 {
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.4f", math.Round(p*1e4)/1e4)
}

// Marshal returns the model's weights as JSON (a weights file): the m and u
// probabilities, the prior and the layout, nothing of any record. Nodes
// and the hub can share it to score with fixed weights.
func (m *Model) Marshal() ([]byte, error) {
	w := m.Weights()
	if w == nil {
		return nil, errs.E(errs.Invalid, "linkage: only models of segmented schemas have weights")
	}
	return json.MarshalIndent(w, "", " ")
}

// ReadWeights reads a weights file (Marshal).
func ReadWeights(r io.Reader) (*Weights, error) {
	dec := json.NewDecoder(io.LimitReader(r, 4<<20))
	dec.DisallowUnknownFields()
	var w Weights
	if err := dec.Decode(&w); err != nil || w.Format != WeightsFormat {
		return nil, errs.E(errs.Invalid, "not a linkage weights file")
	}
	if _, err := newFSModel(w); err != nil {
		return nil, err
	}
	return &w, nil
}

// LoadModel reads a weights file and returns its model with options o
// (thresholds); the layout is the file's.
func LoadModel(r io.Reader, o Options) (*Model, error) {
	w, err := ReadWeights(r)
	if err != nil {
		return nil, err
	}
	o.Layout, o.Weights = w.Layout, w
	return NewModel(w.Layout.Words, o)
}
