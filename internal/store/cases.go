package store

import (
	"context"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// CaseStore implements cases.Store on the database (tables of
// 0003_cases.sql). It sees identities only sealed.
type CaseStore struct{ db *DB }

// NewCaseStore returns the cases.Store of db.
func NewCaseStore(db *DB) *CaseStore { return &CaseStore{db: db} }

var (
	_ cases.Store = (*CaseStore)(nil)
	_ cases.Tx    = casesTx{}
)

// Update implements cases.Store. After a transaction that inserted many
// children at once (an import), it refreshes the database's statistics
// (Optimize); the import has committed by then, so a failure to refresh
// is logged, not returned.
func (s *CaseStore) Update(ctx context.Context, fn func(cases.Tx) error) error {
	var bulk int
	err := s.db.Update(ctx, func(tx *Tx) error {
		err := fn(casesTx{tx})
		bulk = tx.bulk
		return err
	})
	if err == nil && bulk >= optimizeAfter {
		if err := s.db.Optimize(ctx); err != nil {
			s.db.log.Warn("store: refreshing statistics after an import failed", "err", err)
		}
	}
	return err
}

// View implements cases.Store.
func (s *CaseStore) View(ctx context.Context, fn func(cases.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(casesTx{tx}) })
}

// casesTx is a transaction seen as a cases.Tx.
type casesTx struct{ *Tx }

// inCountry returns the condition restricting column to country, or
// nothing for cases.AnyCountry, and appends its argument.
func inCountry(column string, country auth.Country, args []any) (string, []any) {
	if country == cases.AnyCountry {
		return "", args
	}
	return " AND " + column + " = ?", append(args, string(country))
}

// placeholders returns "?, ?, …" for n arguments.
func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// words joins codes with spaces; split splits them again.
func words(list []string) string { return strings.Join(list, " ") }
func split(s string) []string    { return strings.Fields(s) }

// stale reports a write at a version no longer stored: the record changed
// (errs.Conflict with cause cases.ErrStale) or is gone (errs.NotFound).
func (tx casesTx) stale(ctx context.Context, table, what string, id int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return dbErr(err, "store: check "+what)
	}
	if n == 0 {
		return errs.E(errs.NotFound, "%s not found", what)
	}
	return &errs.Error{Code: errs.Conflict, Err: cases.ErrStale,
		Message: "the " + what + " was changed by someone else since you opened it: reload it and make your change again"}
}

// AddChange implements cases.Tx.
func (tx casesTx) AddChange(ctx context.Context, country auth.Country, c *cases.Change) error {
	at := tx.timeOr(&c.At)
	err := tx.queryRow(ctx, `INSERT INTO case_changes (country, entity, entity_id, action, fields, by_user, by_token, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(country), c.Entity, c.EntityID, c.Action, strings.Join(c.Fields, ","), c.By, c.ByToken, tx.t(at)).Scan(&c.ID)
	return dbErr(err, "store: add change")
}

// Changes implements cases.Tx.
func (tx casesTx) Changes(ctx context.Context, country auth.Country, entity string, id int64) ([]*cases.Change, error) {
	const op = "store: read changes"
	cond, args := inCountry("country", country, []any{entity, id})
	rows, err := tx.query(ctx, `SELECT id, entity, entity_id, action, fields, by_user, by_token, at FROM case_changes
		WHERE entity = ? AND entity_id = ?`+cond+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	var out []*cases.Change
	for rows.Next() {
		var c cases.Change
		var fields string
		if err := rows.Scan(&c.ID, &c.Entity, &c.EntityID, &c.Action, &fields, &c.By, &c.ByToken, scanTime{&c.At}); err != nil {
			return nil, dbErr(err, op)
		}
		if fields != "" {
			c.Fields = strings.Split(fields, ",")
		}
		out = append(out, &c)
	}
	return out, dbErr(rows.Err(), op)
}
