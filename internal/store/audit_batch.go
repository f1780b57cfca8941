package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// AppendAuditBatch chains many records onto the audit log inside tx, as
// AppendAudit does one, by bulk statements: an import of 100,000
// registrations records each child's and case's creation without 200,000
// round trips. Zero times are set from the store's clock.
func (tx *Tx) AppendAuditBatch(ctx context.Context, recs []audit.Record) error {
	const op = "store: append audit batch"
	if len(recs) == 0 {
		return nil
	}
	if tx.db.chain == nil {
		return errs.Wrap(errNoChain, op)
	}
	if !tx.write {
		return errs.Wrap(errReadOnlyAudit, op)
	}
	if tx.audit != nil {
		now := tx.Now()
		for _, r := range recs {
			if r.Time.IsZero() {
				r.Time = now
			}
			if err := tx.appendDeferred(ctx, r); err != nil {
				return err
			}
		}
		return tx.flushAudit(ctx)
	}
	var seq int64
	var head []byte
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.db.d.forUpdate).Scan(&seq, &head)
	if err != nil {
		return dbErr(err, op)
	}
	if seq > 0 && len(head) != audit.HashSize {
		return errs.Wrap(errHeadCorrupt, op)
	}
	now := tx.Now()
	rows := make([][]any, len(recs))
	for i, r := range recs {
		if r.Time.IsZero() {
			r.Time = now
		}
		e := tx.db.chain.Link(seq+1, head, r)
		seq, head = e.Seq, e.Hash
		rows[i] = []any{e.Seq, tx.t(e.Time), e.Actor, e.Role, e.Country, e.Action, e.Target, e.Outcome, e.Addr, e.Detail, e.Prev, e.Hash}
	}
	if err := (casesTx{tx}).insertMany(ctx, "audit_log", auditColumnList, rows); err != nil {
		return dbErr(err, op)
	}
	n, err := tx.execN(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, head)
	if err == nil && n != 1 {
		err = errors.New("audit_head row missing")
	}
	return dbErr(err, op)
}

var auditColumnList = []string{"seq", "time", "actor", "role", "country", "action", "target", "outcome", "addr", "detail", "prev", "hash"}

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
