package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestSQLiteConcurrentWritersNeverBusy has many goroutines write at once
// through two handles on one file (a server and an administrator's command
// beside it), while others read. Every transaction must succeed: writers
// queue on the single write connection, and the two processes' writers on
// the busy timeout, so none may see SQLITE_BUSY.
func TestSQLiteConcurrentWritersNeverBusy(t *testing.T) {
	t.Parallel()
	writers, each := 16, 25
	if testing.Short() {
		writers, each = 8, 10
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{URL: path, Chain: storetest.Chain()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	server, admin := open(), open()
	if _, err := server.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dbs := []*store.DB{server, admin}

	var wg sync.WaitGroup
	errc := make(chan error, writers+4)
	for w := range writers {
		db := dbs[w%2]
		s := store.NewAuthStore(db)
		wg.Go(func() {
			for i := range each {
				// Read, then write what depends on the read, then audit.
				err := s.Update(ctx, func(tx auth.Tx) error {
					n, err := tx.CountUsers(ctx)
					if err != nil {
						return err
					}
					u := newUser(fmt.Sprintf("w%d-%d", w, i), auth.RoleOfficer, "SE")
					u.TOTPLastStep = int64(n)
					if err := tx.CreateUser(ctx, u); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, rec("user.create", "SE"))
				})
				if err != nil {
					errc <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	for r := range 4 {
		s := store.NewAuthStore(dbs[r%2])
		wg.Go(func() {
			for range each {
				err := s.View(ctx, func(tx auth.Tx) error {
					_, err := tx.ListUsers(ctx, auth.UserFilter{Country: "SE"})
					return err
				})
				if err != nil {
					errc <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	// Every write landed, and the audit chain is whole.
	checkChain(t, server, walk(t, server), writers*each)
	err := store.NewAuthStore(server).View(ctx, func(tx auth.Tx) error {
		n, err := tx.CountUsers(ctx)
		if n != writers*each {
			t.Errorf("%d users, want %d", n, writers*each)
		}
		// Each writer saw the count before it, so the counts are 0..n-1
		// exactly once: the transactions were serialised.
		users, err2 := tx.ListUsers(ctx, auth.UserFilter{})
		seen := map[int64]bool{}
		for _, u := range users {
			if seen[u.TOTPLastStep] {
				t.Errorf("two transactions read the same count %d", u.TOTPLastStep)
			}
			seen[u.TOTPLastStep] = true
		}
		if err == nil {
			err = err2
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitEndsWithContext holds the audit head in one transaction while
// another append waits for it (on SQLite for the write connection, on
// PostgreSQL for the row lock): the waiting one gives up when its context
// ends, with errs.Unavailable, and the store carries on.
func TestWaitEndsWithContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		holding, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.Update(ctx, func(tx *store.Tx) error {
				if err := tx.AppendAudit(ctx, rec("a.first", "SE")); err != nil {
					close(holding)
					return err
				}
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		err := db.AppendAudit(short, rec("a.second", "SE"))
		cancel()
		if errs.CodeOf(err) != errs.Unavailable {
			t.Errorf("append while the head is held = %v, want Unavailable", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := db.AppendAudit(ctx, rec("a.third", "SE")); err != nil {
			t.Fatal(err)
		}
		entries := walk(t, db)
		checkChain(t, db, entries, 2)
		if entries[0].Action != "a.first" || entries[1].Action != "a.third" {
			t.Errorf("entries %s, %s", entries[0].Action, entries[1].Action)
		}
		if db.Dialect() == store.DialectPostgres {
			// A statement cut short by its context leaves a usable pool.
			short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			if _, err := db.SQL().ExecContext(short, "SELECT pg_sleep(5)"); err == nil {
				t.Error("pg_sleep outlived its context")
			}
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
