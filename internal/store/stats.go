package store

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/stats"
)

// StatsStore reads the coded facts of a country's cases for its national
// figures (stats.FactSource): codes, years and references only, never a
// sealed column.
type StatsStore struct{ db *DB }

// NewStatsStore returns the stats.FactSource of db.
func NewStatsStore(db *DB) *StatsStore { return &StatsStore{db: db} }

var _ stats.FactSource = (*StatsStore)(nil)

// EachCase implements stats.FactSource, in one read transaction: the
// forms of exploitation first (a map by case), then one pass over the
// cases with their children.
func (s *StatsStore) EachCase(ctx context.Context, country string, fn func(caseRef, childRef string, f stats.Facts) error) error {
	return s.db.View(ctx, func(tx *Tx) error {
		forms := map[int64][]string{}
		rows, err := tx.query(ctx, `SELECT e.case_id, e.form FROM case_exploitation e
			JOIN cases c ON c.id = e.case_id WHERE c.country = ? ORDER BY e.case_id, e.form`, country)
		if err != nil {
			return dbErr(err, "store: read forms of exploitation")
		}
		for rows.Next() {
			var id int64
			var form string
			if err := rows.Scan(&id, &form); err != nil {
				rows.Close()
				return dbErr(err, "store: read forms of exploitation")
			}
			forms[id] = append(forms[id], form)
		}
		if err := rows.Close(); err != nil {
			return dbErr(err, "store: read forms of exploitation")
		}

		rows, err = tx.query(ctx, `SELECT c.id, c.ref, ch.ref, c.category, c.evidence, c.missing, c.opened_at,
			ch.sex, ch.birth_year, ch.birth_precision, ch.citizenships,
			EXISTS (SELECT 1 FROM child_assessments a WHERE a.child_id = ch.id)
			FROM cases c JOIN children ch ON ch.id = c.child_id
			WHERE c.country = ? ORDER BY c.id`, country)
		if err != nil {
			return dbErr(err, "store: read cases for statistics")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id                int64
				caseRef, childRef string
				citizenships      string
				opened            time.Time
				missing, assessed bool
				f                 = stats.Facts{Country: country}
			)
			if err := rows.Scan(&id, &caseRef, &childRef, &f.Category, &f.Evidence, &missing, scanTime{&opened},
				&f.Sex, &f.BirthYear, &f.BirthPrecision, &citizenships, &assessed); err != nil {
				return dbErr(err, "store: read cases for statistics")
			}
			f.Missing, f.Assessed, f.Registered = missing, assessed, opened
			f.Citizenships, f.Exploitation = split(citizenships), forms[id]
			if err := fn(caseRef, childRef, f); err != nil {
				return err
			}
		}
		return dbErr(rows.Err(), "store: read cases for statistics")
	})
}
