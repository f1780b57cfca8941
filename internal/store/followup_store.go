package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// FollowUpStore implements followup.Store on the tables of
// 0055_followup.sql, beside the outbox and hits of 0030.
type FollowUpStore struct{ db *DB }

// NewFollowUpStore returns the followup.Store of db.
func NewFollowUpStore(db *DB) *FollowUpStore { return &FollowUpStore{db: db} }

var (
	_ followup.Store = (*FollowUpStore)(nil)
	_ followup.Tx    = followupTx{}
)

// Update implements followup.Store.
func (s *FollowUpStore) Update(ctx context.Context, fn func(followup.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(followupTx{tx}) })
}

// View implements followup.Store.
func (s *FollowUpStore) View(ctx context.Context, fn func(followup.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(followupTx{tx}) })
}

type followupTx struct{ *Tx }

// Enqueue implements followup.Tx.
func (tx followupTx) Enqueue(ctx context.Context, msgs []*cases.OutboxMessage) error {
	return enqueue(ctx, tx.Tx, msgs)
}

// HitRef implements followup.Tx.
func (tx followupTx) HitRef(ctx context.Context, id int64) (*followup.HitRef, error) {
	var h followup.HitRef
	err := tx.queryRow(ctx, `SELECT hit_id, child_id, local_ref, other_country, other_ref FROM exchange_hits WHERE id = ?`, id).
		Scan(&h.HitID, &h.ChildID, &h.LocalRef, &h.OtherCountry, &h.OtherRef)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &h, dbErr(err, "store: read a hit")
}

// ChildOfRef implements followup.Tx.
func (tx followupTx) ChildOfRef(ctx context.Context, ref string) (int64, error) {
	return syncTx{tx.Tx}.ChildOfRef(ctx, ref)
}

func (tx followupTx) timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.t(t)
}

// PutRequest implements followup.Tx.
func (tx followupTx) PutRequest(ctx context.Context, r *followup.Request) error {
	child := sql.NullInt64{Int64: r.ChildID, Valid: r.ChildID != 0}
	err := tx.queryRow(ctx, `INSERT INTO followup_requests (thread, direction, other_country, child_id, local_ref, other_ref,
		hit_id, urgency, handling, legal_basis, state, deadline, created_by, created_at, updated_at, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Thread, r.Direction, r.OtherCountry, child, r.LocalRef, r.OtherRef, r.HitID, string(r.Urgency), r.Handling,
		r.LegalBasis, r.State, tx.timeOrNil(r.Deadline), r.CreatedBy, tx.t(r.CreatedAt), tx.t(r.UpdatedAt), r.Body).Scan(&r.ID)
	return dbErr(err, "store: store a follow-up request")
}

const followupColumns = `id, thread, direction, other_country, child_id, local_ref, other_ref, hit_id, urgency, handling,
	legal_basis, state, deadline, created_by, created_at, updated_at, body`

func scanFollowUp(row interface{ Scan(...any) error }) (*followup.Request, error) {
	var r followup.Request
	var child sql.NullInt64
	var urgency string
	err := row.Scan(&r.ID, &r.Thread, &r.Direction, &r.OtherCountry, &child, &r.LocalRef, &r.OtherRef, &r.HitID, &urgency,
		&r.Handling, &r.LegalBasis, &r.State, scanTime{&r.Deadline}, &r.CreatedBy, scanTime{&r.CreatedAt}, scanTime{&r.UpdatedAt}, &r.Body)
	r.ChildID, r.Urgency = child.Int64, followup.Urgency(urgency)
	return &r, err
}

func (tx followupTx) one(ctx context.Context, where string, args ...any) (*followup.Request, error) {
	r, err := scanFollowUp(tx.queryRow(ctx, `SELECT `+followupColumns+` FROM followup_requests WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, dbErr(err, "store: read a follow-up request")
}

// Request implements followup.Tx.
func (tx followupTx) Request(ctx context.Context, id int64) (*followup.Request, error) {
	return tx.one(ctx, `id = ?`, id)
}

// RequestByThread implements followup.Tx.
func (tx followupTx) RequestByThread(ctx context.Context, thread, direction string) (*followup.Request, error) {
	return tx.one(ctx, `thread = ? AND direction = ?`, thread, direction)
}

// SetState implements followup.Tx.
func (tx followupTx) SetState(ctx context.Context, id int64, from, to string, deadline time.Time) (bool, error) {
	q := `UPDATE followup_requests SET state = ?, updated_at = ? WHERE id = ? AND state = ?`
	args := []any{to, tx.t(tx.Now()), id, from}
	if !deadline.IsZero() {
		q = `UPDATE followup_requests SET state = ?, updated_at = ?, deadline = ? WHERE id = ? AND state = ?`
		args = []any{to, tx.t(tx.Now()), tx.t(deadline), id, from}
	}
	n, err := tx.execN(ctx, q, args...)
	return n == 1, dbErr(err, "store: change a follow-up request")
}

// AddEvent implements followup.Tx.
func (tx followupTx) AddEvent(ctx context.Context, e *followup.Event) error {
	err := tx.queryRow(ctx, `INSERT INTO followup_events (request_id, kind, actor, at, detail, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.RequestID, e.Kind, e.Actor, tx.t(e.At), e.Detail, e.Body).Scan(&e.ID)
	return dbErr(err, "store: add to a follow-up thread")
}

// Events implements followup.Tx.
func (tx followupTx) Events(ctx context.Context, requestID int64) ([]*followup.Event, error) {
	const op = "store: read a follow-up thread"
	rows, err := tx.query(ctx, `SELECT id, request_id, kind, actor, at, detail, body FROM followup_events WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, func(row interface{ Scan(...any) error }) (*followup.Event, error) {
		var e followup.Event
		return &e, row.Scan(&e.ID, &e.RequestID, &e.Kind, &e.Actor, scanTime{&e.At}, &e.Detail, &e.Body)
	})
}

// Requests implements followup.Tx.
func (tx followupTx) Requests(ctx context.Context, limit int) ([]*followup.Request, error) {
	const op = "store: list follow-up requests"
	rows, err := tx.query(ctx, `SELECT `+followupColumns+` FROM followup_requests
		ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanFollowUp)
}

// Seen implements followup.Tx.
func (tx followupTx) Seen(ctx context.Context, msgID, from string) (bool, error) {
	n, err := tx.execN(ctx, `INSERT INTO followup_seen (msg_id, from_country, at) VALUES (?, ?, ?) ON CONFLICT (msg_id) DO NOTHING`,
		msgID, from, tx.t(tx.Now()))
	return n == 1, dbErr(err, "store: record a follow-up message")
}

// CountOverdue implements followup.Tx.
func (tx followupTx) CountOverdue(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM followup_requests WHERE state IN ('sent', 'pending') AND deadline < ?`, tx.t(now)).Scan(&n)
	return n, dbErr(err, "store: count overdue follow-up requests")
}
