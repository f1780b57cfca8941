package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewTokenStore(db)
		se := &tokens.Token{Name: "Migrationsverket", Country: "SE", Scopes: []tokens.Scope{tokens.ScopeRead, tokens.ScopeWrite},
			Hash: bytes.Repeat([]byte{1}, 32), CreatedAt: t0}
		dk := &tokens.Token{Name: "Udlændingestyrelsen", Country: "DK", Scopes: []tokens.Scope{tokens.ScopeExport},
			Hash: bytes.Repeat([]byte{2}, 32)}
		err := s.Update(ctx, func(tx tokens.Tx) error {
			if err := tx.CreateToken(ctx, se); err != nil {
				return err
			}
			return tx.CreateToken(ctx, dk)
		})
		if err != nil || se.ID == 0 || dk.ID == 0 || dk.CreatedAt.IsZero() {
			t.Fatalf("CreateToken: %v (ids %d %d, created %v)", err, se.ID, dk.ID, dk.CreatedAt)
		}
		want := t0.UTC().Truncate(time.Microsecond)
		err = s.View(ctx, func(tx tokens.Tx) error {
			got, err := tx.TokenByHash(ctx, se.Hash)
			if err != nil {
				return err
			}
			if got.ID != se.ID || got.Name != se.Name || got.Country != "SE" || !slices.Equal(got.Scopes, se.Scopes) ||
				!bytes.Equal(got.Hash, se.Hash) || !got.CreatedAt.Equal(want) || !got.LastUsedAt.IsZero() || got.Revoked() {
				t.Errorf("TokenByHash = %+v, want %+v", got, se)
			}
			if _, err := tx.TokenByHash(ctx, bytes.Repeat([]byte{3}, 32)); !errs.Is(err, errs.NotFound) {
				t.Errorf("TokenByHash(unknown) = %v, want not found", err)
			}
			if _, err := tx.TokenByID(ctx, 9999); !errs.Is(err, errs.NotFound) {
				t.Errorf("TokenByID(unknown) = %v, want not found", err)
			}
			list, err := tx.ListTokens(ctx, "SE")
			if err != nil || len(list) != 1 || list[0].ID != se.ID {
				t.Errorf("ListTokens(SE) = %v, %v", list, err)
			}
			all, err := tx.ListTokens(ctx, "")
			if err != nil || len(all) != 2 || all[0].ID != se.ID || all[1].ID != dk.ID {
				t.Errorf("ListTokens() = %v, %v", all, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// A hash is unique.
		twin := &tokens.Token{Name: "twin", Country: "SE", Scopes: []tokens.Scope{tokens.ScopeRead}, Hash: se.Hash}
		if err := s.Update(ctx, func(tx tokens.Tx) error { return tx.CreateToken(ctx, twin) }); !errs.Is(err, errs.Conflict) {
			t.Errorf("CreateToken with a hash already held = %v, want conflict", err)
		}

		used, revoked := t0.Add(time.Hour), t0.Add(2*time.Hour)
		err = s.Update(ctx, func(tx tokens.Tx) error {
			if err := tx.TouchToken(ctx, se.ID, used); err != nil {
				return err
			}
			if err := tx.TouchToken(ctx, 9999, used); !errs.Is(err, errs.NotFound) {
				t.Errorf("TouchToken(unknown) = %v, want not found", err)
			}
			for i, wantOK := range []bool{true, false} {
				ok, err := tx.RevokeToken(ctx, se.ID, revoked.Add(time.Duration(i)*time.Hour))
				if err != nil || ok != wantOK {
					t.Errorf("RevokeToken #%d = %v, %v; want %v", i+1, ok, err, wantOK)
				}
			}
			if _, err := tx.RevokeToken(ctx, 9999, revoked); !errs.Is(err, errs.NotFound) {
				t.Errorf("RevokeToken(unknown) = %v, want not found", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.View(ctx, func(tx tokens.Tx) error {
			got, err := tx.TokenByID(ctx, se.ID)
			if err != nil {
				return err
			}
			if !got.LastUsedAt.Equal(used.Truncate(time.Microsecond)) || !got.RevokedAt.Equal(revoked.Truncate(time.Microsecond)) {
				t.Errorf("after touch and revoke: last used %v, revoked %v; want %v, %v", got.LastUsedAt, got.RevokedAt, used, revoked)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}, storetest.WithNow(fixedClock()))
}
