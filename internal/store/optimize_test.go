package store_test

import (
	"context"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestOptimizeAfterImport checks that a bulk insert of many children (an
// import) leaves the database with statistics for its tables, and that a
// small one does not pay for refreshing them.
func TestOptimizeAfterImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewCaseStore(db)
		importN := func(n int) {
			t.Helper()
			recs := make([]*cases.ChildRecord, n)
			for i := range recs {
				recs[i] = childRec("SE", "", "tok")
			}
			casesUpdate(t, s, func(tx cases.Tx) error { return tx.CreateChildren(ctx, recs) })
		}
		importN(10)
		if analysed(t, db) {
			t.Fatal("statistics refreshed after a small insert")
		}
		importN(1000)
		if !analysed(t, db) {
			t.Fatal("no statistics for the children after an import of 1,000")
		}
		if err := db.Optimize(ctx); err != nil { // again, with statistics in place
			t.Fatal(err)
		}
	})
}

// analysed reports whether the database holds statistics of the
// children table, gathered by Optimize.
func analysed(t *testing.T, db *store.DB) bool {
	t.Helper()
	var q string
	switch db.Dialect() {
	case store.DialectPostgres:
		q = `SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'children'
			AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL`
	default:
		var n int
		if err := db.SQL().QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n == 0 {
			return false
		}
		q = `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'children'`
	}
	var n int
	if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestHotRowTables checks that PostgreSQL keeps most of each page of
// the tables every write updates free (migration 0062), so that every
// access prunes the versions the updates leave behind.
func TestHotRowTables(t *testing.T) {
	db := storetest.Postgres(t)
	for _, table := range []string{"child_blocks", "audit_head"} {
		var opts string
		err := db.SQL().QueryRow(`SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class
			WHERE oid = to_regclass(current_schema() || '.' || $1)`, table).Scan(&opts)
		if err != nil {
			t.Fatal(err)
		}
		if opts != "fillfactor=10" {
			t.Errorf("%s: reloptions %q, want fillfactor=10", table, opts)
		}
	}
}
