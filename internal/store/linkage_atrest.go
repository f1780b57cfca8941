package store

import (
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The records' linkage encodings are sealed at rest (issue 10 M3) when the
// store is opened with Options.LinkageAtRest: a keyed Bloom filter reveals
// nothing without its key, but its bit patterns can still be attacked by
// frequency; sealed, the column shows only random bytes. Each value is
// bound to its child's reference. Without a cipher (tools, some tests) the
// encodings are stored as given.

// sealLinkage seals a child's encoding for storage.
func (db *DB) sealLinkage(ref string, clk []byte) []byte {
	if db.linkageAtRest == nil || clk == nil {
		return clk
	}
	return db.linkageAtRest.Seal(clk, "children.linkage:"+ref)
}

// openLinkage opens a stored encoding for duplicate detection.
func (db *DB) openLinkage(ref string, v []byte) ([]byte, error) {
	if db.linkageAtRest == nil || v == nil {
		return v, nil
	}
	return db.linkageAtRest.Open(v, "children.linkage:"+ref)
}

// linkageOf is a child record's encoding as stored.
func (db *DB) linkageOf(r *cases.ChildRecord) []byte { return db.sealLinkage(r.Ref, r.Linkage) }

// National references at rest (issue 10 M3): national_ref holds a keyed
// hash (lookups, uniqueness per country), national_ref_sealed the sealed
// reference, bound to the child. Rows from before hold the reference in
// clear and no sealed copy; lookups match both forms.

// natRefColumns returns the values of national_ref and national_ref_sealed
// for a child's reference ("" : NULL, NULL).
func (db *DB) natRefColumns(childRef, natRef string) (key, sealed any) {
	switch {
	case natRef == "":
		return nil, nil
	case db.natRefAtRest == nil:
		return natRef, nil
	}
	return db.natRefAtRest.Mac(natRef), db.natRefAtRest.Seal([]byte(natRef), "children.national_ref:"+childRef)
}

// natRefKeys returns the values national_ref may hold for a reference:
// its keyed hash, and the reference itself for rows from before.
func (db *DB) natRefKeys(natRef string) []any {
	if db.natRefAtRest == nil {
		return []any{natRef}
	}
	return []any{db.natRefAtRest.Mac(natRef), natRef}
}

// scanChild reads a child row (childColumns) and opens its national
// reference.
func (db *DB) scanChild(row interface{ Scan(...any) error }) (*cases.ChildRecord, error) {
	var sealed []byte
	r, err := scanChildRow(row, &sealed)
	if err != nil || sealed == nil {
		return r, err
	}
	if db.natRefAtRest == nil {
		return nil, errs.E(errs.Internal, "store: a sealed national reference, and no key to open it")
	}
	v, err := db.natRefAtRest.Open(sealed, "children.national_ref:"+r.Ref)
	if err != nil {
		return nil, err
	}
	r.NationalRef = string(v)
	return r, nil
}
