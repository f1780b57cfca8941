package hub_test

import (
	"context"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// fieldsHub returns a hub for child-fields encodings, scored by the
// built-in weights without their name frequencies and without the
// statistics that carry the prior over to the index, so that the index's
// scores and the model's are the same whatever the index's size (a name
// in a handful of records is common to the frequency adjustment), and
// with the prior's odds times 2^shift: at 1, an undated record agreeing on
// every name reaches the match threshold, as one with a rare name does in
// a large index.
func fieldsHub(t *testing.T, db *store.DB, enc *hubtest.Encoder, shift float64) *hub.Service {
	t.Helper()
	o := hubtest.FieldsSchema(t).Options()
	m, err := linkage.NewModel(enc.Words(), o)
	if err != nil {
		t.Fatal(err)
	}
	w := *m.Weights()
	w.TFMean, w.TFJoint = make([]float64, len(w.TFMean)), nil
	w.TFPairs, w.TFShared = nil, nil // nor the prior carried over to the index (linkage/population.go)
	odds := w.Prior / (1 - w.Prior) * math.Exp2(shift)
	w.Prior = odds / (1 + odds)
	o.Weights = &w
	return newHub(t, db, enc, func(c *hub.Config) { c.Options = o })
}

// child is a registration of a child named Ahmad Rahimi in country, born
// on dob (estimated or not; "" none).
func child(country, id, dob string, estimated bool) synth.Record {
	return synth.Record{ID: country + "-" + id, Country: country, GivenName: "Ahmad", FamilyName: "Rahimi", Sex: "m",
		DateOfBirth: dob, DOBEstimated: estimated, Citizenship: "AF", Registered: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
}

// place uploads rs one at a time, each matched before the next arrives.
func place(t *testing.T, h *hub.Service, enc *hubtest.Encoder, rs ...synth.Record) {
	t.Helper()
	for _, r := range rs {
		if res := accept(t, h, r.Country, enc.Upsert(t, "m-"+r.ID, r, true)); res[0].Status != exchange.StatusAccepted {
			t.Fatalf("upload of %s: %+v", r.ID, res[0])
		}
		drain(t, h)
	}
}

// clusterOf returns the cluster of r on the hub (0: alone).
func clusterOf(t *testing.T, db *store.DB, r synth.Record) int64 {
	t.Helper()
	var c int64
	ctx := context.Background()
	err := store.NewHubStore(db).View(ctx, func(tx hub.Tx) error {
		rec, err := tx.RecordByRef(ctx, r.Country, hubtest.Ref(r))
		if err == nil && rec == nil {
			t.Fatalf("%s is not on the hub", r.ID)
		}
		if rec != nil {
			c = rec.Cluster
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// words returns r's filter as the hub reads it.
func words(t *testing.T, enc *hubtest.Encoder, r synth.Record) []uint64 {
	t.Helper()
	b, err := enc.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]uint64, len(b)/8)
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return f
}

// score returns the hub model's score of a and b.
func score(t *testing.T, h *hub.Service, enc *hubtest.Encoder, a, b synth.Record) float64 {
	t.Helper()
	return h.Model().Score(words(t, enc, a), words(t, enc, b))
}

// TestUndatedSingleCandidate: a record without a full date that CanJoin
// admits nowhere joins the one cluster its candidates lie in (the batch
// link's single-candidate rule), and is notified; with candidates in two
// clusters it stays alone.
func TestUndatedSingleCandidate(t *testing.T) {
	d1, d2 := child("SE", "1", "2009-03-14", false), child("FI", "1", "2009-03-14", false)
	other := child("DE", "1", "2011-06-20", false)
	tests := []struct {
		name   string
		extra  []synth.Record // placed after the cluster, before the record
		rec    synth.Record
		joined bool
	}{
		{"undated, one cluster", nil, child("PL", "1", "", false), true},
		{"a year only, one cluster", nil, child("PL", "1", "2010-03-14", true), true},
		{"undated, a cluster and a record alone", []synth.Record{other}, child("PL", "1", "", false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
				h := fieldsHub(t, db, enc, 0)
				m := h.Model()
				sc := []float64{score(t, h, enc, tt.rec, d1), score(t, h, enc, tt.rec, d2)}
				if m.CanJoin(sc) || !m.CanJoinUndated(sc) {
					t.Fatalf("scores %v: the test needs CanJoin to refuse them and CanJoinUndated to admit them", sc)
				}
				place(t, h, enc, d1, d2)
				place(t, h, enc, tt.extra...)
				place(t, h, enc, tt.rec)
				c := clusterOf(t, db, d1)
				if c == 0 || clusterOf(t, db, d2) != c {
					t.Fatalf("the two dated registrations are not one cluster")
				}
				got := clusterOf(t, db, tt.rec)
				if (got == c) != tt.joined || (!tt.joined && got != 0) {
					t.Errorf("the record is in cluster %d, the dated ones in %d; want joined %v", got, c, tt.joined)
				}
				want := 0
				if tt.joined {
					want = 2
				}
				if n := len(hits(t, h, tt.rec.Country)); n != want {
					t.Errorf("%d hit notices for the record, want %d", n, want)
				}
			})
		})
	}
}

// TestUndatedAmbiguousStaysAlone: an undated record that CanJoin admits
// into a cluster stays alone when it also has a pair at the match
// threshold with a dated record elsewhere: it could be either child.
func TestUndatedAmbiguousStaysAlone(t *testing.T) {
	d1, d2 := child("SE", "1", "2009-03-14", false), child("FI", "1", "2009-03-14", false)
	other := child("DE", "1", "2011-06-20", false)
	u := child("PL", "1", "", false)
	for _, ambiguous := range []bool{false, true} {
		name := "one cluster"
		if ambiguous {
			name = "a dated record elsewhere"
		}
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
				h := fieldsHub(t, db, enc, 1)
				m := h.Model()
				if !m.CanJoin([]float64{score(t, h, enc, u, d1), score(t, h, enc, u, d2)}) || !m.IsMatch(score(t, h, enc, u, other)) ||
					m.IsReview(score(t, h, enc, d1, other)) {
					t.Fatal("the test needs the undated record to join the cluster and match the other record, which is not a candidate of the cluster")
				}
				place(t, h, enc, d1, d2)
				if ambiguous {
					place(t, h, enc, other)
				}
				place(t, h, enc, u)
				c, got := clusterOf(t, db, d1), clusterOf(t, db, u)
				if ambiguous && got != 0 {
					t.Errorf("the ambiguous record is in cluster %d", got)
				}
				if !ambiguous && (c == 0 || got != c) {
					t.Errorf("the record is in cluster %d, the dated ones in %d", got, c)
				}
				want := 2
				if ambiguous {
					want = 0
				}
				if n := len(hits(t, h, u.Country)); n != want {
					t.Errorf("%d hit notices for the record, want %d", n, want)
				}
			})
		})
	}
}

// TestUndatedLeavesWhenAmbiguous: a dated record that arrives with a pair
// at the match threshold with an undated record of another cluster takes
// the undated one out of its cluster, and its hits are withdrawn; one
// that joins the undated record's cluster leaves it there.
func TestUndatedLeavesWhenAmbiguous(t *testing.T) {
	d1, d2 := child("SE", "1", "2009-03-14", false), child("FI", "1", "2009-03-14", false)
	u := child("PL", "1", "", false)
	tests := []struct {
		name  string
		later synth.Record
		leave bool
	}{
		{"another child's date", child("DE", "1", "2011-06-20", false), true},
		{"the cluster's date", child("DE", "1", "2009-03-14", false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
				h := fieldsHub(t, db, enc, 1)
				if !h.Model().IsMatch(score(t, h, enc, u, tt.later)) {
					t.Fatal("the test needs the undated record and the later one to match")
				}
				place(t, h, enc, d1, d2, u)
				c := clusterOf(t, db, d1)
				if c == 0 || clusterOf(t, db, u) != c || len(hits(t, h, u.Country)) != 2 {
					t.Fatal("the undated record did not join the dated ones' cluster first")
				}
				place(t, h, enc, tt.later)
				got := clusterOf(t, db, u)
				if tt.leave != (got == 0) || (!tt.leave && got != c) {
					t.Errorf("the undated record is in cluster %d (the dated ones: %d), want it to leave: %v", got, c, tt.leave)
				}
				if clusterOf(t, db, d1) != c || clusterOf(t, db, d2) != c {
					t.Error("the dated registrations did not stay in their cluster")
				}
				in, err := h.Inbox(context.Background(), peer(u.Country), 0, exchange.MaxInbox)
				if err != nil {
					t.Fatal(err)
				}
				var hit, withdrawn int
				for _, n := range in.Notices {
					switch n.Type {
					case exchange.NoticeHit:
						hit++
					case exchange.NoticeHitWithdrawn:
						withdrawn++
					}
				}
				wantHit, wantWithdrawn := 3, 0 // the cluster spans a third country
				if tt.leave {
					wantHit, wantWithdrawn = 0, 2
				}
				if hit != wantHit || withdrawn != wantWithdrawn {
					t.Errorf("the undated record's node has %d hit notices and %d withdrawals, want %d and %d", hit, withdrawn, wantHit, wantWithdrawn)
				}
				if n := len(hits(t, h, d1.Country)); n < 1 {
					t.Errorf("the dated registrations' hit was withdrawn (%d notices)", n)
				}
			})
		})
	}
}

// TestUndatedKeptOnRegroup: a record that joined under the
// single-candidate rule stays when a member of its cluster is uploaded
// again (the cluster regroups without it, then it is matched anew), and
// nothing is notified twice.
func TestUndatedKeptOnRegroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
		h := fieldsHub(t, db, enc, 0)
		d1, d2 := child("SE", "1", "2009-03-14", false), child("FI", "1", "2009-03-14", false)
		u := child("PL", "1", "", false)
		place(t, h, enc, d1, d2, u)
		c := clusterOf(t, db, d1)
		if c == 0 || clusterOf(t, db, u) != c {
			t.Fatal("the undated record did not join the dated ones' cluster")
		}
		if res := accept(t, h, d2.Country, enc.Upsert(t, "again", d2, true)); res[0].Status != exchange.StatusAccepted {
			t.Fatalf("upload: %+v", res[0])
		}
		if clusterOf(t, db, u) != c || clusterOf(t, db, d1) != c {
			t.Errorf("regrouped without the uploaded record: the undated record in %d, the other dated one in %d, want both in %d",
				clusterOf(t, db, u), clusterOf(t, db, d1), c)
		}
		drain(t, h)
		for _, r := range []synth.Record{d1, d2, u} {
			if got := clusterOf(t, db, r); got != c {
				t.Errorf("%s in cluster %d, want %d", r.ID, got, c)
			}
		}
		if n := len(hits(t, h, u.Country)); n != 2 {
			t.Errorf("%d hit notices for the undated record, want 2", n)
		}
		health, err := h.Health(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if health.HitsIssued != 3 {
			t.Errorf("%d hits issued, want 3", health.HitsIssued)
		}
	})
}

// TestUndatedFirstJoinsLater: a record without a full date that arrived
// first, alone, joins when a later arrival leaves all its candidates in
// one place, as it would have had it come last; and leaves again when a
// still later one is a candidate elsewhere, its hits withdrawn.
func TestUndatedFirstJoinsLater(t *testing.T) {
	d1, d2 := child("SE", "1", "2009-03-14", false), child("FI", "1", "2009-03-14", false)
	other := child("DE", "1", "2011-06-20", false)
	u := child("PL", "1", "", false)
	tests := []struct {
		name   string
		later  []synth.Record
		joined bool
		hits   int // the undated record's
	}{
		{"one dated record", []synth.Record{d1}, true, 1},
		{"then a second joins them", []synth.Record{d1, d2}, true, 2},
		{"two children", []synth.Record{d1, other}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				enc := hubtest.NewEncoderOf(t, hubtest.FieldsSchema(t))
				h := fieldsHub(t, db, enc, 0)
				place(t, h, enc, u)
				place(t, h, enc, tt.later...)
				c, got := clusterOf(t, db, d1), clusterOf(t, db, u)
				if tt.joined && (got == 0 || got != c) {
					t.Errorf("the undated record is in cluster %d, the dated one in %d", got, c)
				}
				if !tt.joined && got != 0 {
					t.Errorf("the undated record is in cluster %d, want alone", got)
				}
				if n := len(hits(t, h, u.Country)); n != tt.hits {
					t.Errorf("%d hit notices for the undated record, want %d", n, tt.hits)
				}
			})
		})
	}
}
