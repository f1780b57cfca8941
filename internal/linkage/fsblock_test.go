package linkage

import (
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// TestCandidatesByYear checks that comparing only the records born at most
// two years apart (candidatesByYear, for many records) keeps exactly the
// pairs that comparing every candidate (oneBlock, as below yearBlockMin
// records) keeps whose dates are not further apart, with the same scores.
func TestCandidatesByYear(t *testing.T) {
	s := fieldsSchema(t)
	e, _ := encodeSynth(t, s, synth.Options{Children: 3000, Seed: 7, Preset: synth.PresetField})
	set := e.Set()
	o := s.Options()
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	m, err := Fit(set, s.Layout(), o)
	if err != nil {
		t.Fatal(err)
	}
	m.opt.Review = o.Review
	fs := m.fs
	rs := fs.recs(set)

	// Every candidate compared in full.
	var full, near []ScoredPair
	lv := make([]uint8, len(fs.c.feats))
	date := slices.IndexFunc(fs.c.feats, func(f feature) bool { return f.kind == featDate })
	for _, p := range dice.SelfJoin(fs.c.blockSet(set), o.NameFloor, 2) {
		ra, rb := rs.at(p.A), rs.at(p.B)
		fs.c.vector(ra, rb, lv)
		pr := prob(fs.weight(ra, rb, lv, nil))
		if pr < o.Review {
			continue
		}
		sp := ScoredPair{A: p.A, B: p.B, Score: float32(pr)}
		full = append(full, sp)
		if lv[date] != dateDiffer && lv[date] != dateEstDiffer {
			near = append(near, sp)
		}
	}
	if len(near) == len(full) {
		t.Fatal("the test data have no pair born years apart above the review threshold")
	}
	if all := m.candidatesByYear(set, rs, oneBlock(set.Len()), 2); !slices.Equal(all, full) {
		t.Errorf("one block: %d pairs; every candidate in full: %d pairs, not the same", len(all), len(full))
	}
	yb := fs.yearBlocks(rs)
	if yb == nil || len(yb.start) < 4 {
		t.Fatal("no year buckets")
	}
	if byYear := m.candidatesByYear(set, rs, yb, 2); !slices.Equal(byYear, near) {
		t.Errorf("by year: %d pairs; the candidates born at most two years apart: %d pairs, not the same", len(byYear), len(near))
	}
}
