package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/followup"
)

var _ followup.AlertTx = followupTx{}

// SharedRef implements followup.AlertTx.
func (tx followupTx) SharedRef(ctx context.Context, childID int64) (string, bool, error) {
	var ref string
	var uploaded bool
	err := tx.queryRow(ctx, `SELECT ref, uploaded FROM exchange_records WHERE child_id = ?`, childID).Scan(&ref, &uploaded)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return ref, uploaded, dbErr(err, "store: read a shared record")
}

// PutAlert implements followup.AlertTx.
func (tx followupTx) PutAlert(ctx context.Context, a *followup.Alert) error {
	err := tx.queryRow(ctx, `INSERT INTO followup_alerts (child_id, ref, urgency, protect, state, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.ChildID, a.Ref, a.Urgency, tx.b(a.Protect), a.State, a.CreatedBy, tx.t(a.CreatedAt)).Scan(&a.ID)
	return dbErr(err, "store: store an alert")
}

// Alert implements followup.AlertTx.
func (tx followupTx) Alert(ctx context.Context, id int64) (*followup.Alert, error) {
	a, err := scanNodeAlert(tx.queryRow(ctx, `SELECT id, child_id, ref, urgency, protect, state, created_by, created_at, cancelled_at
		FROM followup_alerts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, dbErr(err, "store: read an alert")
}

// Alerts implements followup.AlertTx.
func (tx followupTx) Alerts(ctx context.Context, childID int64, limit int) ([]*followup.Alert, error) {
	const op = "store: list alerts"
	q, args := `SELECT id, child_id, ref, urgency, protect, state, created_by, created_at, cancelled_at FROM followup_alerts`, []any{}
	if childID != 0 {
		q, args = q+` WHERE child_id = ?`, append(args, childID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY CASE WHEN state = ? THEN 0 ELSE 1 END, id DESC LIMIT ?`,
		append(args, followup.AlertActive, limit)...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanNodeAlert)
}

func scanNodeAlert(row interface{ Scan(...any) error }) (*followup.Alert, error) {
	var a followup.Alert
	var child sql.NullInt64
	err := row.Scan(&a.ID, &child, &a.Ref, &a.Urgency, &a.Protect, &a.State, &a.CreatedBy,
		scanTime{&a.CreatedAt}, scanTime{&a.CancelledAt})
	a.ChildID = child.Int64
	return &a, err
}

// CancelAlert implements followup.AlertTx.
func (tx followupTx) CancelAlert(ctx context.Context, id int64, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `UPDATE followup_alerts SET state = ?, cancelled_at = ? WHERE id = ? AND state = ?`,
		followup.AlertCancelled, tx.t(at), id, followup.AlertActive)
	return n == 1, dbErr(err, "store: cancel an alert")
}

// PutSighting implements followup.AlertTx.
func (tx followupTx) PutSighting(ctx context.Context, s *followup.Sighting) (bool, error) {
	child := sql.NullInt64{Int64: s.ChildID, Valid: s.ChildID != 0}
	n, err := tx.execN(ctx, `INSERT INTO followup_sightings (alert_key, local_ref, child_id, alerting, other_country, urgency,
		band, registered, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_key, local_ref) DO NOTHING`,
		s.AlertKey, s.LocalRef, child, tx.b(s.Alerting), s.OtherCountry, s.Urgency, s.Band, tx.timeOrNil(s.Registered), tx.t(s.ReceivedAt))
	return n == 1, dbErr(err, "store: store a sighting")
}

// WithdrawSightings implements followup.AlertTx.
func (tx followupTx) WithdrawSightings(ctx context.Context, alertKey string) error {
	_, err := tx.exec(ctx, `UPDATE followup_sightings SET withdrawn = ? WHERE alert_key = ?`, tx.b(true), alertKey)
	return dbErr(err, "store: withdraw sightings")
}

// Sightings implements followup.AlertTx.
func (tx followupTx) Sightings(ctx context.Context, limit int) ([]*followup.Sighting, error) {
	const op = "store: list sightings"
	rows, err := tx.query(ctx, `SELECT id, alert_key, local_ref, child_id, alerting, other_country, urgency, band, registered,
		received_at, withdrawn FROM followup_sightings ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, func(row interface{ Scan(...any) error }) (*followup.Sighting, error) {
		var s followup.Sighting
		var child sql.NullInt64
		err := row.Scan(&s.ID, &s.AlertKey, &s.LocalRef, &child, &s.Alerting, &s.OtherCountry, &s.Urgency, &s.Band,
			scanTime{&s.Registered}, scanTime{&s.ReceivedAt}, &s.Withdrawn)
		s.ChildID = child.Int64
		return &s, err
	})
}
