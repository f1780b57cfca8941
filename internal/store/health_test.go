package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TestSQLiteDiskFull: a write that finds the disk full (SQLITE_FULL, here
// by capping the file's page count) is Unavailable, not Internal; /readyz's
// Ping then reports not ready although reads work, and ready again by
// itself once writes fit.
func TestSQLiteDiskFull(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec("CREATE TABLE filler (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.write.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	fill := func() error {
		return db.Update(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, "INSERT INTO filler (b) VALUES (zeroblob(1000000))")
			return err
		})
	}
	if err := fill(); errs.CodeOf(err) != errs.Unavailable {
		t.Fatalf("write on a full disk: %v, want unavailable", err)
	}
	if err := db.Ping(ctx); errs.CodeOf(err) != errs.Unavailable {
		t.Fatalf("Ping with a full disk: %v, want unavailable", err)
	}
	if err := db.View(ctx, func(tx *Tx) error { return tx.queryRow(ctx, "SELECT count(*) FROM filler").Scan(new(int)) }); err != nil {
		t.Fatalf("reads should still work: %v", err)
	}
	if _, err := db.write.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping after space was freed: %v", err)
	}
	if err := fill(); err != nil {
		t.Fatalf("write after space was freed: %v", err)
	}
}
