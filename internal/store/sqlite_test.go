package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// These tests look inside the SQLite pools, so they live in package store.

func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{URL: filepath.Join(t.TempDir(), "p.db"), MaxReadConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTestSQLite(t)
	pragmas := func(t *testing.T, c *sql.Conn, want map[string]string) {
		t.Helper()
		for name, v := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", name, err)
			}
			if got != v {
				t.Errorf("PRAGMA %s = %s, want %s", name, got, v)
			}
		}
	}
	common := map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
		"busy_timeout": "10000",
	}
	w, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pragmas(t, w, common)
	pragmas(t, w, map[string]string{"query_only": "0"})
	w.Close()

	// Hold every read connection at once, so that each is checked.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for _, c := range conns {
		pragmas(t, c, common)
		pragmas(t, c, map[string]string{"query_only": "1"})
		if _, err := c.ExecContext(ctx, "CREATE TABLE x (a INTEGER)"); err == nil {
			t.Error("a read connection wrote")
		}
	}
	if got := db.write.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("write pool allows %d connections, want 1", got)
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"},
		{"INSERT INTO t VALUES (?, '?', ?)", "INSERT INTO t VALUES ($1, '?', $2)"},
		{`SELECT "odd?" FROM t WHERE x = 'it''s ?' AND y = ?`, `SELECT "odd?" FROM t WHERE x = 'it''s ?' AND y = $1`},
		{"?,?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11"},
	}
	for _, tt := range tests {
		if got := postgresDialect.rebind(tt.in); got != tt.pg {
			t.Errorf("postgres rebind(%q) = %q, want %q", tt.in, got, tt.pg)
		}
		if got := sqliteDialect.rebind(tt.in); got != tt.in {
			t.Errorf("sqlite rebind(%q) = %q, want it unchanged", tt.in, got)
		}
	}
}

func TestMigrationsParse(t *testing.T) {
	t.Parallel()
	ms := migrations()
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	for _, m := range ms {
		for _, d := range []*dialect{sqliteDialect, postgresDialect} {
			text, err := m.sql(d)
			if err != nil {
				t.Errorf("%s on %s: %v", m.name, d.Name, err)
			}
			if len(text) == 0 {
				t.Errorf("%s on %s is empty", m.name, d.Name)
			}
		}
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"good", fstest.MapFS{"m/0001_a.sql": {Data: []byte("CREATE TABLE a (id {{.ID}});")}, "m/README.md": {}}, true},
		{"bad name", fstest.MapFS{"m/1_a.sql": {Data: []byte("SELECT 1;")}}, false},
		{"upper case", fstest.MapFS{"m/0001_A.sql": {Data: []byte("SELECT 1;")}}, false},
		{"shared number", fstest.MapFS{"m/0001_a.sql": {Data: []byte("SELECT 1;")}, "m/0001_b.sql": {Data: []byte("SELECT 1;")}}, false},
		{"bad template", fstest.MapFS{"m/0001_a.sql": {Data: []byte("{{if .Postgres}}")}}, false},
	}
	for _, tt := range tests {
		_, err := loadMigrations(tt.files, "m")
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	// An unknown placeholder fails at expansion, not silently.
	ms, err := loadMigrations(fstest.MapFS{"m/0001_a.sql": {Data: []byte("CREATE TABLE a (x {{.Nope}});")}}, "m")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ms[0].sql(sqliteDialect); err == nil {
		t.Error("an unknown placeholder expanded without error")
	}
}
