package hub

import (
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
)

// explain returns how the model scores a and b, for the notice of a
// "possible" hit: the review screen shows it to the officer who must judge
// the pair. A model of a record-level schema (child) cannot explain a pair
// field by field: nil, and the hit goes out as it always did.
func (s *Service) explain(a, b *Record) (*exchange.Explanation, error) {
	if s.model.Weights() == nil {
		return nil, nil
	}
	fa, err := s.words(a.Filter)
	if err != nil {
		return nil, err
	}
	fb, err := s.words(b.Filter)
	if err != nil {
		return nil, err
	}
	// With the index's frequencies and prior, as the pair was scored.
	explain := s.model.Explain
	if ki := s.indexOf(a.KeyID); ki != nil {
		explain = ki.ix.Explain
	}
	e, err := explain(fa, fb)
	if err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			return nil, nil
		}
		return nil, err
	}
	return wireExplanation(e), nil
}

// wireExplanation copies a linkage explanation into its wire form.
func wireExplanation(e *linkage.Explanation) *exchange.Explanation {
	w := &exchange.Explanation{Prior: e.Prior, Weight: e.Weight, Probability: e.Probability, Decision: e.Decision,
		Terms: make([]exchange.ExplainTerm, len(e.Terms))}
	for i, t := range e.Terms {
		w.Terms[i] = exchange.ExplainTerm{Feature: t.Feature, Level: t.Level, Weight: t.Weight, TF: t.TF}
	}
	return w
}
