package linkage

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

func randomFilter(r *rand.Rand, words int, density float64) []uint64 {
	f := make([]uint64, words)
	for b := range words * 64 {
		if r.Float64() < density {
			f[b/64] |= 1 << (b % 64)
		}
	}
	return f
}

// TestIndexAgreesWithModel checks that the index finds exactly the records a
// brute-force scoring with the model finds, through adds, replacements and
// removals.
func TestIndexAgreesWithModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m, err := NewModel(16, Options{Threshold: 0.8, Review: 0.6, Asymmetry: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(m)
	want := map[string][]uint64{}
	base := randomFilter(r, 16, 0.3)
	for i := range 300 {
		f := randomFilter(r, 16, 0.3)
		if i%3 == 0 { // near copies of base, so that some candidates exist
			f = append([]uint64(nil), base...)
			f[r.IntN(16)] ^= 1 << r.IntN(64)
		}
		ref := fmt.Sprint("r", i%250) // the last 50 replace earlier refs
		if err := ix.Add(ref, f); err != nil {
			t.Fatal(err)
		}
		want[ref] = f
	}
	for i := 0; i < 250; i += 7 {
		ref := fmt.Sprint("r", i)
		if !ix.Remove(ref) {
			t.Fatalf("Remove(%s) = false", ref)
		}
		delete(want, ref)
	}
	if ix.Remove("r0") {
		t.Fatal("second Remove reported true")
	}
	if ix.Len() != len(want) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(want))
	}
	got := ix.Candidates(base, 0)
	n := 0
	for ref, f := range want {
		if s := m.Score(base, f); s >= m.Options().Review && dice.Dice(base, f) >= DefaultBlockFloor {
			n++
			found := false
			for _, c := range got {
				if c.Ref == ref {
					found = true
					if diff := c.Score - s; diff > 1e-9 || diff < -1e-9 {
						t.Errorf("%s: index score %v, model %v", ref, c.Score, s)
					}
				}
			}
			if !found {
				t.Errorf("%s (score %v) not among the candidates", ref, s)
			}
		}
	}
	if n != len(got) || n == 0 {
		t.Fatalf("%d candidates, want %d (>0)", len(got), n)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Fatal("candidates not best first")
		}
	}
}

func TestModelCanJoin(t *testing.T) {
	m, err := NewModel(16, Options{Threshold: 0.8, Review: 0.7, MaxCluster: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scores []float64
		want   bool
	}{
		{nil, true},
		{[]float64{0.9}, true},
		{[]float64{0.95, 0.69}, false}, // one pair below MinLink
		{[]float64{0.85, 0.72}, false}, // mean below Support
		{[]float64{0.9, 0.9, 0.9}, false},
	} {
		if got := m.CanJoin(tc.scores); got != tc.want {
			t.Errorf("CanJoin(%v) = %v, want %v", tc.scores, got, tc.want)
		}
	}
}

// TestModelCanMerge: two clusters merge on the solver's rule over every
// cross pair, within the largest cluster.
func TestModelCanMerge(t *testing.T) {
	m, err := NewModel(16, Options{Threshold: 0.8, Review: 0.7, MaxCluster: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scores []float64
		size   int
		want   bool
	}{
		{[]float64{0.9, 0.75, 0.9, 0.75}, 4, true},    // mean 0.825
		{[]float64{0.95, 0.69, 0.95, 0.95}, 4, false}, // one pair below MinLink
		{[]float64{0.9, 0.9, 0.9, 0.9, 0.9, 0.9}, 5, false},
		{[]float64{0.85, 0.75, 0.8, 0.75}, 4, false}, // mean 0.7875
	} {
		if got := m.CanMerge(tc.scores, tc.size); got != tc.want {
			t.Errorf("CanMerge(%v, %d) = %v, want %v", tc.scores, tc.size, got, tc.want)
		}
	}
}
