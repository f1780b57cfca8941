package api

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// everyPerm is every permission there is.
var everyPerm = []auth.Permission{auth.PermAccount, auth.PermUsersManage, auth.PermAuditRead, auth.PermCasesRead,
	auth.PermCasesWrite, auth.PermCasesApprove, auth.PermCasesExport, auth.PermSystemMonitor}

// tokenActor is the services' actor of a request of a Swedish token with scopes.
func tokenActor(id int64, scopes ...tokens.Scope) auth.Actor {
	st := &reqState{token: &tokens.Token{ID: id, Country: "SE", Scopes: scopes}, addr: "p"}
	return st.actor()
}

// TestTokenActor: the API's actor of a token is the token, with exactly
// the permissions of its scopes, in its country, and no role.
func TestTokenActor(t *testing.T) {
	R, W, X := auth.PermCasesRead, auth.PermCasesWrite, auth.PermCasesExport
	for _, tc := range []struct {
		name   string
		scopes []tokens.Scope
		want   []auth.Permission
	}{
		{"read", []tokens.Scope{tokens.ScopeRead}, []auth.Permission{R}},
		{"write", []tokens.Scope{tokens.ScopeWrite}, []auth.Permission{R, W}},
		{"export", []tokens.Scope{tokens.ScopeExport}, []auth.Permission{R, X}},
		{"read,write", []tokens.Scope{tokens.ScopeRead, tokens.ScopeWrite}, []auth.Permission{R, W}},
		{"every scope", tokens.Scopes, []auth.Permission{R, W, X}},
		{"no scope", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tokenActor(3, tc.scopes...)
			for _, p := range everyPerm {
				if got, want := a.Can(p), slices.Contains(tc.want, p); got != want {
					t.Errorf("Can(%s) = %v, want %v", p, got, want)
				}
			}
			if a.Ref() != "token:3" || a.TokenID != 3 || a.UserID != 0 || a.Role != "" || a.System || a.Addr != "p" {
				t.Errorf("actor %+v (ref %s), want token 3 without user or role", a, a.Ref())
			}
			if !a.InScope("SE") || a.InScope("DK") || a.InScope("") {
				t.Errorf("actor %+v is not scoped to SE alone", a)
			}
		})
	}
}

// TestTokenInTheServices: called with the API's actor, the services let a
// token do what its scopes allow and no more: even a token with every
// scope cannot ask for, approve or refuse a closure, nor manage tokens; a read
// token cannot write; what a write token records is written by the token.
func TestTokenInTheServices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		now := time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC)
		kr := crypto.NewKeyring(now)
		svc := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr,
			cases.Config{Country: "SE", Now: func() time.Time { return now }})
		officer := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
		_, k, err := svc.Register(ctx, officer,
			cases.ChildInput{NationalRef: "SE-1", GivenNames: "Anna", FamilyName: "Berg", BirthDate: "2011"},
			cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidencePresumed})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RequestClose(ctx, tokenActor(7, tokens.Scopes...), k.ID, "Placement confirmed."); !errs.Is(err, errs.Forbidden) {
			t.Errorf("RequestClose by a token = %v, want forbidden: closing is a person's decision", err)
		}
		if err := svc.RequestClose(ctx, officer, k.ID, "Placement confirmed."); err != nil {
			t.Fatal(err)
		}

		all := tokenActor(3, tokens.Scopes...)
		if err := svc.ApproveClose(ctx, all, k.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("ApproveClose by a token = %v, want forbidden", err)
		}
		if err := svc.RejectClose(ctx, all, k.ID, "No."); !errs.Is(err, errs.Forbidden) {
			t.Errorf("RejectClose by a token = %v, want forbidden", err)
		}
		if got, _, err := svc.Case(ctx, all, k.ID); err != nil || got.Status != cases.StatusClosureRequested {
			t.Errorf("case after the token's attempts: %+v, %v; want closure requested", got, err)
		}
		_, _, err = tokens.NewService(store.NewTokenStore(db), nil).Create(ctx, all, "another system", "SE", tokens.Scopes)
		if !errs.Is(err, errs.Forbidden) {
			t.Errorf("a token creating a token = %v, want forbidden", err)
		}

		ev := cases.EventInput{Type: cases.EvPlaced} // now: after the registration, on the timeline too
		if _, err := svc.AddEvent(ctx, tokenActor(4, tokens.ScopeRead), k.ID, ev); !errs.Is(err, errs.Forbidden) {
			t.Errorf("AddEvent by a read token = %v, want forbidden", err)
		}
		if _, err := svc.AddEvent(ctx, tokenActor(5, tokens.ScopeExport), k.ID, ev); !errs.Is(err, errs.Forbidden) {
			t.Errorf("AddEvent by an export token = %v, want forbidden", err)
		}
		got, err := svc.AddEvent(ctx, tokenActor(6, tokens.ScopeWrite), k.ID, ev)
		if err != nil || got.By != 0 || got.ByToken != 6 {
			t.Fatalf("AddEvent by a write token = %+v, %v; want recorded by token 6", got, err)
		}
		tl, err := svc.Timeline(ctx, officer, k.ID)
		if err != nil || len(tl) != 2 || tl[1].ByToken != 6 || tl[1].By != 0 || tl[0].ByToken != 0 || tl[0].By != 1 {
			t.Errorf("timeline %+v, %v; want the officer's registration, then token 6's event", tl, err)
		}
	})
}
