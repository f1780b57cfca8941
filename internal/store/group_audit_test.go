package store

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
)

// TestGroupCommitAudit: the audit entries of a batch are chained in memory
// and inserted at its commit, yet each writer's entries commit or vanish
// with its act: a writer that fails after appending (with or without a
// statement of its own, before or after its entries were flushed early)
// leaves none behind, and the log verifies with every entry of every
// writer that succeeded, each once.
func TestGroupCommitAudit(t *testing.T) { bothEngines(t, testGroupCommitAudit) }

func testGroupCommitAudit(t *testing.T, db *DB) {
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.chain = audit.NewChain([]byte("group-commit-audit-test-key-0001"))
	if _, err := db.write.Exec("CREATE TABLE g (n INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	rec := func(i, j int) audit.Record {
		return audit.Record{Actor: "system", Action: "test.write", Target: "w:" + strconv.Itoa(i), Outcome: "ok", Detail: strconv.Itoa(j)}
	}
	errBad := errors.New("bad")
	// What writer i does, by i%8, and how many entries it leaves.
	many := auditFlushAt + 44 // flushed while the writer runs
	kinds := []struct {
		desc string
		want int
		run  func(tx *Tx, i int) error
	}{
		{"audit only", 1, func(tx *Tx, i int) error { return tx.AppendAudit(ctx, rec(i, 0)) }},
		{"audit only, then fails", 0, func(tx *Tx, i int) error {
			if err := tx.AppendAudit(ctx, rec(i, 0)); err != nil {
				return err
			}
			return errBad
		}},
		{"statement and audit", 1, func(tx *Tx, i int) error {
			if _, err := tx.exec(ctx, "INSERT INTO g (n) VALUES (?)", i); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, rec(i, 0))
		}},
		{"audit, statement, fails", 0, func(tx *Tx, i int) error {
			if err := tx.AppendAudit(ctx, rec(i, 0)); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "INSERT INTO g (n) VALUES (?)", i); err != nil {
				return err
			}
			return errBad
		}},
		{"many entries", many, func(tx *Tx, i int) error {
			recs := make([]audit.Record, many)
			for j := range recs {
				recs[j] = rec(i, j)
			}
			return audit.AppendAll(ctx, tx, recs)
		}},
		{"many entries, then fails", 0, func(tx *Tx, i int) error {
			for j := range many { // one by one: flushed half-way
				if err := tx.AppendAudit(ctx, rec(i, j)); err != nil {
					return err
				}
			}
			return errBad
		}},
		{"audit, then panics", 0, func(tx *Tx, i int) error {
			if err := tx.AppendAudit(ctx, rec(i, 0)); err != nil {
				return err
			}
			panic("writer panics")
		}},
		{"two entries", 2, func(tx *Tx, i int) error {
			if err := tx.AppendAudit(ctx, rec(i, 0)); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, rec(i, 1))
		}},
	}
	const writers = 80
	var wg sync.WaitGroup
	results := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					results[i] = errors.New("panicked")
				}
			}()
			results[i] = db.Update(ctx, func(tx *Tx) error { return kinds[i%len(kinds)].run(tx, i) })
		})
	}
	wg.Wait()

	got := map[string]int{}
	rep, err := audit.Verify(ctx, db, db.chain)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("the log does not verify: %v", rep)
	}
	if err := db.WalkAudit(ctx, func(e audit.Entry) error { got[e.Target]++; return nil }); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range writers {
		k := kinds[i%len(kinds)]
		if ok := k.want > 0; ok != (results[i] == nil) {
			t.Errorf("writer %d (%s): %v", i, k.desc, results[i])
		}
		if n := got["w:"+strconv.Itoa(i)]; n != k.want {
			t.Errorf("writer %d (%s): %d entries, want %d", i, k.desc, n, k.want)
		}
		total += k.want
	}
	if rep.Entries != total {
		t.Errorf("%d entries in the log, want %d", rep.Entries, total)
	}
}
