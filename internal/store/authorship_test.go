package store_test

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestAuthorship: changes and events keep who made them, a user or an
// API token, one by one and in bulk.
func TestAuthorship(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		child := childRec("SE", "A1")
		var k *cases.CaseRecord
		ev := func(by, byToken int64) *cases.EventRecord {
			return &cases.EventRecord{Ref: childRec("SE", "").Ref, Country: "SE", Notes: []byte("n"),
				Event: cases.Event{CaseID: k.ID, Type: cases.EvPlaced, At: t0, By: by, ByToken: byToken}}
		}
		casesUpdate(t, s, func(tx cases.Tx) error {
			if err := tx.CreateChild(ctx, child); err != nil {
				return err
			}
			k = caseRec(child)
			if err := tx.CreateCase(ctx, k); err != nil {
				return err
			}
			if err := tx.AddEvent(ctx, ev(0, 7)); err != nil {
				return err
			}
			if err := tx.AddEvents(ctx, []*cases.EventRecord{ev(12, 0), ev(0, 8)}); err != nil {
				return err
			}
			if err := tx.AddChange(ctx, "SE", &cases.Change{Entity: "case", EntityID: k.ID, Action: "update",
				Fields: []string{"placement"}, ByToken: 7, At: t0}); err != nil {
				return err
			}
			return tx.AddChanges(ctx, "SE", []*cases.Change{
				{Entity: "case", EntityID: k.ID, Action: "placed", By: 12, At: t0},
				{Entity: "case", EntityID: k.ID, Action: "create", ByToken: 8, At: t0},
			})
		})
		type author struct{ by, byToken int64 }
		err := s.View(ctx, func(tx cases.Tx) error {
			evs, err := tx.Events(ctx, k.ID)
			if err != nil {
				return err
			}
			var got []author
			for _, e := range evs {
				got = append(got, author{e.By, e.ByToken})
			}
			if want := []author{{0, 7}, {12, 0}, {0, 8}}; !slices.Equal(got, want) {
				t.Errorf("event authors %v, want %v", got, want)
			}
			chs, err := tx.Changes(ctx, "SE", "case", k.ID)
			if err != nil {
				return err
			}
			got = got[:0]
			for _, c := range chs { // newest first
				got = append(got, author{c.By, c.ByToken})
			}
			if want := []author{{0, 8}, {12, 0}, {0, 7}}; !slices.Equal(got, want) {
				t.Errorf("change authors %v, want %v", got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestNames: usernames and token names are looked up by id in one call;
// zero, repeated and unknown ids are harmless, revoked tokens keep their
// names.
func TestNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		as := store.NewAuthStore(db)
		alice, bob := newUser("a.larsson", auth.RoleOfficer, "SE"), newUser("b.nowak", auth.RoleSupervisor, "SE")
		update(t, as, func(tx auth.Tx) error {
			if err := tx.CreateUser(ctx, alice); err != nil {
				return err
			}
			return tx.CreateUser(ctx, bob)
		})
		ts := store.NewTokenStore(db)
		tok := &tokens.Token{Name: "Migrationsverket", Country: "SE", Scopes: []tokens.Scope{tokens.ScopeWrite},
			Hash: bytes.Repeat([]byte{9}, 32), CreatedAt: t0}
		err := ts.Update(ctx, func(tx tokens.Tx) error {
			if err := tx.CreateToken(ctx, tok); err != nil {
				return err
			}
			_, err := tx.RevokeToken(ctx, tok.ID, t0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			ids  []int64
			want map[int64]string
		}{
			{"none", nil, map[int64]string{}},
			{"both", []int64{bob.ID, alice.ID}, map[int64]string{alice.ID: "a.larsson", bob.ID: "b.nowak"}},
			{"zero, repeated, unknown", []int64{0, alice.ID, alice.ID, 99999}, map[int64]string{alice.ID: "a.larsson"}},
		} {
			err := as.View(ctx, func(tx auth.Tx) error {
				got, err := tx.Usernames(ctx, tc.ids)
				if err == nil && !maps.Equal(got, tc.want) {
					t.Errorf("Usernames(%s) = %v, want %v", tc.name, got, tc.want)
				}
				return err
			})
			if err != nil {
				t.Fatalf("Usernames(%s): %v", tc.name, err)
			}
		}
		many := make([]int64, 2500) // more than one statement's worth
		for i := range many {
			many[i] = int64(i + 1)
		}
		err = ts.View(ctx, func(tx tokens.Tx) error {
			got, err := tx.TokenNames(ctx, append(many, tok.ID, 0))
			if err == nil && !maps.Equal(got, map[int64]string{tok.ID: "Migrationsverket"}) {
				t.Errorf("TokenNames = %v, want the revoked token's name", got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
