package store

import (
	"context"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Deferred audit entries. A write transaction (every Update is one of
// the group commit, group.go) chains its audit entries in memory and
// inserts them with multi-row INSERTs and one update of the head just
// before it commits. Appending an entry one statement at a time cost
// three round trips (lock the head, insert, move the head) for every
// audited act, and a search — audited, and two thirds of the load — then
// needed a savepoint only for them: on PostgreSQL the database's own CPU
// was as large as the node's. The entries still commit or roll back with
// the act they record: they are in the same transaction, and a writer
// that fails takes its entries out of the batch's list (restore).
//
// The head is read and locked once per batch, at the first entry; on
// SQLite the single write connection already holds every lock.

// auditFlushAt bounds the entries held in memory: an act appending more
// (an import records two entries per registration) has them inserted as
// it goes, one full INSERT at a time.
var auditFlushAt = maxArgs / len(auditColumnList)

// auditBuf is the audit state of one write transaction.
type auditBuf struct {
	loaded bool   // the head has been read (and locked) in this transaction
	seq    int64  // the head as the database holds it in this transaction
	head   []byte //
	// pending are entries chained after seq, not yet inserted. A flush
	// starts a new slice, so that a mark's view of the old one stays
	// intact for a restore.
	pending []audit.Entry
}

// auditMark is an auditBuf as it was before a writer ran.
type auditMark auditBuf

// tip returns the sequence number and hash the next entry chains onto.
func (b *auditBuf) tip() (int64, []byte) {
	if n := len(b.pending); n > 0 {
		return b.pending[n-1].Seq, b.pending[n-1].Hash
	}
	return b.seq, b.head
}

func (b *auditBuf) mark() auditMark { return auditMark(*b) }

// restore takes out the entries of a writer that failed. rolledBack says
// whether the database was rolled back to the writer's savepoint: then
// the head it read and any flush it caused are undone as well, and the
// buffer is as it was. Without a savepoint the writer ran no statement of
// its own: only its entries go, and a head it read (outside any
// savepoint, so still locked) stays read.
func (b *auditBuf) restore(m auditMark, rolledBack bool) {
	if rolledBack {
		*b = auditBuf(m)
		return
	}
	b.pending = m.pending
}

// appendDeferred chains r after the batch's last entry.
func (tx *Tx) appendDeferred(ctx context.Context, r audit.Record) error {
	const op = "store: append audit"
	b := tx.audit
	if !b.loaded {
		// Read through the transaction itself, not tx.exec: reading the
		// head is the batch's, not this writer's, and needs no savepoint.
		err := tx.tx.QueryRowContext(tx.ctx(ctx), `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.db.d.forUpdate).Scan(&b.seq, &b.head)
		if err != nil {
			return dbErr(err, op)
		}
		if b.seq > 0 && len(b.head) != audit.HashSize {
			return errs.Wrap(errHeadCorrupt, op)
		}
		b.loaded = true
	}
	seq, head := b.tip()
	b.pending = append(b.pending, tx.db.chain.Link(seq+1, head, r))
	if len(b.pending) >= auditFlushAt {
		return tx.flushAudit(ctx)
	}
	return nil
}

// flushAudit inserts the pending entries and moves the head past them.
func (tx *Tx) flushAudit(ctx context.Context) error {
	const op = "store: append audit"
	b := tx.audit
	if b == nil || len(b.pending) == 0 {
		return nil
	}
	rows := make([][]any, len(b.pending))
	for i, e := range b.pending {
		rows[i] = []any{e.Seq, tx.t(e.Time), e.Actor, e.Role, e.Country, e.Action, e.Target, e.Outcome, e.Addr, e.Detail, e.Prev, e.Hash}
	}
	if err := (casesTx{tx}).insertMany(ctx, "audit_log", auditColumnList, rows); err != nil {
		return dbErr(err, op)
	}
	seq, head := b.tip()
	n, err := tx.execN(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, head)
	if err == nil && n != 1 {
		err = errors.New("audit_head row missing")
	}
	if err != nil {
		return dbErr(err, op)
	}
	b.seq, b.head, b.pending = seq, head, nil
	return nil
}
