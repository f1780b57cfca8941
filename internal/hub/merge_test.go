package hub_test

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestMergeClusters: a record that joins one cluster and has a pair at
// the match threshold with another merges the two when every cross pair
// together admits it, as the batch solver merges clusters; Poland's
// registration, alone while Sweden's and Denmark's formed a cluster (its
// day three days off), is one child with them once Finland's arrives
// between the dates.
func TestMergeClusters(t *testing.T) {
	pl := child("PL", "1", "2009-03-17", false)
	se, dk := child("SE", "1", "2009-03-14", false), child("DK", "1", "2009-03-14", false)
	fi := child("FI", "1", "2009-03-16", false)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
		h := fieldsHub(t, db, enc, 0)
		m := h.Model()
		if s := score(t, h, enc, pl, se); m.IsMatch(s) {
			t.Fatalf("Poland and Sweden score %.3f: the test needs them below the match threshold", s)
		}
		cross := []float64{score(t, h, enc, pl, se), score(t, h, enc, pl, dk), score(t, h, enc, fi, se), score(t, h, enc, fi, dk)}
		if !m.IsMatch(score(t, h, enc, fi, se)) || !m.CanMerge(cross, 4) {
			t.Fatalf("cross scores %v: the test needs Finland to match Sweden and the clusters to merge", cross)
		}
		place(t, h, enc, pl, se, dk)
		if c := clusterOf(t, db, se); c == 0 || clusterOf(t, db, dk) != c || clusterOf(t, db, pl) != 0 {
			t.Fatalf("before Finland: Poland in %d, Sweden in %d, Denmark in %d; want Poland alone", clusterOf(t, db, pl), c, clusterOf(t, db, dk))
		}
		place(t, h, enc, fi)
		c := clusterOf(t, db, fi)
		if c == 0 || clusterOf(t, db, pl) != c || clusterOf(t, db, se) != c || clusterOf(t, db, dk) != c {
			t.Fatalf("after Finland: PL %d, SE %d, DK %d, FI %d; want one cluster", clusterOf(t, db, pl), clusterOf(t, db, se), clusterOf(t, db, dk), c)
		}
		// Every pair of countries is notified once: Poland and Finland
		// with each other and with Sweden and Denmark, Sweden and Denmark
		// with each other.
		for country, want := range map[string]int{"PL": 3, "FI": 3, "SE": 3, "DK": 3} {
			if n := len(hits(t, h, country)); n != want {
				t.Errorf("%s has %d hit notices, want %d", country, n, want)
			}
		}
	})
}
