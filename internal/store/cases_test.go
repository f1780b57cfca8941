package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// These tests drive the case store directly, with opaque bytes where the
// service would put sealed values: the store never interprets them.

var refN atomic.Int64

func childRec(country auth.Country, nationalRef string, tokens ...string) *cases.ChildRecord {
	r := &cases.ChildRecord{
		Ref: fmt.Sprintf("%032d", refN.Add(1)), Country: country, NationalRef: nationalRef, Sex: cases.SexFemale,
		BirthPrecision: cases.PrecisionYear, BirthYear: 2010, Citizenships: []string{"SY", "IQ"}, Languages: []string{"ar"},
		GivenNames: []byte("g" + nationalRef), FamilyName: []byte("f"), BirthDate: []byte("d"), BirthPlace: []byte("p"), Notes: []byte("n"),
		Aliases:     []cases.AliasRecord{{Seq: 1, Name: []byte("a1"), Script: "Latn", Source: "police"}},
		Assessments: []cases.AssessmentRecord{{Seq: 1, Date: "2025-01-02", Method: cases.MethodMedical, Outcome: []byte("o"), AssessedBy: []byte("b")}},
		Linkage:     bytes.Repeat([]byte{0xa5}, 128),
	}
	for _, t := range tokens {
		r.Tokens = append(r.Tokens, cases.Token{Kind: cases.TokenExact, Hash: []byte(t)})
	}
	return r
}

func caseRec(child *cases.ChildRecord) *cases.CaseRecord {
	return &cases.CaseRecord{Ref: fmt.Sprintf("c%031d", refN.Add(1)), Case: cases.Case{
		ChildID: child.ID, Country: child.Country, Category: cases.CatUnaccompanied, Evidence: cases.EvidencePresumed,
		Status: cases.StatusOpen, Placement: cases.PlaceFoster, Handling: cases.H1, OpenedAt: t0,
		Exploitation: []cases.Exploitation{cases.ExpSexual},
	}}
}

func casesUpdate(t *testing.T, s *store.CaseStore, fn func(tx cases.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestCaseStoreRoundTripAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		se, lt := childRec("SE", "N1", "tok-a", "tok-b"), childRec("LT", "N1", "tok-a")
		var kse *cases.CaseRecord
		casesUpdate(t, s, func(tx cases.Tx) error {
			for _, r := range []*cases.ChildRecord{se, lt} {
				if err := tx.CreateChild(ctx, r); err != nil {
					return err
				}
			}
			kse = caseRec(se)
			kse.CloseRequest, kse.CloseReason = &cases.CloseRequest{By: 4, At: t0}, []byte("why")
			if err := tx.CreateCase(ctx, kse); err != nil {
				return err
			}
			return tx.CreateCase(ctx, caseRec(lt))
		})
		if se.ID == 0 || se.Version != 1 || !se.CreatedAt.Equal(t0.UTC().Truncate(time.Microsecond)) || kse.ID == 0 {
			t.Fatalf("created %+v %+v", se, kse)
		}
		err := s.View(ctx, func(tx cases.Tx) error {
			got, err := tx.Child(ctx, "SE", se.ID)
			if err != nil {
				return err
			}
			want := *se
			want.Tokens, want.Linkage = nil, nil // write-only
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("Child =\n%+v\nwant\n%+v", got, &want)
			}
			k, err := tx.Case(ctx, "SE", kse.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(k, kse) {
				t.Errorf("Case =\n%+v\nwant\n%+v", k, kse)
			}
			// Another country's records do not exist.
			if _, err := tx.Child(ctx, "LT", se.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("Child of another country: %v", err)
			}
			if _, err := tx.Case(ctx, "LT", kse.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("Case of another country: %v", err)
			}
			if r, err := tx.ChildByNationalRef(ctx, "LT", "N1"); err != nil || r.ID != lt.ID {
				t.Errorf("ChildByNationalRef: %v, %v", r, err)
			}
			if rs, err := tx.Children(ctx, "SE", []int64{se.ID, lt.ID}); err != nil || len(rs) != 1 || rs[0].ID != se.ID {
				t.Errorf("Children across countries: %v, %v", rs, err)
			}
			if ks, err := tx.CasesOf(ctx, "LT", []int64{se.ID}); err != nil || len(ks) != 0 {
				t.Errorf("CasesOf across countries: %v, %v", ks, err)
			}
			ms, err := tx.MatchTokens(ctx, "SE", [][]byte{[]byte("tok-a"), []byte("tok-x")}, cases.Query{})
			if err != nil || len(ms) != 1 || ms[0] != (cases.TokenMatch{ChildID: se.ID, Tokens: 1}) {
				t.Errorf("MatchTokens: %+v, %v", ms, err)
			}
			ids, total, err := tx.ListChildren(ctx, "LT", cases.Query{}, 10, 0)
			if err != nil || total != 1 || !reflect.DeepEqual(ids, []int64{lt.ID}) {
				t.Errorf("ListChildren: %v %d %v", ids, total, err)
			}
			encs, err := tx.Encodings(ctx, "SE", [][]byte{[]byte("tok-a")}, 0, "", 10)
			if err != nil || len(encs) != 1 || encs[0].ChildID != se.ID || len(encs[0].CLK) != 128 {
				t.Errorf("Encodings: %+v, %v", encs, err)
			}
			encs, err = tx.Encodings(ctx, "SE", nil, 2011, cases.SexFemale, 10)
			if err != nil || len(encs) != 1 {
				t.Errorf("Encodings by birth year: %+v, %v", encs, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}, storetest.WithNow(fixedClock()))
}

func TestCaseStoreVersionsAndUniqueness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		a, b := childRec("SE", "N1", "old"), childRec("SE", "")
		casesUpdate(t, s, func(tx cases.Tx) error {
			if err := tx.CreateChild(ctx, a); err != nil {
				return err
			}
			return tx.CreateChild(ctx, b)
		})
		// Children without a national reference do not collide.
		casesUpdate(t, s, func(tx cases.Tx) error { return tx.CreateChild(ctx, childRec("SE", "")) })
		err := s.Update(ctx, func(tx cases.Tx) error { return tx.CreateChild(ctx, childRec("SE", "N1")) })
		if errs.CodeOf(err) != errs.Conflict || errs.FieldOf(err) != "national_ref" {
			t.Errorf("duplicate national reference: %v", err)
		}

		a.Tokens = []cases.Token{{Kind: cases.TokenPhonetic, Hash: []byte("new")}}
		a.Aliases = nil
		casesUpdate(t, s, func(tx cases.Tx) error { return tx.UpdateChild(ctx, a) })
		if a.Version != 2 {
			t.Errorf("version after update %d", a.Version)
		}
		stale := *a
		stale.Version = 1
		err = s.Update(ctx, func(tx cases.Tx) error { return tx.UpdateChild(ctx, &stale) })
		if errs.CodeOf(err) != errs.Conflict || !errors.Is(err, cases.ErrStale) {
			t.Errorf("stale update: %v", err)
		}
		gone := *a
		gone.ID = 99999
		err = s.Update(ctx, func(tx cases.Tx) error { return tx.UpdateChild(ctx, &gone) })
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("update of an absent child: %v", err)
		}
		err = s.View(ctx, func(tx cases.Tx) error {
			for tok, want := range map[string]int{"old": 0, "new": 1} {
				ms, err := tx.MatchTokens(ctx, "SE", [][]byte{[]byte(tok)}, cases.Query{})
				if err != nil || len(ms) != want {
					t.Errorf("token %s after update: %d matches, %v", tok, len(ms), err)
				}
			}
			got, err := tx.Child(ctx, "SE", a.ID)
			if err != nil || len(got.Aliases) != 0 {
				t.Errorf("aliases after update: %+v, %v", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		k := caseRec(a)
		casesUpdate(t, s, func(tx cases.Tx) error { return tx.CreateCase(ctx, k) })
		k.Exploitation = []cases.Exploitation{cases.ExpForcedLabour, cases.ExpSlavery}
		casesUpdate(t, s, func(tx cases.Tx) error { return tx.UpdateCase(ctx, k) })
		k.Version = 1
		err = s.Update(ctx, func(tx cases.Tx) error { return tx.UpdateCase(ctx, k) })
		if !errors.Is(err, cases.ErrStale) {
			t.Errorf("stale case update: %v", err)
		}
		err = s.Update(ctx, func(tx cases.Tx) error {
			r := caseRec(a)
			r.ChildID = 99999
			return tx.CreateCase(ctx, r)
		})
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("case of an absent child: %v", err)
		}
	})
}

func TestCaseStoreSealedValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		var recs []*cases.ChildRecord
		for i := range 5 {
			recs = append(recs, childRec("SE", fmt.Sprint("B", i)))
		}
		// The bulk path sets every id.
		casesUpdate(t, s, func(tx cases.Tx) error { return tx.CreateChildren(ctx, recs) })
		for _, r := range recs {
			if r.ID == 0 || r.Version != 1 {
				t.Fatalf("bulk insert left %+v", r)
			}
		}
		var all []cases.SealedValue
		err := s.View(ctx, func(tx cases.Tx) error {
			var after int64
			for {
				vals, last, err := tx.SealedValues(ctx, cases.TableChildren, after, 2)
				if err != nil || last == 0 {
					return err
				}
				all, after = append(all, vals...), last
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 5*5 || all[0].Ref != recs[0].Ref || all[0].Column != "given_names" || string(all[0].Value) != "gB0" {
			t.Fatalf("SealedValues: %d values, first %+v", len(all), all[0])
		}
		err = s.View(ctx, func(tx cases.Tx) error {
			vals, _, err := tx.SealedValues(ctx, cases.TableAliases, 0, 100)
			if err != nil || len(vals) != 5 || vals[0].Seq != 1 || vals[0].Ref != recs[0].Ref {
				t.Errorf("aliases: %+v, %v", vals, err)
			}
			vals, _, err = tx.SealedValues(ctx, cases.TableCases, 0, 100)
			if err != nil || len(vals) != 0 {
				t.Errorf("cases without reasons: %+v, %v", vals, err)
			}
			if _, _, err := tx.SealedValues(ctx, "users", 0, 1); errs.CodeOf(err) != errs.Internal {
				t.Errorf("SealedValues of users: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		v := all[0]
		casesUpdate(t, s, func(tx cases.Tx) error {
			if ok, err := tx.SwapSealed(ctx, v, []byte("new")); !ok || err != nil {
				t.Errorf("swap: %v, %v", ok, err)
			}
			// The row no longer holds the value read: no swap.
			if ok, err := tx.SwapSealed(ctx, v, []byte("newer")); ok || err != nil {
				t.Errorf("second swap of the same old value: %v, %v", ok, err)
			}
			bad := v
			bad.Column = "country"
			if _, err := tx.SwapSealed(ctx, bad, []byte("x")); errs.CodeOf(err) != errs.Internal {
				t.Errorf("swap of a clear column: %v", err)
			}
			return nil
		})
		err = s.View(ctx, func(tx cases.Tx) error {
			got, err := tx.Child(ctx, "SE", recs[0].ID)
			if err == nil && (string(got.GivenNames) != "new" || got.Version != 1 || !got.UpdatedAt.Equal(recs[0].UpdatedAt)) {
				t.Errorf("after swap: %q version %d", got.GivenNames, got.Version)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
