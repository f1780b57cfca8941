package store

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The duplicate check of every registration compares it with the children
// of its country born within a year with the same sex: some 2,000 of a
// 20,000-child registry, each read and opened (the encodings are sealed at
// rest). Reading and opening them was most of a registration's time. The
// opened encodings of a block are kept here, with the block's generation
// (migration 0061), which the database raises in the same transaction as
// any change to the block, whichever process makes it, logging the child
// it changed. A block whose generation has moved is brought up to date by
// reading again the children the log names since, or whole when the log
// no longer reaches back that far. The cache holds what the process can
// open at any time with keys it holds anyway, and nothing leaves it.

// blockLogKept is how many generations of a block child_block_log keeps
// (the 1000 in migration 0061).
const blockLogKept = 1000

// maxCachedEncodings bounds the cache: at about 160 bytes an encoding,
// 32 MB. Past it, the cache starts again empty.
const maxCachedEncodings = 200_000

// blockKey names a block of the duplicate check.
type blockKey struct {
	country auth.Country
	year    int
	sex     cases.Sex
}

// cachedBlock is a block's encodings as of generation gen, newest first.
type cachedBlock struct {
	gen  int64
	encs []cases.Encoding
}

// blockCache holds the opened encodings of blocks. Safe for concurrent use.
type blockCache struct {
	mu     sync.Mutex
	blocks map[blockKey]*cachedBlock
	size   int // encodings held
}

// get returns block k as held, or nil. The block is shared: read it,
// never change it.
func (c *blockCache) get(k blockKey) *cachedBlock {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blocks[k]
}

// put keeps the encodings of block k as of generation gen. A generation
// older than the one held is ignored: a slow reader must not put back
// what a faster one has replaced.
func (c *blockCache) put(k blockKey, gen int64, encs []cases.Encoding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocks == nil {
		c.blocks = map[blockKey]*cachedBlock{}
	}
	old := c.blocks[k]
	if old != nil {
		if old.gen > gen {
			return
		}
		c.size -= len(old.encs)
	}
	if len(encs) > maxCachedEncodings {
		delete(c.blocks, k)
		return
	}
	if c.size+len(encs) > maxCachedEncodings {
		clear(c.blocks)
		c.size = 0
	}
	c.blocks[k] = &cachedBlock{gen: gen, encs: encs}
	c.size += len(encs)
}

// blockEncodings returns the encodings of block k, of generation gen,
// newest first: from memory when cache is set and the block held is of
// that generation, brought up to date from the log when it is older, and
// otherwise read whole (and kept when cache is set and it has fewer than
// limit children).
func (tx casesTx) blockEncodings(ctx context.Context, op string, k blockKey, gen int64, cache bool, limit int) ([]cases.Encoding, error) {
	if cache {
		old := tx.db.blocks.get(k)
		switch {
		case old != nil && old.gen == gen:
			return old.encs, nil
		case old != nil && old.gen < gen && gen-old.gen < blockLogKept:
			encs, err := tx.refreshBlock(ctx, op, k, old, gen)
			if err != nil {
				return nil, err
			}
			if len(encs) < limit {
				tx.db.blocks.put(k, gen, encs)
				return encs, nil
			}
			return encs[:limit], nil
		}
	}
	// LIMIT takes the same value every time: SQLite prepares a statement
	// again when the value bound to its LIMIT changes.
	ccond, cargs := inCountry("country", k.country, nil)
	args := append(append([]any{k.year, string(k.sex)}, cargs...), limit)
	encs, err := tx.readEncodings(ctx, op, `SELECT id, ref, birth_year, linkage FROM children
		WHERE birth_year = ? AND sex = ?`+ccond+` AND linkage IS NOT NULL ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	if cache && len(encs) < limit {
		tx.db.blocks.put(k, gen, encs)
	}
	return encs, nil
}

// refreshBlock brings old up to generation gen: the children the log
// names since old's generation are dropped from it and those still in
// the block (as of gen or later) read again and added back, in one query
// driven by the log. It returns a new slice, newest first; old is not
// changed.
func (tx casesTx) refreshBlock(ctx context.Context, op string, k blockKey, old *cachedBlock, gen int64) ([]cases.Encoding, error) {
	rows, err := tx.query(ctx, `SELECT l.child_id, c.ref, c.birth_year, c.linkage FROM child_block_log l
		LEFT JOIN children c ON c.id = l.child_id AND c.country = l.country AND c.birth_year = l.birth_year
			AND c.sex = l.sex AND c.linkage IS NOT NULL
		WHERE l.country = ? AND l.birth_year = ? AND l.sex = ? AND l.gen > ? AND l.gen <= ?`,
		string(k.country), k.year, string(k.sex), old.gen, gen)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	changed := map[int64]bool{}
	var fresh []cases.Encoding
	for rows.Next() {
		var e cases.Encoding
		var ref *string
		var year *int
		if err := rows.Scan(&e.ChildID, &ref, &year, &e.CLK); err != nil {
			return nil, dbErr(err, op)
		}
		if changed[e.ChildID] {
			continue // logged more than once since: read once
		}
		changed[e.ChildID] = true
		if ref == nil {
			continue // no longer in the block
		}
		e.BirthYear = *year
		if e.CLK, err = tx.db.openLinkage(*ref, e.CLK); err != nil {
			return nil, errs.Wrap(err, op)
		}
		fresh = append(fresh, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, op)
	}
	// Merged in order: the few fresh ones sorted, the block already is.
	newestFirst := func(a, b cases.Encoding) int { return cmp.Compare(b.ChildID, a.ChildID) }
	slices.SortFunc(fresh, newestFirst)
	out := make([]cases.Encoding, 0, len(old.encs)+len(fresh))
	for _, e := range old.encs {
		if changed[e.ChildID] {
			continue
		}
		for len(fresh) > 0 && newestFirst(fresh[0], e) < 0 {
			out, fresh = append(out, fresh[0]), fresh[1:]
		}
		out = append(out, e)
	}
	return append(out, fresh...), nil
}
