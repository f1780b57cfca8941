package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
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
	if err == nil { // the statistics codes beside it (hub_stats.go)
		return tx.putRecordStats(ctx, r.ID, m.Stats)
	}
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
		rows, err := tx.query(ctx, `SELECT id, country, ref, schema_fp, key_id, filter FROM hub_records WHERE id > ? ORDER BY id LIMIT 20000`, after)
		if err != nil {
			return dbErr(err, "store: read hub records")
		}
		recs, err := scanAll(rows, "store: read hub records", func(row interface{ Scan(...any) error }) (*hub.Record, error) {
			var r hub.Record
			err := row.Scan(&r.ID, &r.Country, &r.Ref, &r.Schema, &r.KeyID, &r.Filter)
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

// hubChunk bounds the rows of one multi-row statement of the hub: 100
// records are 1,200 arguments, well within both databases' limits.
const hubChunk = 100

// RecordsByRef implements hub.Tx.
func (tx hubTx) RecordsByRef(ctx context.Context, country string, refs []string) (map[string]*hub.Record, error) {
	out := make(map[string]*hub.Record, len(refs))
	for start := 0; start < len(refs); start += hubChunk {
		part := refs[start:min(start+hubChunk, len(refs))]
		args := make([]any, 0, len(part)+1)
		args = append(args, country)
		for _, r := range part {
			args = append(args, r)
		}
		rows, err := tx.query(ctx, `SELECT `+hubRecordColumns+` FROM hub_records WHERE country = ? AND ref IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, dbErr(err, "store: read hub records")
		}
		recs, err := scanAll(rows, "store: read hub records", scanHubRecord)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out[r.Ref] = r
		}
	}
	return out, nil
}

// PutRecords implements hub.Tx: PutRecord, AddChange and Enqueue for
// records of distinct references, in multi-row statements.
func (tx hubTx) PutRecords(ctx context.Context, rs []*hub.Record) error {
	for start := 0; start < len(rs); start += hubChunk {
		if err := tx.putRecords(ctx, rs[start:min(start+hubChunk, len(rs))]); err != nil {
			return err
		}
	}
	return nil
}

func (tx hubTx) putRecords(ctx context.Context, part []*hub.Record) error {
	const op = "store: put hub records"
	args := make([]any, 0, 12*len(part))
	byRef := make(map[[2]string]*hub.Record, len(part))
	for _, r := range part {
		m := r.Meta
		args = append(args, r.Country, r.Ref, r.Schema, r.KeyID, r.Filter, m.Sex, m.BirthYearBand, m.Category, m.Evidence,
			int64(m.Year), tx.b(m.Shareable), tx.t(r.Received))
		byRef[[2]string{r.Country, r.Ref}] = r
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?)"
	rows, err := tx.query(ctx, `INSERT INTO hub_records (country, ref, schema_fp, key_id, filter, sex, birth_band,
			category, evidence, year, shareable, cluster_id, version, received_at)
		VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ")+`
		ON CONFLICT (country, ref) DO UPDATE SET schema_fp = excluded.schema_fp, key_id = excluded.key_id,
			filter = excluded.filter, sex = excluded.sex, birth_band = excluded.birth_band,
			category = excluded.category, evidence = excluded.evidence, year = excluded.year,
			shareable = excluded.shareable, cluster_id = 0, version = hub_records.version + 1,
			received_at = excluded.received_at
		RETURNING id, version, country, ref`, args...)
	if err != nil {
		return dbErr(err, op)
	}
	got := 0
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var id, version int64
			var country, ref string
			if err := rows.Scan(&id, &version, &country, &ref); err != nil {
				return err
			}
			if r := byRef[[2]string{country, ref}]; r != nil {
				r.ID, r.Version, r.Cluster = id, version, 0
				got++
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return dbErr(err, op)
	}
	if got != len(part) {
		return errs.E(errs.Internal, "store: %d of %d hub records written", got, len(part))
	}
	// The statistics codes beside them (hub_stats.go), the change log
	// and the matching queue.
	var withStats []*hub.Record
	var without []int64
	changes := make([]any, 0, len(part))
	work := make([]any, 0, 3*len(part))
	for _, r := range part {
		if r.Meta.Stats != nil {
			withStats = append(withStats, r)
		} else {
			without = append(without, r.ID)
		}
		changes = append(changes, r.ID)
		work = append(work, r.ID, r.Version, tx.t(r.Received))
	}
	if err := tx.putRecordsStats(ctx, withStats, without); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO hub_changes (record_id) VALUES `+rowsOf(len(part), 1), changes...); err != nil {
		return dbErr(err, "store: add changes")
	}
	_, err = tx.exec(ctx, `INSERT INTO hub_queue (record_id, version, received_at) VALUES `+rowsOf(len(part), 3), work...)
	return dbErr(err, "store: enqueue")
}
