package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStmtCache runs statements again on connections that keep them: the
// same text while its rows are still open (the second use must not reset
// the first), more texts than a connection keeps, errors, and a
// transaction.
func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLitePool(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // every statement on one connection
	if _, err := db.ExecContext(ctx, `CREATE TABLE n (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := db.ExecContext(ctx, `INSERT INTO n (v) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(q string, args ...any) (int, error) {
		var s int
		err := db.QueryRowContext(ctx, q, args...).Scan(&s)
		return s, err
	}

	t.Run("nested", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		const q = `SELECT v FROM n WHERE v >= ? ORDER BY v`
		outer, err := tx.QueryContext(ctx, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for outer.Next() {
			var v int
			outer.Scan(&v)
			got = append(got, v)
			inner, err := tx.QueryContext(ctx, q, 4) // same text, rows of outer open
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for inner.Next() {
				n++
			}
			inner.Close()
			if n != 1 {
				t.Fatalf("inner query: %d rows, want 1", n)
			}
		}
		if err := outer.Err(); err != nil {
			t.Fatal(err)
		}
		outer.Close()
		if fmt.Sprint(got) != "[0 1 2 3 4]" {
			t.Fatalf("outer rows %v, want [0 1 2 3 4]", got)
		}
	})

	t.Run("more texts than kept", func(t *testing.T) {
		for round := range 2 {
			for i := range stmtCacheSize + 10 {
				s, err := sum(fmt.Sprintf(`SELECT coalesce(sum(v), 0) + %d FROM n WHERE v < ?`, i), 3)
				if err != nil || s != 3+i {
					t.Fatalf("round %d query %d: %d, %v; want %d", round, i, s, err, 3+i)
				}
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, q string
			args    []any
		}{
			{"syntax", `SELEC v FROM n`, nil},
			{"no such table", `SELECT v FROM missing`, nil},
			{"too few arguments", `SELECT v FROM n WHERE v = ? AND v = ?`, []any{1}},
		} {
			if _, err := sum(tc.q, tc.args...); err == nil {
				t.Errorf("%s: no error", tc.name)
			}
		}
		// The statements that failed leave the connection usable.
		if s, err := sum(`SELECT sum(v) FROM n`); err != nil || s != 10 {
			t.Fatalf("after errors: %d, %v", s, err)
		}
	})

	t.Run("exec again", func(t *testing.T) {
		for i := range 3 {
			res, err := db.ExecContext(ctx, `UPDATE n SET v = v WHERE v <= ?`, i)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != int64(i+1) {
				t.Fatalf("update %d: %d rows, want %d", i, n, i+1)
			}
		}
	})
}
