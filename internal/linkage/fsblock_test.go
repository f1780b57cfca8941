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

// TestResolveUndated checks the two rules for records without a full date
// of birth after clustering: an undated record with a strong pair into
// another cluster's dated record leaves its cluster, and a record without
// a full date alone whose pairs all lead into one cluster joins it from
// undatedLow.
func TestResolveUndated(t *testing.T) {
	o := solveOptions{threshold: 0.45, support: undatedSupport, minLink: 0.01, maxCluster: 64}
	tests := []struct {
		name     string
		cluster  []int32
		undated  []int32
		yearOnly []int32
		pairs    []ScoredPair
		want     []int32
	}{
		{"ambiguous between two clusters",
			[]int32{0, 0, 0, 1, 1}, []int32{2}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.9}, {A: 2, B: 3, Score: 0.6}, {A: 3, B: 4, Score: 0.9}},
			[]int32{0, 0, -1, 1, 1}},
		{"the other cluster's record undated too",
			[]int32{0, 0, 0, 1, 1}, []int32{2, 3}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.9}, {A: 2, B: 3, Score: 0.6}, {A: 3, B: 4, Score: 0.9}},
			[]int32{0, 0, 0, 1, 1}},
		{"the other pair below the threshold",
			[]int32{0, 0, 0, 1, 1}, []int32{2}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.9}, {A: 2, B: 3, Score: 0.4}, {A: 3, B: 4, Score: 0.9}},
			[]int32{0, 0, 0, 1, 1}},
		{"a single candidate cluster",
			[]int32{0, 0, -1}, []int32{2}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.35}, {A: 1, B: 2, Score: 0.3}},
			[]int32{0, 0, 0}},
		{"a single candidate too weak",
			[]int32{0, 0, -1}, []int32{2}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.25}, {A: 1, B: 2, Score: 0.25}},
			[]int32{0, 0, -1}},
		{"two candidate clusters",
			[]int32{0, 0, -1, 1, 1}, []int32{2}, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.35}, {A: 2, B: 3, Score: 0.3}, {A: 3, B: 4, Score: 0.9}},
			[]int32{0, 0, -1, 1, 1}},
		{"a year only: no ambiguity",
			[]int32{0, 0, 0, 1, 1}, nil, []int32{2},
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.9}, {A: 2, B: 3, Score: 0.6}, {A: 3, B: 4, Score: 0.9}},
			[]int32{0, 0, 0, 1, 1}},
		{"a year only: a single candidate cluster",
			[]int32{0, 0, -1}, nil, []int32{2},
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.35}, {A: 1, B: 2, Score: 0.3}},
			[]int32{0, 0, 0}},
		{"a full date: no second look",
			[]int32{0, 0, -1}, nil, nil,
			[]ScoredPair{{A: 0, B: 1, Score: 0.9}, {A: 0, B: 2, Score: 0.35}, {A: 1, B: 2, Score: 0.3}},
			[]int32{0, 0, -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pairs := slices.Clone(tc.pairs)
			score := func(a, b int32) float64 {
				for _, p := range pairs {
					if p.A == min(a, b) && p.B == max(a, b) {
						return float64(p.Score)
					}
				}
				return 0
			}
			known := func(r int32) int {
				switch {
				case slices.Contains(tc.undated, r):
					return knownNone
				case slices.Contains(tc.yearOnly, r):
					return knownYear
				}
				return knownFull
			}
			got := resolveUndated(slices.Clone(tc.cluster), pairs, known, score, o)
			if !slices.Equal(got, tc.want) {
				t.Errorf("clusters %v, want %v", got, tc.want)
			}
			for _, p := range pairs {
				if match := got[p.A] >= 0 && got[p.A] == got[p.B]; match != (p.Decision == Match) {
					t.Errorf("pair %d-%d: decision %v, clusters %d and %d", p.A, p.B, p.Decision, got[p.A], got[p.B])
				}
			}
		})
	}
}
