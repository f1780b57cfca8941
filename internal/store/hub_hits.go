package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
)

const hubHitColumns = `id, hit_key, a_id, a_country, a_ref, b_id, b_country, b_ref, score_milli, band,
	decision_a, decision_b, created_at, explanation`

func scanHubHit(row interface{ Scan(...any) error }) (*hub.Hit, error) {
	var h hub.Hit
	var ex string
	err := row.Scan(&h.ID, &h.Key, &h.A, &h.ACountry, &h.ARef, &h.B, &h.BCountry, &h.BRef, &h.ScoreMilli,
		&h.Band, &h.DecisionA, &h.DecisionB, scanTime{&h.Created}, &ex)
	h.Explanation = jsonOf[exchange.Explanation](ex)
	return &h, err
}

// AddHit implements hub.Tx.
func (tx hubTx) AddHit(ctx context.Context, h *hub.Hit) (bool, error) {
	err := tx.queryRow(ctx, `INSERT INTO hub_hits (hit_key, a_id, a_country, a_ref, b_id, b_country, b_ref,
			score_milli, band, created_at, explanation)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (a_country, a_ref, b_country, b_ref) DO NOTHING RETURNING id`,
		h.Key, h.A, h.ACountry, h.ARef, h.B, h.BCountry, h.BRef, h.ScoreMilli, h.Band, tx.t(h.Created),
		jsonColumn(h.Explanation)).Scan(&h.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, dbErr(err, "store: add hit")
}

// HitsOf implements hub.Tx.
func (tx hubTx) HitsOf(ctx context.Context, record int64) ([]*hub.Hit, error) {
	rows, err := tx.query(ctx, `SELECT `+hubHitColumns+` FROM hub_hits WHERE a_id = ? OR b_id = ? ORDER BY id`, record, record)
	if err != nil {
		return nil, dbErr(err, "store: read hits")
	}
	return scanAll(rows, "store: read hits", scanHubHit)
}

// HitByKey implements hub.Tx.
func (tx hubTx) HitByKey(ctx context.Context, key string) (*hub.Hit, error) {
	h, err := scanHubHit(tx.queryRow(ctx, `SELECT `+hubHitColumns+` FROM hub_hits WHERE hit_key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return h, dbErr(err, "store: read hit")
}

// DeleteHit implements hub.Tx.
func (tx hubTx) DeleteHit(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_hits WHERE id = ?`, id)
	return dbErr(err, "store: delete hit")
}

// SetDecision implements hub.Tx.
func (tx hubTx) SetDecision(ctx context.Context, id int64, sideA bool, decision string) error {
	col := "decision_b"
	if sideA {
		col = "decision_a"
	}
	_, err := tx.exec(ctx, `UPDATE hub_hits SET `+col+` = ? WHERE id = ?`, decision, id)
	return dbErr(err, "store: record decision")
}

// IsRejected implements hub.Tx.
func (tx hubTx) IsRejected(ctx context.Context, p hub.Pair) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM hub_rejections WHERE a_country = ? AND a_ref = ? AND b_country = ? AND b_ref = ?`,
		p.ACountry, p.ARef, p.BCountry, p.BRef).Scan(&n)
	return n > 0, dbErr(err, "store: read rejection")
}

// Reject implements hub.Tx.
func (tx hubTx) Reject(ctx context.Context, p hub.Pair, by string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO hub_rejections (a_country, a_ref, b_country, b_ref, rejected_by, rejected_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (a_country, a_ref, b_country, b_ref) DO NOTHING`,
		p.ACountry, p.ARef, p.BCountry, p.BRef, by, tx.t(at))
	return dbErr(err, "store: reject pair")
}

// ForgetRejections implements hub.Tx.
func (tx hubTx) ForgetRejections(ctx context.Context, country, ref string) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_rejections WHERE (a_country = ? AND a_ref = ?) OR (b_country = ? AND b_ref = ?)`,
		country, ref, country, ref)
	return dbErr(err, "store: forget rejections")
}

// AddNotice implements hub.Tx; n.Seq is set.
func (tx hubTx) AddNotice(ctx context.Context, country string, n *exchange.Notice) error {
	var key, local, oc, or, band, from, kind, ex string
	var ct []byte
	if h := n.Hit; h != nil {
		key, local, oc, or, band, ex = h.ID, h.LocalRef, h.OtherCountry, h.OtherRef, h.Band, jsonColumn(h.Explanation)
	}
	if s := n.Sealed; s != nil {
		from, kind, ct = s.From, s.Kind, s.Ciphertext
	}
	at := tx.timeOr(&n.CreatedAt)
	err := tx.queryRow(ctx, `INSERT INTO hub_inbox (country, type, created_at, hit_key, local_ref, other_country,
			other_ref, band, sealed_from, sealed_kind, ciphertext, sighting, explanation)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		country, n.Type, tx.t(at), key, local, oc, or, band, from, kind, ct, jsonColumn(n.Sighting), ex).Scan(&n.Seq)
	return dbErr(err, "store: add notice")
}

// Notices implements hub.Tx.
func (tx hubTx) Notices(ctx context.Context, country string, after int64, limit int) ([]exchange.Notice, error) {
	rows, err := tx.query(ctx, `SELECT seq, type, created_at, hit_key, local_ref, other_country, other_ref, band,
			sealed_from, sealed_kind, ciphertext, sighting, explanation
		FROM hub_inbox WHERE country = ? AND seq > ? ORDER BY seq LIMIT ?`, country, after, limit)
	if err != nil {
		return nil, dbErr(err, "store: read inbox")
	}
	return scanAll(rows, "store: read inbox", func(row interface{ Scan(...any) error }) (exchange.Notice, error) {
		var n exchange.Notice
		var h exchange.Hit
		var s exchange.Sealed
		var sg, ex string
		err := row.Scan(&n.Seq, &n.Type, scanTime{&n.CreatedAt}, &h.ID, &h.LocalRef, &h.OtherCountry, &h.OtherRef,
			&h.Band, &s.From, &s.Kind, &s.Ciphertext, &sg, &ex)
		n.Sighting = jsonOf[exchange.Sighting](sg)
		h.Explanation = jsonOf[exchange.Explanation](ex)
		switch n.Type {
		case exchange.NoticeHit, exchange.NoticeHitWithdrawn:
			n.Hit = &h
		case exchange.NoticeSealed:
			s.To = country
			n.Sealed = &s
		}
		return n, err
	})
}

// DeleteNotices implements hub.Tx.
func (tx hubTx) DeleteNotices(ctx context.Context, country string, upTo int64) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_inbox WHERE country = ? AND seq <= ?`, country, upTo)
	return dbErr(err, "store: acknowledge notices")
}

// DeleteHitNotices implements hub.Tx.
func (tx hubTx) DeleteHitNotices(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_inbox WHERE hit_key = ?`, key)
	return dbErr(err, "store: drop hit notices")
}

// LastNotice implements hub.Tx.
func (tx hubTx) LastNotice(ctx context.Context, country string) (int64, error) {
	var seq sql.NullInt64
	err := tx.queryRow(ctx, `SELECT max(seq) FROM hub_inbox WHERE country = ?`, country).Scan(&seq)
	return seq.Int64, dbErr(err, "store: last notice")
}
