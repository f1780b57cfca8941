package store

import (
	"context"
	"database/sql"
	"strconv"
)

// WalkRecords calls fn with the reference of every child, case and account
// the database holds ("child:12", "case:3", "user:4"), for the audit
// cross-check (audit.CheckCreations). Ids are read table by table in
// batches, so memory stays constant.
func (db *DB) WalkRecords(ctx context.Context, fn func(target string) error) error {
	for _, t := range []struct{ table, prefix string }{{"users", "user:"}, {"children", "child:"}, {"cases", "case:"}} {
		after := int64(-1 << 63)
		for {
			var ids []int64
			err := db.View(ctx, func(tx *Tx) error {
				rows, err := tx.query(ctx, `SELECT id FROM `+t.table+` WHERE id > ? ORDER BY id LIMIT ?`, after, walkBatch*10)
				if err != nil {
					return dbErr(err, "store: walk records")
				}
				ids, err = scanIDs(rows)
				return dbErr(err, "store: walk records")
			})
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := fn(t.prefix + strconv.FormatInt(id, 10)); err != nil {
					return err
				}
			}
			if len(ids) < walkBatch*10 {
				break
			}
			after = ids[len(ids)-1]
		}
	}
	return nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
