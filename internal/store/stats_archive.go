package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/stats"
)

// StatsArchive keeps the hub's regional publications (stats.Archive), in
// the table of 0050_stats.sql.
type StatsArchive struct{ db *DB }

// NewStatsArchive returns the stats.Archive of db.
func NewStatsArchive(db *DB) *StatsArchive { return &StatsArchive{db: db} }

var _ stats.Archive = (*StatsArchive)(nil)

// LastPublication implements stats.Archive.
func (a *StatsArchive) LastPublication(ctx context.Context) (*stats.Publication, error) {
	var body string
	err := a.db.View(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `SELECT body FROM stats_publications ORDER BY id DESC LIMIT 1`).Scan(&body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, dbErr(err, "store: read the last publication")
	}
	var p stats.Publication
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, errs.Wrap(err, "store: decode the last publication")
	}
	return &p, nil
}

// SavePublication implements stats.Archive.
func (a *StatsArchive) SavePublication(ctx context.Context, p *stats.Publication) error {
	body, err := json.Marshal(p)
	if err != nil {
		return errs.Wrap(err, "store: encode a publication")
	}
	return a.db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO stats_publications (published_at, k, mapping, body) VALUES (?, ?, ?, ?)`,
			tx.t(p.At), p.K, p.Mapping, string(body))
		return dbErr(err, "store: save a publication")
	})
}
