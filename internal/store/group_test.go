package store

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTestPostgres opens a schema of its own in the database at
// $CHILDCENTRE_TEST_POSTGRES (storetest cannot be imported here), dropped
// when the test ends; it skips the test when the variable is empty.
func openTestPostgres(t *testing.T) *DB {
	t.Helper()
	base := os.Getenv("CHILDCENTRE_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set CHILDCENTRE_TEST_POSTGRES")
	}
	ctx := context.Background()
	admin, err := Open(ctx, Options{URL: base, MaxReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "t_" + strings.ToLower(rand.Text())
	if _, err := admin.write.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := Open(ctx, Options{URL: base, MaxReadConns: 1})
		if err == nil {
			a.write.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := Open(ctx, Options{URL: u.String(), MaxReadConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestGroupCommit: concurrent writes share commits, yet each keeps its
// own outcome: an error, a failed statement or a panic undoes that write
// only, a writer whose request ends half-way harms no other, and every
// write that returned nil is there.
func TestGroupCommit(t *testing.T) { bothEngines(t, testGroupCommit) }

// bothEngines runs fn in parallel subtests on a new SQLite database and
// on a schema of its own in PostgreSQL (skipped without
// CHILDCENTRE_TEST_POSTGRES): storetest.Each for this package's own tests.
func bothEngines(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, engine := range []string{DialectSQLite, DialectPostgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			open := openTestSQLite
			if engine == DialectPostgres {
				open = openTestPostgres
			}
			fn(t, open(t))
		})
	}
}

func testGroupCommit(t *testing.T, db *DB) {
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec("CREATE TABLE g (n INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	errBad := errors.New("bad")
	const writers = 200
	var wg sync.WaitGroup
	results := make([]error, writers)
	panics := make([]bool, writers)
	for i := range writers {
		wg.Go(func() {
			defer func() { panics[i] = recover() != nil }()
			wctx, cancel := context.WithCancel(ctx)
			defer cancel()
			results[i] = db.Update(wctx, func(tx *Tx) error {
				if _, err := tx.exec(wctx, "INSERT INTO g (n) VALUES (?)", i); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errBad
				case 5: // a failed statement (PostgreSQL aborts the transaction)
					_, err := tx.exec(wctx, "INSERT INTO g (n) VALUES (?)", i)
					return err
				case 7:
					panic("write 7")
				case 9: // the writer's request ends half-way
					if db.d == postgresDialect && i == 9 {
						// ...while a statement of its runs (pgx would close
						// the connection the batch shares).
						time.AfterFunc(50*time.Millisecond, cancel)
						_, err := tx.exec(wctx, "SELECT pg_sleep(0.3)")
						return err
					}
					cancel()
					_, err := tx.exec(wctx, "INSERT INTO g (n) VALUES (?)", -i)
					return err
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i := range writers {
		var n int
		if err := db.read.QueryRow(db.d.rebind("SELECT count(*) FROM g WHERE n = ?"), i).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case i%10 == 7 && (!panics[i] || n != 0):
			t.Errorf("write %d panicked: re-raised %v, stored %d", i, panics[i], n)
		case i%10 == 3 && (!errors.Is(results[i], errBad) || n != 0):
			t.Errorf("write %d failed: got %v, stored %d", i, results[i], n)
		case i%10 == 5 && (results[i] == nil || n != 0):
			t.Errorf("write %d's statement failed: got %v, stored %d", i, results[i], n)
		case i%10 == 9 && (results[i] == nil) != (n == 1):
			t.Errorf("write %d, cancelled half-way: got %v, stored %d", i, results[i], n)
		case i%10 != 3 && i%10 != 5 && i%10 != 7 && i%10 != 9 && (results[i] != nil || n != 1):
			t.Errorf("write %d: %v, stored %d", i, results[i], n)
		}
	}
	// A writer whose context has ended does not write.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.Update(cctx, func(tx *Tx) error {
		_, err := tx.exec(cctx, "INSERT INTO g (n) VALUES (-1)")
		return err
	}); err == nil {
		t.Error("a write with a cancelled context succeeded")
	}
}
