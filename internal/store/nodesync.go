package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// NodeSyncStore implements nodesync.Store on the tables of
// 0030_exchange_node.sql: the outbox's sending end, the inbox cursor, hits
// and the sealed linkage secrets.
type NodeSyncStore struct{ db *DB }

// NewNodeSyncStore returns the nodesync.Store of db.
func NewNodeSyncStore(db *DB) *NodeSyncStore { return &NodeSyncStore{db: db} }

var (
	_ nodesync.Store = (*NodeSyncStore)(nil)
	_ nodesync.Tx    = syncTx{}
)

// Update implements nodesync.Store.
func (s *NodeSyncStore) Update(ctx context.Context, fn func(nodesync.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(syncTx{tx}) })
}

// View implements nodesync.Store.
func (s *NodeSyncStore) View(ctx context.Context, fn func(nodesync.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(syncTx{tx}) })
}

type syncTx struct{ *Tx }

const outgoingColumns = `id, msg_id, type, body, attempts, code, created_at`

func scanOutgoing(row interface{ Scan(...any) error }) (*nodesync.Outgoing, error) {
	var o nodesync.Outgoing
	return &o, row.Scan(&o.ID, &o.MsgID, &o.Type, &o.Body, &o.Attempts, &o.Code, scanTime{&o.Created})
}

// Due implements nodesync.Tx.
func (tx syncTx) Due(ctx context.Context, limit int) ([]*nodesync.Outgoing, error) {
	const op = "store: read the outbox"
	rows, err := tx.query(ctx, `SELECT `+outgoingColumns+` FROM exchange_outbox
		WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?`, tx.t(tx.Now()), limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanOutgoing)
}

// Delivered implements nodesync.Tx.
func (tx syncTx) Delivered(ctx context.Context, ids []int64) error {
	for start := 0; start < len(ids); start += shareChunk {
		part := ids[start:min(start+shareChunk, len(ids))]
		if _, err := tx.exec(ctx, `DELETE FROM exchange_outbox WHERE id IN (`+placeholders(len(part))+`)`, int64Args(part)...); err != nil {
			return dbErr(err, "store: mark delivered")
		}
	}
	return nil
}

// Refuse implements nodesync.Tx.
func (tx syncTx) Refuse(ctx context.Context, id int64, code string) error {
	_, err := tx.exec(ctx, `UPDATE exchange_outbox SET status = 'refused', code = ?, attempts = attempts + 1 WHERE id = ?`, code, id)
	return dbErr(err, "store: mark refused")
}

// Postpone implements nodesync.Tx.
func (tx syncTx) Postpone(ctx context.Context, ids []int64, delay time.Duration) error {
	next := tx.Now().Add(delay)
	for start := 0; start < len(ids); start += shareChunk {
		part := ids[start:min(start+shareChunk, len(ids))]
		args := append([]any{tx.t(next)}, int64Args(part)...)
		if _, err := tx.exec(ctx, `UPDATE exchange_outbox SET attempts = attempts + 1, next_at = ?
			WHERE status = 'pending' AND id IN (`+placeholders(len(part))+`)`, args...); err != nil {
			return dbErr(err, "store: postpone")
		}
	}
	return nil
}

// OutboxCounts implements nodesync.Tx.
func (tx syncTx) OutboxCounts(ctx context.Context) (pending, refused int, err error) {
	// Two counts on the index by status: a sum over the table read every
	// message's body, a node's whole registry during its initial sync.
	err = tx.queryRow(ctx, `SELECT
		(SELECT count(*) FROM exchange_outbox WHERE status = 'pending'),
		(SELECT count(*) FROM exchange_outbox WHERE status = 'refused')`).Scan(&pending, &refused)
	return pending, refused, dbErr(err, "store: count the outbox")
}

// Shared implements nodesync.Tx.
func (tx syncTx) Shared(ctx context.Context) (int, error) {
	var k int
	err := tx.queryRow(ctx, `SELECT count(*) FROM exchange_records WHERE uploaded = ?`, tx.b(true)).Scan(&k)
	return k, dbErr(err, "store: count shared records")
}

// Refusals implements nodesync.Tx.
func (tx syncTx) Refusals(ctx context.Context, limit int) ([]*nodesync.Outgoing, error) {
	const op = "store: read refusals"
	rows, err := tx.query(ctx, `SELECT `+outgoingColumns+` FROM exchange_outbox WHERE status = 'refused' ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanOutgoing)
}

// Enqueue implements nodesync.Tx.
func (tx syncTx) Enqueue(ctx context.Context, msgs []*cases.OutboxMessage) error {
	return enqueue(ctx, tx.Tx, msgs)
}

// State implements nodesync.Tx.
func (tx syncTx) State(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM exchange_state WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, dbErr(err, "store: read state")
}

// SetState implements nodesync.Tx.
func (tx syncTx) SetState(ctx context.Context, name, value string) error {
	_, err := tx.exec(ctx, `INSERT INTO exchange_state (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return dbErr(err, "store: write state")
}

// ChildOfRef implements nodesync.Tx.
func (tx syncTx) ChildOfRef(ctx context.Context, ref string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT child_id FROM exchange_records WHERE ref = ?`, ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, dbErr(err, "store: find a shared record")
}

// PutHit implements nodesync.Tx.
func (tx syncTx) PutHit(ctx context.Context, h *nodesync.Hit) (bool, error) {
	const op = "store: store a hit"
	var id int64
	var status string
	err := tx.queryRow(ctx, `SELECT id, status FROM exchange_hits
		WHERE hit_id = ? OR (local_ref = ? AND other_country = ? AND other_ref = ?)`,
		h.HitID, h.LocalRef, h.OtherCountry, h.OtherRef).Scan(&id, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err := tx.exec(ctx, `INSERT INTO exchange_hits (hit_id, child_id, local_ref, other_country, other_ref, band, status,
				received_at, explanation)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.HitID, h.ChildID, h.LocalRef, h.OtherCountry, h.OtherRef, h.Band, h.Status,
			tx.t(h.ReceivedAt), jsonColumn(h.Explanation))
		return err == nil, dbErr(err, op)
	case err != nil:
		return false, dbErr(err, op)
	case status == nodesync.HitWithdrawn:
		// The pair holds again (the other side re-uploaded): show it again
		// under the hub's new hit id.
		_, err := tx.exec(ctx, `UPDATE exchange_hits SET hit_id = ?, band = ?, status = ?, received_at = ?, explanation = ?
			WHERE id = ?`, h.HitID, h.Band, nodesync.HitOpen, tx.t(h.ReceivedAt), jsonColumn(h.Explanation), id)
		return err == nil, dbErr(err, op)
	}
	return false, nil // held already; a rejected pair stays rejected
}

// WithdrawHit implements nodesync.Tx.
func (tx syncTx) WithdrawHit(ctx context.Context, hitID string) error {
	_, err := tx.exec(ctx, `UPDATE exchange_hits SET status = ? WHERE hit_id = ? AND status IN (?, ?)`,
		nodesync.HitWithdrawn, hitID, nodesync.HitOpen, nodesync.HitFollowUp)
	return dbErr(err, "store: withdraw a hit")
}

const hitColumns = `h.id, h.hit_id, h.child_id, h.local_ref, h.other_country, h.other_ref, h.band, h.status,
	h.received_at, h.decided_at, h.decided_by, c.birth_year, c.sex, h.explanation`

func scanHit(row interface{ Scan(...any) error }) (*nodesync.Hit, error) {
	var h nodesync.Hit
	var sex, ex string
	err := row.Scan(&h.ID, &h.HitID, &h.ChildID, &h.LocalRef, &h.OtherCountry, &h.OtherRef, &h.Band, &h.Status,
		scanTime{&h.ReceivedAt}, scanTime{&h.DecidedAt}, &h.DecidedBy, &h.BirthYear, &sex, &ex)
	h.Sex = cases.Sex(sex)
	h.Explanation = jsonOf[exchange.Explanation](ex)
	return &h, err
}

// Hits implements nodesync.Tx.
func (tx syncTx) Hits(ctx context.Context, statuses []string, limit int) ([]*nodesync.Hit, error) {
	const op = "store: list hits"
	args := make([]any, 0, len(statuses)+1)
	for _, s := range statuses {
		args = append(args, s)
	}
	rows, err := tx.query(ctx, `SELECT `+hitColumns+` FROM exchange_hits h JOIN children c ON c.id = h.child_id
		WHERE h.status IN (`+placeholders(len(statuses))+`) ORDER BY h.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanHit)
}

// Hit implements nodesync.Tx.
func (tx syncTx) Hit(ctx context.Context, id int64) (*nodesync.Hit, error) {
	h, err := scanHit(tx.queryRow(ctx, `SELECT `+hitColumns+` FROM exchange_hits h JOIN children c ON c.id = h.child_id WHERE h.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "possible match", "store: read a hit")
	}
	return h, nil
}

// DecideHit implements nodesync.Tx.
func (tx syncTx) DecideHit(ctx context.Context, id int64, from, status, by string, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `UPDATE exchange_hits SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ?`,
		status, by, tx.t(at), id, from)
	return n == 1, dbErr(err, "store: decide a hit")
}

// CountHits implements nodesync.Tx.
func (tx syncTx) CountHits(ctx context.Context, status string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM exchange_hits WHERE status = ?`, status).Scan(&n)
	return n, dbErr(err, "store: count hits")
}

// PutSecret implements nodesync.Tx.
func (tx syncTx) PutSecret(ctx context.Context, s *nodesync.SecretRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO exchange_secrets (key_id, secret, origin, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key_id) DO NOTHING`, s.KeyID, s.Sealed, s.Origin, tx.t(s.Created))
	return dbErr(err, "store: keep a linkage secret")
}

// Secrets implements nodesync.Tx.
func (tx syncTx) Secrets(ctx context.Context) ([]*nodesync.SecretRecord, error) {
	const op = "store: read linkage secrets"
	rows, err := tx.query(ctx, `SELECT key_id, secret, origin, created_at FROM exchange_secrets ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, func(row interface{ Scan(...any) error }) (*nodesync.SecretRecord, error) {
		var s nodesync.SecretRecord
		return &s, row.Scan(&s.KeyID, &s.Sealed, &s.Origin, scanTime{&s.Created})
	})
}
