package store

import (
	"context"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
)

// This file re-seals the follow-up threads' values sealed at rest (purpose
// followup.AtRestPurpose) after a key rotation (childcentre keys rotate):
// requests' bodies, events' decisions, and attached files with their
// headers. Like the second-factor secrets (totp_reseal.go), a rotation
// must reach them before the old key can be retired.

// followupColumn is one sealed column: how to read its values with what
// binds them, and how to swap one.
type followupColumn struct {
	name   string // table.column, in errors and progress
	query  string // id, thread, att_id, value of rows with id > ?, in id order, LIMIT ?
	update string // value = ? WHERE id = ? AND value = ?
	aad    func(thread, attID string) string
	batch  int // at most this many rows per batch (files are up to 10 MiB); 0: no bound
}

var followupSealedColumns = []followupColumn{
	{"followup_requests.body", `SELECT id, thread, '', body FROM followup_requests WHERE id > ? ORDER BY id LIMIT ?`,
		`UPDATE followup_requests SET body = ? WHERE id = ? AND body = ?`,
		func(thread, _ string) string { return followup.BodyAAD(thread) }, 0},
	{"followup_events.body", `SELECT e.id, r.thread, '', e.body FROM followup_events e JOIN followup_requests r ON r.id = e.request_id
		WHERE e.id > ? AND e.body IS NOT NULL ORDER BY e.id LIMIT ?`,
		`UPDATE followup_events SET body = ? WHERE id = ? AND body = ?`,
		func(thread, _ string) string { return followup.BodyAAD(thread) }, 0},
	{"followup_attachments.meta", `SELECT a.id, r.thread, a.att_id, a.meta FROM followup_attachments a JOIN followup_requests r ON r.id = a.request_id
		WHERE a.id > ? ORDER BY a.id LIMIT ?`,
		`UPDATE followup_attachments SET meta = ? WHERE id = ? AND meta = ?`,
		func(thread, att string) string { return followup.AttachmentAAD(thread, att, "meta") }, 0},
	{"followup_attachments.body", `SELECT a.id, r.thread, a.att_id, a.body FROM followup_attachments a JOIN followup_requests r ON r.id = a.request_id
		WHERE a.id > ? ORDER BY a.id LIMIT ?`,
		`UPDATE followup_attachments SET body = ? WHERE id = ? AND body = ?`,
		func(thread, att string) string { return followup.AttachmentAAD(thread, att, "body") }, 4},
}

type sealedFollowUp struct {
	id            int64
	thread, attID string
	value         []byte
}

// ResealFollowUp re-seals under the primary data key every value of the
// follow-up threads sealed under an older one, column by column, in
// batches as ResealTOTP does: read, re-sealed outside any transaction,
// swapped only where the row still holds the value read. s is the sealer
// of purpose followup.AtRestPurpose. It returns how many values were
// re-sealed.
func (db *DB) ResealFollowUp(ctx context.Context, s TOTPSealer, batch int, progress func(done int)) (int, error) {
	if batch <= 0 {
		batch = DefaultTOTPBatch
	}
	resealed, done := 0, 0
	for _, c := range followupSealedColumns {
		n := batch
		if c.batch > 0 {
			n = min(n, c.batch)
		}
		var after int64
		for {
			if err := ctx.Err(); err != nil {
				return resealed, err
			}
			vals, last, err := db.followupSealed(ctx, c, after, n)
			if err != nil || last == 0 {
				if err != nil {
					return resealed, err
				}
				break
			}
			var olds []sealedFollowUp
			var news [][]byte
			for _, v := range vals {
				if !s.NeedsRotation(v.value) {
					continue
				}
				nv, _, err := s.Reseal(v.value, c.aad(v.thread, v.attID))
				if err != nil {
					return resealed, errs.Wrap(err, "store: reseal "+c.name+" of row "+strconv.FormatInt(v.id, 10))
				}
				olds, news = append(olds, v), append(news, nv)
			}
			if len(olds) > 0 {
				err := db.Update(ctx, func(tx *Tx) error {
					for i, v := range olds {
						k, err := tx.execN(ctx, c.update, news[i], v.id, v.value)
						if err != nil {
							return dbErr(err, "store: swap "+c.name)
						}
						resealed += k // a value changed meanwhile was sealed anew by that change
					}
					return nil
				})
				if err != nil {
					return resealed, err
				}
			}
			done += len(vals)
			if progress != nil {
				progress(done)
			}
			after = last
		}
	}
	return resealed, nil
}

// FollowUpNeedingRotation counts the follow-up threads' values sealed
// under a data key other than the primary: zero before an old key may be
// retired.
func (db *DB) FollowUpNeedingRotation(ctx context.Context, s TOTPSealer) (int, error) {
	n := 0
	for _, c := range followupSealedColumns {
		limit := DefaultTOTPBatch * 5
		if c.batch > 0 {
			limit = c.batch
		}
		var after int64
		for {
			vals, last, err := db.followupSealed(ctx, c, after, limit)
			if err != nil {
				return n, err
			}
			if last == 0 {
				break
			}
			for _, v := range vals {
				if s.NeedsRotation(v.value) {
					n++
				}
			}
			after = last
		}
	}
	return n, nil
}

// followupSealed reads up to limit values of column c with ids above
// after, and the last id read (0 when none).
func (db *DB) followupSealed(ctx context.Context, c followupColumn, after int64, limit int) ([]sealedFollowUp, int64, error) {
	var out []sealedFollowUp
	var last int64
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, c.query, after, limit)
		if err != nil {
			return dbErr(err, "store: read "+c.name)
		}
		defer rows.Close()
		for rows.Next() {
			var v sealedFollowUp
			if err := rows.Scan(&v.id, &v.thread, &v.attID, &v.value); err != nil {
				return dbErr(err, "store: read "+c.name)
			}
			out, last = append(out, v), v.id
		}
		return dbErr(rows.Err(), "store: read "+c.name)
	})
	return out, last, err
}
