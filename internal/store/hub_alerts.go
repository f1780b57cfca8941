package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/hub"
)

var _ hub.AlertTx = hubTx{}

// PutAlert implements hub.AlertTx.
func (tx hubTx) PutAlert(ctx context.Context, a *hub.Alert) error {
	err := tx.queryRow(ctx, `INSERT INTO hub_alerts (alert_key, country, ref, record_id, urgency, protect, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.Key, a.Country, a.Ref, a.Record, a.Urgency, tx.b(a.Protect), tx.t(a.Created)).Scan(&a.ID)
	return dbErr(err, "store: store an alert")
}

const alertColumns = `id, alert_key, country, ref, record_id, urgency, protect, created_at`

func scanAlert(row interface{ Scan(...any) error }) (*hub.Alert, error) {
	var a hub.Alert
	return &a, row.Scan(&a.ID, &a.Key, &a.Country, &a.Ref, &a.Record, &a.Urgency, &a.Protect, scanTime{&a.Created})
}

// AlertOf implements hub.AlertTx.
func (tx hubTx) AlertOf(ctx context.Context, country, ref string) (*hub.Alert, error) {
	a, err := scanAlert(tx.queryRow(ctx, `SELECT `+alertColumns+` FROM hub_alerts WHERE country = ? AND ref = ?`, country, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, dbErr(err, "store: read an alert")
}

// DeleteAlert implements hub.AlertTx.
func (tx hubTx) DeleteAlert(ctx context.Context, id int64) ([]string, error) {
	const op = "store: delete an alert"
	rows, err := tx.query(ctx, `SELECT DISTINCT country FROM hub_sightings WHERE alert_id = ?`, id)
	if err != nil {
		return nil, dbErr(err, op)
	}
	told, err := scanAll(rows, op, func(row interface{ Scan(...any) error }) (string, error) {
		var c string
		return c, row.Scan(&c)
	})
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `DELETE FROM hub_sightings WHERE alert_id = ?`, id); err != nil {
		return nil, dbErr(err, op)
	}
	_, err = tx.exec(ctx, `DELETE FROM hub_alerts WHERE id = ?`, id)
	return told, dbErr(err, op)
}

// ActiveAlerts implements hub.AlertTx.
func (tx hubTx) ActiveAlerts(ctx context.Context) ([]*hub.Alert, error) {
	const op = "store: list alerts"
	rows, err := tx.query(ctx, `SELECT `+alertColumns+` FROM hub_alerts ORDER BY id`)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanAlert)
}

// AddSighting implements hub.AlertTx.
func (tx hubTx) AddSighting(ctx context.Context, alert, record int64, country string, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `INSERT INTO hub_sightings (alert_id, record_id, country, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (alert_id, record_id) DO NOTHING`, alert, record, country, tx.t(at))
	return n == 1, dbErr(err, "store: store a sighting")
}

// CountAlerts implements hub.AlertTx.
func (tx hubTx) CountAlerts(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM hub_alerts`).Scan(&n)
	return n, dbErr(err, "store: count alerts")
}
