package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cbss-egcc/childcentre/internal/hub"
)

const hubRecordColumns = `id, country, ref, schema_fp, key_id, filter, sex, birth_band, category, evidence,
	year, shareable, cluster_id, version, received_at`

func scanHubRecord(row interface{ Scan(...any) error }) (*hub.Record, error) {
	var r hub.Record
	var year int64
	err := row.Scan(&r.ID, &r.Country, &r.Ref, &r.Schema, &r.KeyID, &r.Filter, &r.Meta.Sex, &r.Meta.BirthYearBand,
		&r.Meta.Category, &r.Meta.Evidence, &year, &r.Meta.Shareable, &r.Cluster, &r.Version, scanTime{&r.Received})
	r.Meta.Year = int(year)
	return &r, err
}

// RecordByRef implements hub.Tx.
func (tx hubTx) RecordByRef(ctx context.Context, country, ref string) (*hub.Record, error) {
	r, err := scanHubRecord(tx.queryRow(ctx, `SELECT `+hubRecordColumns+` FROM hub_records WHERE country = ? AND ref = ?`, country, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, dbErr(err, "store: read hub record")
}

// Records implements hub.Tx.
func (tx hubTx) Records(ctx context.Context, ids []int64) ([]*hub.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT `+hubRecordColumns+` FROM hub_records WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`,
		int64Args(ids)...)
	if err != nil {
		return nil, dbErr(err, "store: read hub records")
	}
	return scanAll(rows, "store: read hub records", scanHubRecord)
}

// ClusterMembers implements hub.Tx.
func (tx hubTx) ClusterMembers(ctx context.Context, cluster int64) ([]*hub.Record, error) {
	rows, err := tx.query(ctx, `SELECT `+hubRecordColumns+` FROM hub_records WHERE cluster_id = ? ORDER BY id`, cluster)
	if err != nil {
		return nil, dbErr(err, "store: read cluster")
	}
	return scanAll(rows, "store: read cluster", scanHubRecord)
}

// PutRecord implements hub.Tx.
func (tx hubTx) PutRecord(ctx context.Context, r *hub.Record) error {
	m := r.Meta
	err := tx.queryRow(ctx, `INSERT INTO hub_records (country, ref, schema_fp, key_id, filter, sex, birth_band,
			category, evidence, year, shareable, cluster_id, version, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?)
		ON CONFLICT (country, ref) DO UPDATE SET schema_fp = excluded.schema_fp, key_id = excluded.key_id,
			filter = excluded.filter, sex = excluded.sex, birth_band = excluded.birth_band,
			category = excluded.category, evidence = excluded.evidence, year = excluded.year,
			shareable = excluded.shareable, cluster_id = 0, version = hub_records.version + 1,
			received_at = excluded.received_at
		RETURNING id, version`,
		r.Country, r.Ref, r.Schema, r.KeyID, r.Filter, m.Sex, m.BirthYearBand, m.Category, m.Evidence,
		int64(m.Year), tx.b(m.Shareable), tx.t(r.Received)).Scan(&r.ID, &r.Version)
	r.Cluster = 0
	return dbErr(err, "store: put hub record")
}

// DeleteRecord implements hub.Tx.
func (tx hubTx) DeleteRecord(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `DELETE FROM hub_records WHERE id = ?`, id)
	return dbErr(err, "store: delete hub record")
}

// SetCluster implements hub.Tx.
func (tx hubTx) SetCluster(ctx context.Context, ids []int64, cluster int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{cluster}, int64Args(ids)...)
	_, err := tx.exec(ctx, `UPDATE hub_records SET cluster_id = ? WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	return dbErr(err, "store: set cluster")
}

// NewCluster implements hub.Tx.
func (tx hubTx) NewCluster(ctx context.Context, at time.Time) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO hub_clusters (created_at) VALUES (?) RETURNING id`, tx.t(at)).Scan(&id)
	return id, dbErr(err, "store: new cluster")
}

// AllRecords implements hub.Tx: every record, in pages by id so that a
// million filters never sit in one result set.
func (tx hubTx) AllRecords(ctx context.Context, fn func(*hub.Record) error) error {
	var after int64
	for {
		rows, err := tx.query(ctx, `SELECT id, country, ref, key_id, filter FROM hub_records WHERE id > ? ORDER BY id LIMIT 20000`, after)
		if err != nil {
			return dbErr(err, "store: read hub records")
		}
		recs, err := scanAll(rows, "store: read hub records", func(row interface{ Scan(...any) error }) (*hub.Record, error) {
			var r hub.Record
			err := row.Scan(&r.ID, &r.Country, &r.Ref, &r.KeyID, &r.Filter)
			return &r, err
		})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
			after = r.ID
		}
		if len(recs) < 20000 {
			return nil
		}
	}
}
