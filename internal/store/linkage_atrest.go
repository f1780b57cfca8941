package store

import "github.com/cbss-egcc/childcentre/internal/cases"

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
