package store

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// TestGroupCommit: concurrent writes share commits, yet each keeps its
// own outcome: an error or a panic undoes that write only, and every
// write that returned nil is there.
func TestGroupCommit(t *testing.T) {
	db := openTestSQLite(t)
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
			results[i] = db.Update(ctx, func(tx *Tx) error {
				if _, err := tx.exec(ctx, "INSERT INTO g (n) VALUES (?)", i); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errBad
				case 7:
					panic("write 7")
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i := range writers {
		var n int
		if err := db.read.QueryRow("SELECT count(*) FROM g WHERE n = ?", i).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case i%10 == 7 && (!panics[i] || n != 0):
			t.Errorf("write %d panicked: re-raised %v, stored %d", i, panics[i], n)
		case i%10 == 3 && (!errors.Is(results[i], errBad) || n != 0):
			t.Errorf("write %d failed: got %v, stored %d", i, results[i], n)
		case i%10 != 3 && i%10 != 7 && (results[i] != nil || n != 1):
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
