// Package storetest gives tests real, migrated databases: SQLite always,
// PostgreSQL when CHILDCENTRE_TEST_POSTGRES holds a URL.
//
// Each runs one test on both, so a storage suite is written once:
//
//	func TestThing(t *testing.T) {
//		storetest.Each(t, func(t *testing.T, db *store.DB) {
//			t.Parallel()
//			…
//		})
//	}
//
// Every database is private to its test (a file in t.TempDir(), or a
// PostgreSQL schema of its own), so tests may run in parallel.
package storetest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// EnvPostgres names the environment variable with the URL of a PostgreSQL
// database for tests, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "CHILDCENTRE_TEST_POSTGRES"

// ChainKey is the audit chain key of every test database.
var ChainKey = []byte("childcentre storetest audit chain key, not secret")

// Chain returns a chain keyed with ChainKey, for checking entries.
func Chain() *audit.Chain { return audit.NewChain(ChainKey) }

// Option adjusts the options a test database is opened with.
type Option func(*store.Options)

// WithNow sets the store's clock.
func WithNow(now func() time.Time) Option {
	return func(o *store.Options) { o.Now = now }
}

// New returns a fresh, migrated SQLite database in t.TempDir(), closed
// when the test ends.
func New(t testing.TB, opts ...Option) *store.DB {
	t.Helper()
	return open(t, SQLiteURL(t), opts)
}

// Postgres returns a fresh, migrated PostgreSQL database: a schema of its
// own (see PostgresURL), dropped when the test ends. It skips the test when
// CHILDCENTRE_TEST_POSTGRES is empty.
func Postgres(t testing.TB, opts ...Option) *store.DB {
	t.Helper()
	return open(t, PostgresURL(t), opts)
}

// SQLiteURL returns the path of a SQLite database file, not yet created, in
// t.TempDir(): for tests that open and migrate a database themselves.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "childcentre.db")
}

// PostgresURL creates an empty schema of the test's own in the database at
// $CHILDCENTRE_TEST_POSTGRES and returns a URL whose connections use it
// (search_path), for tests that open and migrate a database themselves.
// The schema is dropped when the test ends; open connections must be
// closed by then (register their Close with t.Cleanup after this call).
// It skips the test when the variable is empty.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a database URL, e.g. "+
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL", EnvPostgres)
	}
	// rand.Text is [A-Z2-7]: lower-cased, a valid unquoted identifier.
	schema := "t_" + strings.ToLower(rand.Text())
	admin(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { admin(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs one statement on the test server outside any test schema.
func admin(t testing.TB, dbURL, stmt string) {
	t.Helper()
	// The store opens the connection (and owns the PostgreSQL driver);
	// schema changes need no migrated database.
	db, err := store.Open(context.Background(), store.Options{URL: dbURL, MaxReadConns: 1})
	if err != nil {
		t.Fatalf("storetest: connect to %s: %v", EnvPostgres, err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec(stmt); err != nil {
		t.Fatalf("storetest: %s: %v", stmt, err)
	}
}

// LinkageKey seals the linkage encodings of every test database, so that
// the suites run with encodings sealed at rest as a node stores them.
var LinkageKey = []byte("storetest linkage-at-rest key 32")

// AtRest sets the ciphers of the values kept sealed at rest by the store
// (linkage encodings, national references) on o, as a node sets them.
func AtRest(t testing.TB, o *store.Options) {
	t.Helper()
	var err error
	if o.LinkageAtRest, err = crypto.NewFieldCipher(LinkageKey); err != nil {
		t.Fatal(err)
	}
	if o.NationalRefAtRest, err = crypto.NewFieldCipher([]byte("storetest national-ref at rest 32"[:32])); err != nil {
		t.Fatal(err)
	}
}

func open(t testing.TB, dbURL string, opts []Option) *store.DB {
	t.Helper()
	o := store.Options{URL: dbURL, Chain: Chain(), MaxReadConns: 4}
	AtRest(t, &o)
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return db
}

// Each runs fn as subtest "sqlite" on New and as subtest "postgres" on
// Postgres (skipped with a message when CHILDCENTRE_TEST_POSTGRES is
// empty). fn may call t.Parallel.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...Option) {
	t.Helper()
	t.Run(store.DialectSQLite, func(t *testing.T) { fn(t, New(t, opts...)) })
	t.Run(store.DialectPostgres, func(t *testing.T) { fn(t, Postgres(t, opts...)) })
}

// Tamper lifts the database's refusal to update or delete audit entries
// (the append-only triggers) for this test's database, and returns a
// function that runs one raw statement, written with ? placeholders, on it,
// failing the test on error. It is for tests of audit verification that
// alter, remove or reorder entries; the triggers stay off for the rest of
// the test.
func Tamper(t testing.TB, db *store.DB) func(query string, args ...any) {
	t.Helper()
	var stmts []string
	switch db.Dialect() {
	case store.DialectPostgres:
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER USER"}
	default: // SQLite cannot disable a trigger; the test database is its own.
		stmts = []string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"}
	}
	for _, s := range stmts {
		if _, err := db.SQL().Exec(s); err != nil {
			t.Fatalf("storetest: %s: %v", s, err)
		}
	}
	return func(query string, args ...any) {
		t.Helper()
		if _, err := db.SQL().Exec(db.Rebind(query), args...); err != nil {
			t.Fatalf("storetest: tamper %q: %v", query, err)
		}
	}
}
