package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func TestOpenSQLiteURLs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		url  string
		file string // "" = Open must fail with errs.Invalid
	}{
		{filepath.Join(dir, "plain.db"), "plain.db"},
		{"sqlite://" + filepath.Join(dir, "scheme.db"), "scheme.db"},
		{"file:" + filepath.Join(dir, "file.db"), "file.db"},
		{"", ""},
		{":memory:", ""},
		{"file::memory:?cache=shared", ""},
		{filepath.Join(dir, "opts.db") + "?_journal_mode=DELETE", ""},
		{"sqlite://" + filepath.Join(dir, "frag.db#x"), ""},
	}
	for _, tt := range tests {
		db, err := store.Open(ctx, store.Options{URL: tt.url})
		if tt.file == "" {
			if errs.CodeOf(err) != errs.Invalid {
				t.Errorf("Open(%q) = %v, want an Invalid error", tt.url, err)
			}
			if db != nil {
				db.Close()
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q): %v", tt.url, err)
			continue
		}
		if db.Dialect() != store.DialectSQLite {
			t.Errorf("Open(%q).Dialect() = %s", tt.url, db.Dialect())
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		db.Close()
		if _, err := os.Stat(filepath.Join(dir, tt.file)); err != nil {
			t.Errorf("Open(%q) did not create %s: %v", tt.url, tt.file, err)
		}
	}
}

func TestSQLiteFilesArePrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := store.Open(context.Background(), store.Options{URL: path, Chain: storetest.Chain()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendAudit(context.Background(), rec("a.b", "SE")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(f), perm)
		}
	}
}

func TestOpenPostgresUnreachable(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback refuses at once; the password must not leak.
	url := "postgres://someone:s3cr3t-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"
	db, err := store.Open(context.Background(), store.Options{URL: url})
	if err == nil {
		db.Close()
		t.Fatal("Open of an unreachable server succeeded")
	}
	if errs.CodeOf(err) != errs.Unavailable {
		t.Errorf("code %s, want unavailable: %v", errs.CodeOf(err), err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error reveals the password: %v", err)
	}
	_, err = store.Open(context.Background(), store.Options{URL: "postgres://u:s3cr3t@[::1/x"})
	if errs.CodeOf(err) != errs.Invalid || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("malformed URL: %v, want Invalid without the password", err)
	}
}

func TestPostgresSession(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	if db.Dialect() != store.DialectPostgres {
		t.Fatalf("Dialect() = %s", db.Dialect())
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"statement_timeout":                   "30s",
		"lock_timeout":                        "10s",
		"idle_in_transaction_session_timeout": "1min",
		"TimeZone":                            "UTC",
		"application_name":                    "childcentre",
	} {
		var got string
		if err := db.SQL().QueryRow("SHOW " + name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("SHOW %s = %s, want %s", name, got, want)
		}
	}
}
