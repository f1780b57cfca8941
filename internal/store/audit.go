package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The audit log is append-only: this file has no UPDATE or DELETE of
// audit_log, and the database refuses them by trigger (0002_audit.sql).

// Errors of AppendAudit that are configuration or programming mistakes.
var (
	errNoChain       = errors.New("store: no audit chain key configured (Options.Chain)")
	errReadOnlyAudit = errors.New("store: audit append in a read-only transaction: use Update")
	errHeadCorrupt   = errors.New("store: audit_head holds a malformed hash")
)

const auditColumns = `seq, time, actor, role, country, action, target, outcome, addr, detail, prev, hash`

var auditColumnList = strings.Split(strings.ReplaceAll(auditColumns, " ", ""), ",")

// AppendAudit chains r onto the audit log inside tx, so that the record
// commits or rolls back with the act it records: the entry is inserted
// with the transaction's others just before the commit (audit_defer.go).
// A zero r.Time is set from the store's clock.
func (tx *Tx) AppendAudit(ctx context.Context, r audit.Record) error {
	const op = "store: append audit"
	if tx.db.chain == nil {
		return errs.Wrap(errNoChain, op)
	}
	if tx.audit == nil {
		return errs.Wrap(errReadOnlyAudit, op)
	}
	if r.Time.IsZero() {
		r.Time = tx.Now()
	}
	return tx.appendDeferred(ctx, r)
}

// AppendAudit appends r in a transaction of its own, for acts that write
// nothing else (a failed sign-in, a read of a record).
func (db *DB) AppendAudit(ctx context.Context, r audit.Record) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.AppendAudit(ctx, r) })
}

// AuditHead returns the sequence number and hash of the last entry, as
// recorded when it was appended: (0, nil) for an empty log. Verification
// compares it with the last entry it walked, to notice a cut-off tail.
func (db *DB) AuditHead(ctx context.Context) (seq int64, hash []byte, err error) {
	err = db.View(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
		return dbErr(err, "store: read audit head")
	})
	return seq, hash, err
}

// AuditEntryHash returns the stored hash of entry seq, nil when there is
// no such entry (audit.EntryHashReader): the checkpointer checks that the
// entry it signed last is still the same before it signs a longer head.
func (db *DB) AuditEntryHash(ctx context.Context, seq int64) (hash []byte, err error) {
	err = db.View(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, seq).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			hash, err = nil, nil
		}
		return dbErr(err, "store: read an audit entry's hash")
	})
	return hash, err
}

// Audit listing limits.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 1000
)

// ListAudit returns the entries f selects, newest first, and how many
// there are in all. f.Limit defaults to DefaultAuditLimit and is capped at
// MaxAuditLimit.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter) (entries []audit.Entry, total int, err error) {
	where, args := auditWhere(db.d, f)
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAuditLimit
	}
	limit = min(limit, MaxAuditLimit)
	offset := max(f.Offset, 0)
	err = db.View(ctx, func(tx *Tx) error {
		const op = "store: list audit"
		if err := tx.queryRow(ctx, `SELECT count(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
			return dbErr(err, op)
		}
		rows, err := tx.query(ctx, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		if err != nil {
			return dbErr(err, op)
		}
		entries, err = scanEntries(rows, limit)
		return dbErr(err, op)
	})
	if err != nil {
		return nil, 0, err
	}
	return entries, total, nil
}

// auditWhere builds the WHERE clause of a filter.
func auditWhere(d *dialect, f audit.Filter) (string, []any) {
	var conds []string
	var args []any
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	eq("country", f.Country)
	eq("actor", f.Actor)
	eq("target", f.Target)
	if f.Seq > 0 {
		conds = append(conds, "seq = ?")
		args = append(args, f.Seq)
	}
	if f.Action != "" {
		// substr, not LIKE: LIKE is case-insensitive on SQLite and would
		// need escaping of % and _.
		conds = append(conds, "substr(action, 1, ?) = ?")
		args = append(args, utf8.RuneCountInString(f.Action), f.Action)
	}
	if !f.From.IsZero() {
		conds = append(conds, "time >= ?")
		args = append(args, d.timeArg(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "time < ?")
		args = append(args, d.timeArg(f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// walkBatch is how many entries WalkAudit reads per query.
const walkBatch = 500

// WalkAudit calls fn for every entry in ascending seq order, stopping at
// the first error fn returns. It reads in batches keyed by seq, so memory
// stays constant however long the log, and holds no connection or
// transaction while fn runs. Entries appended during the walk are included.
func (db *DB) WalkAudit(ctx context.Context, fn func(audit.Entry) error) error {
	after := int64(-1 << 63)
	for {
		var batch []audit.Entry
		err := db.View(ctx, func(tx *Tx) error {
			rows, err := tx.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, after, walkBatch)
			if err != nil {
				return dbErr(err, "store: walk audit")
			}
			batch, err = scanEntries(rows, walkBatch)
			return dbErr(err, "store: walk audit")
		})
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < walkBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// scanEntries reads audit rows and closes them.
func scanEntries(rows *sql.Rows, capHint int) ([]audit.Entry, error) {
	defer rows.Close()
	entries := make([]audit.Entry, 0, min(capHint, 64))
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, scanTime{&e.Time}, &e.Actor, &e.Role, &e.Country, &e.Action,
			&e.Target, &e.Outcome, &e.Addr, &e.Detail, &e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
