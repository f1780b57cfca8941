package store

import (
	"context"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The sharing rules' tables (0030_exchange_node.sql) seen from the case
// registry: share states, supervisors' decisions and the outbox's writing
// end. The outbox's reading end (the sender) is in network.go.

// shareChunk bounds the rows of one multi-row statement.
const shareChunk = 200

// ShareStates implements cases.Tx.
func (tx casesTx) ShareStates(ctx context.Context, childIDs []int64) (map[int64]*cases.ShareState, error) {
	const op = "store: read share states"
	out := make(map[int64]*cases.ShareState, len(childIDs))
	for start := 0; start < len(childIDs); start += shareChunk {
		ids := childIDs[start:min(start+shareChunk, len(childIDs))]
		rows, err := tx.query(ctx, `SELECT child_id, ref, key_id, uploaded FROM exchange_records
			WHERE child_id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
		if err != nil {
			return nil, dbErr(err, op)
		}
		list, err := scanAll(rows, op, func(row interface{ Scan(...any) error }) (*cases.ShareState, error) {
			var st cases.ShareState
			return &st, row.Scan(&st.ChildID, &st.Ref, &st.KeyID, &st.Uploaded)
		})
		if err != nil {
			return nil, err
		}
		for _, st := range list {
			out[st.ChildID] = st
		}
	}
	return out, nil
}

// PutShareStates implements cases.Tx.
func (tx casesTx) PutShareStates(ctx context.Context, states []*cases.ShareState) error {
	for start := 0; start < len(states); start += shareChunk {
		part := states[start:min(start+shareChunk, len(states))]
		args := make([]any, 0, 4*len(part))
		for _, st := range part {
			args = append(args, st.ChildID, st.Ref, st.KeyID, tx.b(st.Uploaded))
		}
		_, err := tx.exec(ctx, `INSERT INTO exchange_records (child_id, ref, key_id, uploaded) VALUES `+
			rowsOf(len(part), 4)+` ON CONFLICT (child_id) DO UPDATE SET key_id = excluded.key_id, uploaded = excluded.uploaded`, args...)
		if err != nil {
			return dbErr(err, "store: write share states")
		}
	}
	return nil
}

// rowsOf returns "(?, ?), (?, ?)" for n rows of k columns.
func rowsOf(n, k int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// ShareDecisions implements cases.Tx.
func (tx casesTx) ShareDecisions(ctx context.Context, caseIDs []int64) (map[int64]bool, error) {
	const op = "store: read share decisions"
	out := map[int64]bool{}
	for start := 0; start < len(caseIDs); start += shareChunk {
		ids := caseIDs[start:min(start+shareChunk, len(caseIDs))]
		rows, err := tx.query(ctx, `SELECT case_id, share FROM exchange_share_decisions
			WHERE case_id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
		if err != nil {
			return nil, dbErr(err, op)
		}
		type dec struct {
			id    int64
			share bool
		}
		list, err := scanAll(rows, op, func(row interface{ Scan(...any) error }) (dec, error) {
			var d dec
			return d, row.Scan(&d.id, &d.share)
		})
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			out[d.id] = d.share
		}
	}
	return out, nil
}

// PutShareDecision implements cases.Tx.
func (tx casesTx) PutShareDecision(ctx context.Context, caseID int64, share bool, by string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO exchange_share_decisions (case_id, share, decided_by, decided_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET share = excluded.share, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		caseID, tx.b(share), by, tx.t(at))
	return dbErr(err, "store: write share decision")
}

// Unshared implements cases.Tx.
func (tx casesTx) Unshared(ctx context.Context, country auth.Country, keyID string, afterID int64, limit int) ([]*cases.ChildRecord, error) {
	const op = "store: list children to share"
	cond, args := inCountry("c.country", country, []any{afterID, keyID})
	rows, err := tx.query(ctx, `SELECT c.id FROM children c LEFT JOIN exchange_records r ON r.child_id = c.id
		WHERE c.id > ? AND (r.child_id IS NULL OR r.key_id <> ?)`+cond+` ORDER BY c.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	ids, err := scanAll(rows, op, func(row interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	var out []*cases.ChildRecord
	for start := 0; start < len(ids); start += shareChunk {
		recs, err := tx.Children(ctx, country, ids[start:min(start+shareChunk, len(ids))])
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// Enqueue implements cases.Tx.
func (tx casesTx) Enqueue(ctx context.Context, msgs []*cases.OutboxMessage) error {
	return enqueue(ctx, tx.Tx, msgs)
}

// enqueue writes msgs to the outbox, dropping pending messages about the
// same records first (a newer message supersedes them).
func enqueue(ctx context.Context, tx *Tx, msgs []*cases.OutboxMessage) error {
	const op = "store: write outbox"
	now := tx.Now()
	for start := 0; start < len(msgs); start += shareChunk {
		part := msgs[start:min(start+shareChunk, len(msgs))]
		var refs []any
		for _, m := range part {
			if m.Ref != "" {
				refs = append(refs, m.Ref)
			}
		}
		if len(refs) > 0 {
			if _, err := tx.exec(ctx, `DELETE FROM exchange_outbox WHERE status = 'pending' AND ref IN (`+
				placeholders(len(refs))+`)`, refs...); err != nil {
				return dbErr(err, op)
			}
		}
		// Due at once, whatever the clock does later: next_at is the epoch
		// until an attempt fails (Postpone).
		due := time.Unix(0, 0)
		args := make([]any, 0, 6*len(part))
		for _, m := range part {
			args = append(args, m.ID, m.Type, m.Ref, m.Body, tx.t(due), tx.t(now))
		}
		if _, err := tx.exec(ctx, `INSERT INTO exchange_outbox (msg_id, type, ref, body, next_at, created_at) VALUES `+
			rowsOf(len(part), 6), args...); err != nil {
			return dbErr(err, op)
		}
	}
	return nil
}
