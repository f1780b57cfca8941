package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
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

// TestNationalRefAtRest: the national reference column holds a keyed hash,
// the reference itself is sealed; lookups by reference, uniqueness per
// country and rows from before (in clear) all still work (issue 10 M3).
func TestNationalRefAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		cs := store.NewCaseStore(db)
		a, b := childRec("SE", "MIG-2025/0042"), childRec("SE", "MIG-LEGACY-7")
		if err := cs.Update(ctx, func(tx cases.Tx) error {
			if err := tx.CreateChild(ctx, a); err != nil {
				return err
			}
			return tx.CreateChildren(ctx, []*cases.ChildRecord{b})
		}); err != nil {
			t.Fatal(err)
		}
		var key string
		var sealed []byte
		if err := db.SQL().QueryRow(db.Rebind(`SELECT national_ref, national_ref_sealed FROM children WHERE id = ?`), a.ID).Scan(&key, &sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(key, "0042") || bytes.Contains(sealed, []byte("0042")) || !strings.HasPrefix(key, "k1:") {
			t.Fatalf("the reference is stored in clear: %q %x", key, sealed)
		}
		// A row from before the migration: the reference in clear.
		if _, err := db.SQL().Exec(db.Rebind(`UPDATE children SET national_ref = ?, national_ref_sealed = NULL WHERE id = ?`), "MIG-LEGACY-7", b.ID); err != nil {
			t.Fatal(err)
		}
		err := cs.View(ctx, func(tx cases.Tx) error {
			r, err := tx.ChildByNationalRef(ctx, "SE", "MIG-2025/0042")
			if err != nil || r.ID != a.ID || r.NationalRef != "MIG-2025/0042" {
				t.Errorf("lookup: %+v %v", r, err)
			}
			rs, err := tx.ChildrenByNationalRef(ctx, "SE", []string{"MIG-2025/0042", "MIG-LEGACY-7", "nothing"})
			if err != nil || len(rs) != 2 {
				t.Errorf("lookup of many: %d %v", len(rs), err)
			}
			for _, r := range rs {
				if r.NationalRef != "MIG-2025/0042" && r.NationalRef != "MIG-LEGACY-7" {
					t.Errorf("read back %q", r.NationalRef)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Still unique per country.
		err = cs.Update(ctx, func(tx cases.Tx) error { return tx.CreateChild(ctx, childRec("SE", "MIG-2025/0042")) })
		if errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("duplicate reference: %v", err)
		}
	})
}
