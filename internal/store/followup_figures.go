package store

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/followup"
)

// The follow-up dashboard's queries (followup.FiguresTx): coded columns
// and event times only, never a sealed body.

var _ followup.FiguresTx = followupTx{}

// OpenRequests implements followup.FiguresTx. Deadline order puts the
// overdue first: their deadlines are the earliest.
func (tx followupTx) OpenRequests(ctx context.Context, limit int) ([]*followup.Request, error) {
	const op = "store: list open follow-up requests"
	rows, err := tx.query(ctx, `SELECT `+followupColumns+` FROM followup_requests WHERE state IN (?, ?, ?)
		ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, id LIMIT ?`,
		followup.StateApproval, followup.StateSent, followup.StatePending, limit)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanFollowUp)
}

// Timings implements followup.FiguresTx. A request waiting for approval
// has not left and is no figure of the other country's.
func (tx followupTx) Timings(ctx context.Context) ([]followup.Timing, error) {
	const op = "store: read follow-up timings"
	rows, err := tx.query(ctx, `SELECT r.other_country, r.direction,
		(SELECT MIN(e.at) FROM followup_events e WHERE e.request_id = r.id AND e.kind IN (?, ?)),
		(SELECT MIN(e.at) FROM followup_events e WHERE e.request_id = r.id AND e.kind IN (?, ?))
		FROM followup_requests r WHERE r.state <> ?`,
		followup.EvSent, followup.EvReceived, followup.EvDecided, followup.EvAnswered, followup.StateApproval)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, func(row interface{ Scan(...any) error }) (followup.Timing, error) {
		var t followup.Timing
		return t, row.Scan(&t.OtherCountry, &t.Direction, scanTime{&t.Started}, scanTime{&t.Decided})
	})
}

// SightingsByCountry implements followup.FiguresTx. Withdrawn notices
// count: the child was seen there before the alert was cancelled.
func (tx followupTx) SightingsByCountry(ctx context.Context) (map[string]int, error) {
	const op = "store: count sightings"
	rows, err := tx.query(ctx, `SELECT other_country, COUNT(*) FROM followup_sightings WHERE alerting = ?
		GROUP BY other_country`, tx.b(true))
	if err != nil {
		return nil, dbErr(err, op)
	}
	type count struct {
		country string
		n       int
	}
	list, err := scanAll(rows, op, func(row interface{ Scan(...any) error }) (count, error) {
		var c count
		return c, row.Scan(&c.country, &c.n)
	})
	out := make(map[string]int, len(list))
	for _, c := range list {
		out[c.country] = c.n
	}
	return out, err
}
