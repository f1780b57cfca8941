package store_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestPostgresAppRoleCannotRewriteAudit creates the application's role as
// docs/security.md describes, connects as it and checks that it can append
// to the audit log but not update, delete or truncate it, even with the
// append-only triggers dropped: what refuses is the privilege system.
func TestPostgresAppRoleCannotRewriteAudit(t *testing.T) {
	ownerURL := storetest.PostgresURL(t)
	ctx := context.Background()
	owner, err := store.Open(ctx, store.Options{URL: ownerURL, Chain: storetest.Chain(), MaxReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ownerURL)
	schema := u.Query().Get("search_path")
	role := "cc_app_" + strings.ToLower(rand.Text()[:10])
	mustExec := func(db *store.DB, q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().Exec(db.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(owner, "CREATE ROLE "+role+" LOGIN")
	t.Cleanup(func() {
		owner.SQL().Exec("DROP OWNED BY " + role)
		owner.SQL().Exec("DROP ROLE " + role)
	})
	grants, err := store.PostgresAppRoleGrants(role, schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range grants {
		mustExec(owner, g)
	}
	storetest.Tamper(t, owner) // the triggers off: only privileges refuse now
	mustExec(owner, `DROP TRIGGER hub_checkpoints_no_change ON hub_checkpoints`)
	mustExec(owner, `DROP TRIGGER hub_checkpoints_no_truncate ON hub_checkpoints`)

	u.User = url.User(role)
	app, err := store.Open(ctx, store.Options{URL: u.String(), Chain: storetest.Chain(), MaxReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for i := range 3 {
		if err := app.AppendAudit(ctx, audit.Record{Actor: "system", Action: audit.ActSystemStart, Outcome: "ok", Detail: strings.Repeat("x", i)}); err != nil {
			t.Fatalf("the application role cannot append: %v", err)
		}
	}
	if _, err := app.SQL().Exec(`INSERT INTO hub_checkpoints (country, seq, hash, signed_at, sig, cert_sig, cert_serial, received_at)
		VALUES ('SE', 1, NULL, now(), 'x', 'x', '01', now())`); err != nil {
		t.Fatalf("the application role cannot record a checkpoint: %v", err)
	}
	if _, err := app.SQL().Exec(`INSERT INTO users (username, display_name, role, country, password_hash, created_at, updated_at) VALUES ('x', '', 'auditor', 'SE', 'x', now(), now())`); err != nil {
		t.Fatalf("the application role cannot write its tables: %v", err)
	}
	for _, q := range []string{
		`UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2`,
		`DELETE FROM audit_log WHERE seq = 3`,
		`TRUNCATE audit_log`,
		`DROP TRIGGER audit_log_no_change ON audit_log`,
		`DELETE FROM hub_checkpoints`,
		`UPDATE hub_checkpoints SET seq = 1`,
		`TRUNCATE hub_checkpoints`,
	} {
		_, err := app.SQL().Exec(q)
		if err == nil || !strings.Contains(err.Error(), "42501") && !strings.Contains(err.Error(), "must be owner") {
			t.Errorf("%s as the application role: %v, want permission denied", q, err)
		}
	}
	if rep, err := audit.Verify(ctx, owner, storetest.Chain()); err != nil || !rep.OK() || rep.Entries != 3 {
		t.Fatalf("log after the refused statements: %+v %v", rep, err)
	}
	// The owner (whom the triggers no longer stop) could: so it is the
	// grants that protect the log above.
	mustExec(owner, `UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2`)
}
