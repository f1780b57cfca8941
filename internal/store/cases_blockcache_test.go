package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestEncodingsBlockCacheFollowsChanges checks that the duplicate check's
// blocks, kept opened in memory by one process, follow every change made
// by another process on the same database (a child added, its encoding
// or block changed, a child erased), and that what a rolled-back write
// transaction read is never kept.
func TestEncodingsBlockCacheFollowsChanges(t *testing.T) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == store.DialectPostgres {
				url = storetest.PostgresURL(t)
			}
			ctx := context.Background()
			open := func() (*store.CaseStore, *store.DB) {
				o := store.Options{URL: url, Chain: storetest.Chain(), MaxReadConns: 2}
				storetest.AtRest(t, &o)
				db, err := store.Open(ctx, o)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return store.NewCaseStore(db), db
			}
			node, _ := open()
			other, otherDB := open() // another process
			block := func() map[int64][]byte {
				t.Helper()
				got := map[int64][]byte{}
				err := node.View(ctx, func(tx cases.Tx) error {
					encs, err := tx.Encodings(ctx, "SE", nil, 2010, cases.SexFemale, 100)
					for i, e := range encs {
						got[e.ChildID] = e.CLK
						if i > 0 && e.ChildID >= encs[i-1].ChildID {
							t.Errorf("the block is not newest first: %d after %d", e.ChildID, encs[i-1].ChildID)
						}
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			want := func(step string, recs ...*cases.ChildRecord) {
				t.Helper()
				got := block()
				if len(got) != len(recs) {
					t.Fatalf("%s: %d children in the block, want %d", step, len(got), len(recs))
				}
				for _, r := range recs {
					if !bytes.Equal(got[r.ID], r.Linkage) {
						t.Fatalf("%s: child %d read as %x, want %x", step, r.ID, got[r.ID], r.Linkage)
					}
				}
			}
			write := func(s *store.CaseStore, fn func(tx cases.Tx) error) {
				t.Helper()
				if err := s.Update(ctx, fn); err != nil {
					t.Fatal(err)
				}
			}
			x, y := childRec("SE", ""), childRec("SE", "")
			for _, r := range []*cases.ChildRecord{x, y} {
				r.BirthYear, r.Sex = 2010, cases.SexFemale
			}
			y.Linkage = bytes.Repeat([]byte{0x11}, 128)
			write(node, func(tx cases.Tx) error { return tx.CreateChild(ctx, x) })
			want("first child", x)
			want("read again, from memory", x)

			write(other, func(tx cases.Tx) error { return tx.CreateChild(ctx, y) })
			want("a child added elsewhere", x, y)

			// A changed child of the block comes back in its place.
			x.Linkage = bytes.Repeat([]byte{0x55}, 128)
			write(other, func(tx cases.Tx) error { return tx.UpdateChild(ctx, x) })
			want("the older child's encoding changed elsewhere", x, y)

			y.Linkage = bytes.Repeat([]byte{0x22}, 128)
			write(other, func(tx cases.Tx) error { return tx.UpdateChild(ctx, y) })
			want("an encoding changed elsewhere", x, y)

			write(other, func(tx cases.Tx) error { return tx.Erase(ctx, nil, []int64{x.ID}) })
			want("a child erased elsewhere", y)

			y.BirthYear = 2015
			write(other, func(tx cases.Tx) error { return tx.UpdateChild(ctx, y) })
			want("a child moved to another block elsewhere")

			// A write transaction reads the block with a child it then
			// rolls back; another process then adds a different child,
			// which brings the block to the generation the rolled-back
			// transaction had seen.
			z, w := childRec("SE", ""), childRec("SE", "")
			for _, r := range []*cases.ChildRecord{z, w} {
				r.BirthYear, r.Sex = 2010, cases.SexFemale
			}
			z.Linkage, w.Linkage = bytes.Repeat([]byte{0x33}, 128), bytes.Repeat([]byte{0x44}, 128)
			rollback := errors.New("roll back")
			err := node.Update(ctx, func(tx cases.Tx) error {
				if err := tx.CreateChild(ctx, z); err != nil {
					return err
				}
				encs, err := tx.Encodings(ctx, "SE", nil, 2010, cases.SexFemale, 100)
				if err != nil || !slices.ContainsFunc(encs, func(e cases.Encoding) bool { return e.ChildID == z.ID }) {
					t.Errorf("in the write transaction: %v, %v; want the child it added", encs, err)
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			write(other, func(tx cases.Tx) error { return tx.CreateChild(ctx, w) })
			want("after a rolled-back read and a child added elsewhere", w)

			// More changes than the log keeps: the block is read whole.
			write(other, func(tx cases.Tx) error {
				for i := range 1001 {
					w.Linkage = bytes.Repeat([]byte{byte(i)}, 128)
					if err := tx.UpdateChild(ctx, w); err != nil {
						return err
					}
				}
				return nil
			})
			want("after more changes than the log keeps", w)
			var logged int
			if err := otherDB.SQL().QueryRow(`SELECT count(*) FROM child_block_log WHERE birth_year = 2010`).Scan(&logged); err != nil || logged > 1000 {
				t.Errorf("the log of a block holds %d entries (%v), want at most 1000", logged, err)
			}
		})
	}
}
