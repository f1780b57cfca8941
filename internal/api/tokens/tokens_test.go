package tokens_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

var t0 = time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC)

func TestParseScopes(t *testing.T) {
	tests := []struct {
		in   string
		want []tokens.Scope
		ok   bool
	}{
		{"read,write", []tokens.Scope{"read", "write"}, true},
		{" export , READ read", []tokens.Scope{"export", "read"}, true},
		{"write,read,export", []tokens.Scope{"export", "read", "write"}, true},
		{"", nil, false},
		{",", nil, false},
		{"read,admin", nil, false},
	}
	for _, tt := range tests {
		got, err := tokens.ParseScopes(tt.in)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("ParseScopes(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && errs.FieldOf(err) != "scopes" {
			t.Errorf("ParseScopes(%q): error without its field: %v", tt.in, err)
		}
	}
}

func TestService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		svc := tokens.NewService(store.NewTokenStore(db), func() time.Time { return t0 })
		adminSE := auth.Actor{UserID: 4, Role: auth.RoleCountryAdmin, Country: "SE", Addr: "p4"}
		adminDK := auth.Actor{UserID: 5, Role: auth.RoleCountryAdmin, Country: "DK"}
		officerSE := auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}
		rw := []tokens.Scope{tokens.ScopeWrite, tokens.ScopeRead}

		for _, tt := range []struct {
			a       auth.Actor
			name    string
			country auth.Country
			scopes  []tokens.Scope
			code    errs.Code
			field   string
		}{
			{adminSE, " ", "SE", rw, errs.Invalid, "name"},
			{adminSE, strings.Repeat("x", 101), "SE", rw, errs.Invalid, "name"},
			{adminSE, "a\x00b", "SE", rw, errs.Invalid, "name"},
			{adminSE, "sys", "se", rw, errs.Invalid, "country"},
			{adminSE, "sys", "SE", nil, errs.Invalid, "scopes"},
			{adminSE, "sys", "SE", []tokens.Scope{"admin"}, errs.Invalid, "scopes"},
			{adminSE, "sys", "DK", rw, errs.Forbidden, ""},
			{officerSE, "sys", "SE", rw, errs.Forbidden, ""},
		} {
			_, secret, err := svc.Create(ctx, tt.a, tt.name, tt.country, tt.scopes)
			if errs.CodeOf(err) != tt.code || secret != "" || (tt.field != "" && errs.FieldOf(err) != tt.field) {
				t.Errorf("Create(%s, %q, %q, %v) = %v, want %s on %q", tt.a.Role, tt.name, tt.country, tt.scopes, err, tt.code, tt.field)
			}
		}

		tok, secret, err := svc.Create(ctx, adminSE, "  Migrationsverket  ", "SE", rw)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(secret))
		if tok.Name != "Migrationsverket" || !slices.Equal(tok.Scopes, []tokens.Scope{"read", "write"}) ||
			!bytes.Equal(tok.Hash, sum[:]) || !tok.CreatedAt.Equal(t0) || tok.AuditRole() != "api:read,write" || tok.Ref() != "token:1" {
			t.Errorf("created %+v", tok)
		}
		_, _, err = svc.Create(ctx, adminDK, "Udlændingestyrelsen", "DK", []tokens.Scope{tokens.ScopeRead})
		if err != nil {
			t.Fatal(err)
		}

		got, err := svc.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || !got.LastUsedAt.Equal(t0) {
			t.Errorf("Authenticate = %+v, %v", got, err)
		}
		flipped := secret[:10] + map[bool]string{true: "b", false: "a"}[secret[10] == 'a'] + secret[11:]
		for _, bad := range []string{"", "cct_x", flipped, strings.ToUpper(secret)} {
			if got, err := svc.Authenticate(ctx, bad); got != nil || !errs.Is(err, errs.Unauthorized) {
				t.Errorf("Authenticate(bad) = %v, %v", got, err)
			}
		}

		// Listing: the operator sees every country, an administrator their own.
		if list, err := svc.List(ctx, auth.SystemActor, ""); err != nil || len(list) != 2 || list[0].Hash != nil {
			t.Errorf("List(system) = %v, %v", list, err)
		}
		if list, err := svc.List(ctx, adminSE, "SE"); err != nil || len(list) != 1 || list[0].ID != tok.ID {
			t.Errorf("List(admin SE, SE) = %v, %v", list, err)
		}
		for _, c := range []auth.Country{"", "DK"} {
			if _, err := svc.List(ctx, adminSE, c); !errs.Is(err, errs.Forbidden) {
				t.Errorf("List(admin SE, %q) = %v, want forbidden", c, err)
			}
		}

		// Revocation: only in the token's country, once.
		if err := svc.Revoke(ctx, adminDK, tok.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("Revoke by another country's administrator = %v, want not found", err)
		}
		if err := svc.Revoke(ctx, officerSE, tok.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("Revoke by an officer = %v, want forbidden", err)
		}
		if err := svc.Revoke(ctx, adminSE, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Revoke(ctx, adminSE, tok.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("second Revoke = %v, want conflict", err)
		}
		if err := svc.Revoke(ctx, adminSE, 999); !errs.Is(err, errs.NotFound) {
			t.Errorf("Revoke(unknown) = %v, want not found", err)
		}
		got, err = svc.Authenticate(ctx, secret)
		if !errs.Is(err, errs.Unauthorized) || got == nil || got.ID != tok.ID {
			t.Errorf("Authenticate(revoked) = %+v, %v; want the token and unauthorized", got, err)
		}

		var entries []string
		err = db.WalkAudit(ctx, func(e audit.Entry) error {
			entries = append(entries, strings.Join([]string{e.Action, e.Actor, e.Role, e.Country, e.Target, e.Addr, e.Detail}, " "))
			return nil
		})
		want := []string{
			"token.create user:4 country_admin SE token:1 p4 scopes=read,write expires=2025-08-31T10:30:00Z",
			"token.create user:5 country_admin DK token:2  scopes=read expires=2025-08-31T10:30:00Z",
			"token.revoke user:4 country_admin SE token:1 p4 ",
		}
		if err != nil || !slices.Equal(entries, want) {
			t.Errorf("audit:\n%s\nwant\n%s", strings.Join(entries, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestExpiry: tokens expire, by default after DefaultLifetime, never later
// than MaxLifetime; an expired token authenticates nothing and is returned
// for auditing, and a token made before expiry existed expires MaxLifetime
// after it was made (issue 10 L6).
func TestExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		now := t0
		svc := tokens.NewService(store.NewTokenStore(db), func() time.Time { return now })
		admin := auth.Actor{UserID: 4, Role: auth.RoleCountryAdmin, Country: "SE"}
		rw := []tokens.Scope{tokens.ScopeRead}
		for _, life := range []time.Duration{time.Minute, tokens.MaxLifetime + time.Hour} {
			if _, _, err := svc.CreateFor(ctx, admin, "sys", "SE", rw, life); errs.FieldOf(err) != "lifetime" {
				t.Errorf("lifetime %v: %v", life, err)
			}
		}
		def, defSecret, err := svc.Create(ctx, admin, "default", "SE", rw)
		if err != nil || !def.ExpiresAt.Equal(t0.Add(tokens.DefaultLifetime)) {
			t.Fatalf("default lifetime: %v %v", def.ExpiresAt, err)
		}
		short, shortSecret, err := svc.CreateFor(ctx, admin, "short", "SE", rw, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		now = t0.Add(24*time.Hour - time.Second)
		if _, err := svc.Authenticate(ctx, shortSecret); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
		now = t0.Add(24 * time.Hour)
		if tok, err := svc.Authenticate(ctx, shortSecret); !errs.Is(err, errs.Unauthorized) || tok == nil || tok.ID != short.ID || tok.Revoked() {
			t.Fatalf("expired: %+v %v", tok, err)
		}
		if _, err := svc.Authenticate(ctx, defSecret); err != nil {
			t.Fatalf("the default token after a day: %v", err)
		}
		list, err := svc.List(ctx, admin, "SE")
		if err != nil || len(list) != 2 || !list[1].Expired(now) || list[0].Expired(now) {
			t.Fatalf("list: %+v %v", list, err)
		}
		// A token from before expiry existed (expires_at NULL).
		if _, err := db.SQL().Exec(`UPDATE api_tokens SET expires_at = NULL WHERE id = ` + strconv.FormatInt(def.ID, 10)); err != nil {
			t.Fatal(err)
		}
		now = t0.Add(tokens.MaxLifetime)
		if _, err := svc.Authenticate(ctx, defSecret); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("an old token past MaxLifetime: %v", err)
		}
	})
}
