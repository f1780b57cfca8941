package store

import (
	"context"
	"slices"
)

// Usernames implements auth.Tx.
func (tx authTx) Usernames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return tx.namesByID(ctx, `SELECT id, username FROM users WHERE id IN `, ids, "store: read usernames")
}

// TokenNames implements tokens.Tx.
func (tx tokensTx) TokenNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return tx.namesByID(ctx, `SELECT id, name FROM api_tokens WHERE id IN `, ids, "store: read token names")
}

// namesByID runs query (which ends in "IN ") for the distinct non-zero ids,
// in chunks that stay under every engine's limit of arguments, and returns
// the name of each id found: a page names all its authors in one query.
func (tx *Tx) namesByID(ctx context.Context, query string, ids []int64, op string) (map[int64]string, error) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == 0 })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[int64]string, len(ids))
	const per = 1000
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		rows, err := tx.query(ctx, query+`(`+placeholders(len(chunk))+`)`, int64Args(chunk)...)
		if err != nil {
			return nil, dbErr(err, op)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, dbErr(err, op)
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr(err, op)
		}
	}
	return out, nil
}
