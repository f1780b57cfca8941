package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/hub"
)

// HubStore implements hub.Store on the database (the hub_* tables of
// 0020_hub.sql).
type HubStore struct{ db *DB }

// NewHubStore returns the hub.Store of db.
func NewHubStore(db *DB) *HubStore { return &HubStore{db: db} }

var (
	_ hub.Store = (*HubStore)(nil)
	_ hub.Tx    = hubTx{}
)

// Update implements hub.Store.
func (s *HubStore) Update(ctx context.Context, fn func(hub.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(hubTx{tx}) })
}

// View implements hub.Store.
func (s *HubStore) View(ctx context.Context, fn func(hub.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(hubTx{tx}) })
}

type hubTx struct{ *Tx }

// hubSequenceLock is the advisory lock key of LockSequence on PostgreSQL
// (the bytes spell "hubseq").
const hubSequenceLock = 0x687562736571

// LockSequence implements hub.Tx. On PostgreSQL identity values are handed
// out at insert time but become visible at commit, in any order; holding
// one lock from the first insert to the commit makes the order of the
// change log and the inboxes the order of commits. SQLite's single writer
// already does.
func (tx hubTx) LockSequence(ctx context.Context) error {
	if !tx.db.d.Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(hubSequenceLock))
	return dbErr(err, "store: lock hub sequence")
}

// SeeMessage implements hub.Tx.
func (tx hubTx) SeeMessage(ctx context.Context, country, id string, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `INSERT INTO hub_messages (country, msg_id, received_at) VALUES (?, ?, ?)
		ON CONFLICT (country, msg_id) DO NOTHING`, country, id, tx.t(at))
	if err != nil {
		return false, dbErr(err, "store: record message id")
	}
	return n == 0, nil
}

// TouchNode implements hub.Tx: the node's last contact and certificate; a
// Hello also sets its schema, key and software. A negative Pending keeps
// the outbox depth the node last reported.
func (tx hubTx) TouchNode(ctx context.Context, n *hub.Node, hello bool, accepted int) error {
	at := tx.t(n.LastContact)
	_, err := tx.exec(ctx, `INSERT INTO hub_nodes (country, serial, certificate, not_after, first_contact, last_contact,
			schema_fp, key_id, software, pending, messages)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (country) DO UPDATE SET serial = excluded.serial, certificate = excluded.certificate,
			not_after = excluded.not_after, last_contact = excluded.last_contact,
			pending = CASE WHEN ? < 0 THEN hub_nodes.pending ELSE excluded.pending END,
			messages = hub_nodes.messages + excluded.messages`,
		n.Country, n.Serial, n.Certificate, tx.t(n.NotAfter), at, at, n.Schema, n.KeyID, n.Software,
		max(n.Pending, 0), int64(accepted), n.Pending)
	if err != nil {
		return dbErr(err, "store: touch node")
	}
	if hello {
		_, err = tx.exec(ctx, `UPDATE hub_nodes SET schema_fp = ?, key_id = ?, software = ? WHERE country = ?`,
			n.Schema, n.KeyID, n.Software, n.Country)
	}
	return dbErr(err, "store: touch node")
}

// Nodes implements hub.Tx.
func (tx hubTx) Nodes(ctx context.Context) ([]*hub.Node, error) {
	rows, err := tx.query(ctx, `SELECT country, serial, certificate, not_after, first_contact, last_contact,
		schema_fp, key_id, software, pending, messages FROM hub_nodes ORDER BY country`)
	if err != nil {
		return nil, dbErr(err, "store: list nodes")
	}
	return scanAll(rows, "store: list nodes", func(row interface{ Scan(...any) error }) (*hub.Node, error) {
		var n hub.Node
		err := row.Scan(&n.Country, &n.Serial, &n.Certificate, scanTime{&n.NotAfter}, scanTime{&n.FirstContact},
			scanTime{&n.LastContact}, &n.Schema, &n.KeyID, &n.Software, &n.Pending, &n.Messages)
		return &n, err
	})
}

// AddChange implements hub.Tx.
func (tx hubTx) AddChange(ctx context.Context, record int64) error {
	_, err := tx.exec(ctx, `INSERT INTO hub_changes (record_id) VALUES (?)`, record)
	return dbErr(err, "store: add change")
}

// LastChange implements hub.Tx.
func (tx hubTx) LastChange(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := tx.queryRow(ctx, `SELECT max(seq) FROM hub_changes`).Scan(&seq)
	return seq.Int64, dbErr(err, "store: last change")
}

// Changes implements hub.Tx.
func (tx hubTx) Changes(ctx context.Context, after int64, limit int) ([]hub.Change, error) {
	rows, err := tx.query(ctx, `SELECT c.seq, c.record_id, r.id, r.country, r.ref, r.key_id, r.filter
		FROM hub_changes c LEFT JOIN hub_records r ON r.id = c.record_id
		WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, dbErr(err, "store: read changes")
	}
	return scanAll(rows, "store: read changes", func(row interface{ Scan(...any) error }) (hub.Change, error) {
		var c hub.Change
		var id sql.NullInt64
		var country, ref, key sql.NullString
		var filter []byte
		if err := row.Scan(&c.Seq, &c.ID, &id, &country, &ref, &key, &filter); err != nil {
			return c, err
		}
		if id.Valid {
			c.Record = &hub.Record{ID: id.Int64, Country: country.String, Ref: ref.String, KeyID: key.String, Filter: filter}
		}
		return c, nil
	})
}

// Enqueue implements hub.Tx.
func (tx hubTx) Enqueue(ctx context.Context, w hub.Work) error {
	_, err := tx.exec(ctx, `INSERT INTO hub_queue (record_id, version, received_at) VALUES (?, ?, ?)`,
		w.Record, w.Version, tx.t(w.Received))
	return dbErr(err, "store: enqueue")
}

// Claim implements hub.Tx. On PostgreSQL the entries are chosen with FOR
// UPDATE SKIP LOCKED, so that hub processes claiming at once take
// different entries without waiting for each other.
func (tx hubTx) Claim(ctx context.Context, owner string, now, until time.Time, limit int) ([]hub.Work, error) {
	skip := ""
	if tx.db.d.Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := tx.query(ctx, `UPDATE hub_queue SET claimed_by = ?, claimed_until = ?
		WHERE id IN (SELECT id FROM hub_queue WHERE claimed_until IS NULL OR claimed_until < ?
			ORDER BY id LIMIT ?`+skip+`)
		RETURNING id, record_id, version, received_at`, owner, tx.t(until), tx.t(now), limit)
	if err != nil {
		return nil, dbErr(err, "store: claim work")
	}
	return scanAll(rows, "store: claim work", func(row interface{ Scan(...any) error }) (hub.Work, error) {
		var w hub.Work
		err := row.Scan(&w.ID, &w.Record, &w.Version, scanTime{&w.Received})
		return w, err
	})
}

// Done implements hub.Tx.
func (tx hubTx) Done(ctx context.Context, owner string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{owner}, int64Args(ids)...)
	_, err := tx.exec(ctx, `DELETE FROM hub_queue WHERE claimed_by = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	return dbErr(err, "store: finish work")
}

// DropWork implements hub.Tx.
func (tx hubTx) DropWork(ctx context.Context, record int64) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_queue WHERE record_id = ?`, record)
	return dbErr(err, "store: drop work")
}

// Release implements hub.Tx.
func (tx hubTx) Release(ctx context.Context, owner string) error {
	_, err := tx.exec(ctx, `UPDATE hub_queue SET claimed_by = '', claimed_until = NULL WHERE claimed_by = ?`, owner)
	return dbErr(err, "store: release work")
}

// AddCounter implements hub.Tx.
func (tx hubTx) AddCounter(ctx context.Context, name string, delta int64) error {
	_, err := tx.exec(ctx, `UPDATE hub_counters SET value = value + ? WHERE name = ?`, delta, name)
	return dbErr(err, "store: add to counter")
}

// Counts implements hub.Tx.
func (tx hubTx) Counts(ctx context.Context) (*hub.Counts, error) {
	c := &hub.Counts{Encodings: map[string]int64{}}
	rows, err := tx.query(ctx, `SELECT country, count(*) FROM hub_records GROUP BY country`)
	if err != nil {
		return nil, dbErr(err, "store: count encodings")
	}
	for rows.Next() {
		var country string
		var n int64
		if err := rows.Scan(&country, &n); err != nil {
			rows.Close()
			return nil, dbErr(err, "store: count encodings")
		}
		c.Encodings[country] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "store: count encodings")
	}
	for _, q := range []struct {
		dst *int64
		sql string
	}{
		{&c.Clusters, `SELECT count(DISTINCT cluster_id) FROM hub_records WHERE cluster_id <> 0`},
		{&c.Hits, `SELECT count(*) FROM hub_hits`},
		{&c.HitsIssued, `SELECT value FROM hub_counters WHERE name = 'hits_issued'`},
		{&c.Queue, `SELECT count(*) FROM hub_queue`},
		{&c.Rejected, `SELECT count(*) FROM hub_rejections`},
	} {
		if err := tx.queryRow(ctx, q.sql).Scan(q.dst); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, dbErr(err, "store: count")
		}
	}
	return c, nil
}

// SeeMessages implements hub.Tx.
func (tx hubTx) SeeMessages(ctx context.Context, country string, ids []string, at time.Time) (map[string]bool, error) {
	fresh := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += hubChunk {
		part := ids[start:min(start+hubChunk, len(ids))]
		args := make([]any, 0, 3*len(part))
		for _, id := range part {
			args = append(args, country, id, tx.t(at))
		}
		rows, err := tx.query(ctx, `INSERT INTO hub_messages (country, msg_id, received_at) VALUES `+rowsOf(len(part), 3)+`
			ON CONFLICT (country, msg_id) DO NOTHING RETURNING msg_id`, args...)
		if err != nil {
			return nil, dbErr(err, "store: record message ids")
		}
		ins, err := scanAll(rows, "store: record message ids", func(row interface{ Scan(...any) error }) (string, error) {
			var id string
			return id, row.Scan(&id)
		})
		if err != nil {
			return nil, err
		}
		for _, id := range ins {
			fresh[id] = true
		}
	}
	seen := make(map[string]bool, len(ids)-len(fresh))
	for _, id := range ids {
		if !fresh[id] {
			seen[id] = true
		}
	}
	return seen, nil
}
