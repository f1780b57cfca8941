package linkage

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

// blocks returns a 1024-bit filter with the bit ranges [lo, hi) set.
func blocks(ranges ...[2]int) []uint64 {
	f := make([]uint64, 16)
	for _, r := range ranges {
		for i := r[0]; i < r[1]; i++ {
			f[i/64] |= 1 << (i % 64)
		}
	}
	return f
}

func TestSolveDoesNotChainTwins(t *testing.T) {
	// Twins A and B share family name (bits 0-99) and date of birth
	// (100-149) and differ in given name (200-299 vs 300-399). C is another
	// registration of A whose given name was mistyped towards B's.
	fam, dob := [2]int{0, 100}, [2]int{100, 150}
	set := dice.NewSet(16, 8)
	set.Add(blocks(fam, dob, [2]int{200, 300}))                   // 0: twin A
	set.Add(blocks(fam, dob, [2]int{300, 400}))                   // 1: twin B
	set.Add(blocks(fam, dob, [2]int{200, 260}, [2]int{300, 340})) // 2: C, A again
	// An unrelated child registered in three countries.
	set.Add(blocks([2]int{500, 700}))                   // 3
	set.Add(blocks([2]int{505, 700}))                   // 4
	set.Add(blocks([2]int{500, 690}, [2]int{700, 705})) // 5
	// Someone alone.
	set.Add(blocks([2]int{800, 900})) // 6

	if d := dice.Dice(set.Filter(1), set.Filter(2)); d < 0.75 {
		t.Fatalf("test set-up: B–C Dice %.2f should be a match at 0.75", d)
	}
	res, err := Link(set, Options{Threshold: 0.75, Review: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cluster
	if c[0] < 0 || c[0] != c[2] {
		t.Errorf("A and C not clustered: %v", c)
	}
	if c[1] >= 0 {
		t.Errorf("twin B was chained into a cluster: %v", c)
	}
	if c[3] < 0 || c[3] != c[4] || c[4] != c[5] || c[3] == c[0] {
		t.Errorf("the three registrations of one child are not one cluster: %v", c)
	}
	if c[6] != -1 || res.Clusters != 2 {
		t.Errorf("clusters %v (%d)", c, res.Clusters)
	}
	// B–C is a match by score but the solver refused it: it is for review,
	// with its score kept.
	found := false
	for _, p := range res.Pairs {
		if p.A == 1 && p.B == 2 {
			found = true
			if p.Decision != Review || p.Score < 0.75 {
				t.Errorf("B–C: %+v", p)
			}
		}
		if p.A == 0 && p.B == 2 && p.Decision != Match {
			t.Errorf("A–C: %+v", p)
		}
	}
	if !found {
		t.Error("B–C pair not reported")
	}
	if res.Reviews() < 2 { // A–B (0.6) and B–C
		t.Errorf("reviews = %d", res.Reviews())
	}
	// Naive transitive closure would have chained them: the test means
	// something.
	if m := Evaluate(c, []string{"a", "b", "a", "x", "x", "x", "y"}); m.Precision != 1 || m.Recall != 1 {
		t.Errorf("metrics %v", m)
	}
}

func TestSolveMaxCluster(t *testing.T) {
	set := dice.NewSet(16, 8)
	for range 5 {
		set.Add(blocks([2]int{0, 300}))
	}
	res, err := Link(set, Options{MaxCluster: 3})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int32]int{}
	for _, c := range res.Cluster {
		if c >= 0 {
			sizes[c]++
		}
	}
	for c, n := range sizes {
		if n > 3 {
			t.Errorf("cluster %d has %d records", c, n)
		}
	}
}

func TestLinkOptions(t *testing.T) {
	set := dice.NewSet(16, 1)
	for _, o := range []Options{{Threshold: 1.5}, {Threshold: 0.8, Review: 0.9}, {Support: -1}, {MaxCluster: 1}} {
		if _, err := Link(set, o); err == nil {
			t.Errorf("Link(%+v) accepted", o)
		}
	}
}

func TestEvaluate(t *testing.T) {
	// Clusters {0,1,2} {3,4}; truth {0,1} {2,3,4} {5}; 6 unknown.
	cl := []int32{0, 0, 0, 1, 1, -1, 0}
	ent := []string{"a", "a", "b", "b", "b", "c", ""}
	m := Evaluate(cl, ent)
	// Predicted pairs (known records): 01 02 12 34 = 4; true pairs: 01 23 24 34 = 4; TP 01 34 = 2.
	if m.TruePositives != 2 || m.FalsePositives != 2 || m.FalseNegatives != 2 || m.Precision != 0.5 || m.Recall != 0.5 || m.F1 != 0.5 {
		t.Errorf("Evaluate = %+v", m)
	}
	if m := Evaluate([]int32{-1, -1}, []string{"a", "b"}); m.F1 != 0 || m.Precision != 0 {
		t.Errorf("empty: %+v", m)
	}
}
