package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestLinkageSealedAtRest: the linkage column holds no encoding in clear,
// duplicate detection reads the encodings back, and one moved to another
// child's row does not open (issue 10 M3).
func TestLinkageSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		cs := store.NewCaseStore(db)
		a, b := childRec("SE", "N-1", "tok"), childRec("SE", "N-2", "tok")
		a.Linkage = bytes.Repeat([]byte{0x5a}, 128)
		if err := cs.Update(ctx, func(tx cases.Tx) error {
			if err := tx.CreateChild(ctx, a); err != nil {
				return err
			}
			return tx.CreateChildren(ctx, []*cases.ChildRecord{b})
		}); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := db.SQL().QueryRow(db.Rebind(`SELECT linkage FROM children WHERE id = ?`), a.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, a.Linkage[:16]) || len(raw) <= len(a.Linkage) {
			t.Fatalf("the encoding is stored in clear: %x", raw[:16])
		}
		read := func() map[int64][]byte {
			out := map[int64][]byte{}
			err := cs.View(ctx, func(tx cases.Tx) error {
				encs, err := tx.Encodings(ctx, "SE", [][]byte{[]byte("tok")}, 0, "", 10)
				for _, e := range encs {
					out[e.ChildID] = e.CLK
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		got := read()
		if !bytes.Equal(got[a.ID], a.Linkage) || !bytes.Equal(got[b.ID], b.Linkage) {
			t.Fatalf("encodings read back: %d", len(got))
		}
		// Copied onto another child's row, a sealed encoding does not open.
		if _, err := db.SQL().Exec(db.Rebind(`UPDATE children SET linkage = ? WHERE id = ?`), raw, b.ID); err != nil {
			t.Fatal(err)
		}
		err := cs.View(ctx, func(tx cases.Tx) error {
			_, err := tx.Encodings(ctx, "SE", [][]byte{[]byte("tok")}, 0, "", 10)
			return err
		})
		if err == nil {
			t.Fatal("an encoding moved to another record opened")
		}
	})
}
