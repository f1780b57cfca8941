package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

const caseColumns = `id, ref, child_id, country, category, evidence, status, missing, responsible_org, placement,
	legal_basis, consent, handling, opened_at, closed_at, close_by, close_at, close_reason,
	reject_by, reject_at, reject_reason, version, created_at, updated_at`

func scanCase(row interface{ Scan(...any) error }) (*cases.CaseRecord, error) {
	var r cases.CaseRecord
	var country, category, evidence, status, placement, handling string
	var closeBy, rejectBy sql.NullInt64
	var closeAt, rejectAt time.Time
	err := row.Scan(&r.ID, &r.Ref, &r.ChildID, &country, &category, &evidence, &status, &r.Missing,
		&r.ResponsibleOrg, &placement, &r.LegalBasis, &r.Consent, &handling,
		scanTime{&r.OpenedAt}, scanTime{&r.ClosedAt}, &closeBy, scanTime{&closeAt}, &r.CloseReason,
		&rejectBy, scanTime{&rejectAt}, &r.RejectReason, &r.Version, scanTime{&r.CreatedAt}, scanTime{&r.UpdatedAt})
	if err != nil {
		return nil, err
	}
	r.Country, r.Category, r.Evidence = auth.Country(country), cases.Category(category), cases.Evidence(evidence)
	r.Status, r.Placement, r.Handling = cases.Status(status), cases.Placement(placement), cases.Handling(handling)
	if closeBy.Valid {
		r.CloseRequest = &cases.CloseRequest{By: closeBy.Int64, At: closeAt}
	}
	if rejectBy.Valid {
		r.Rejection = &cases.CloseRequest{By: rejectBy.Int64, At: rejectAt}
	}
	return &r, nil
}

// nullTime stores a zero time as NULL.
func (tx casesTx) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.t(t)
}

// request splits an optional closure request into its columns; its time
// is kept as stored (UTC, microseconds; now when zero).
func (tx casesTx) request(cr *cases.CloseRequest, reason []byte) (by, at, sealed any) {
	if cr == nil {
		return nil, nil, nil
	}
	return cr.By, tx.t(tx.timeOr(&cr.At)), reason
}

// CreateCase implements cases.Tx.
func (tx casesTx) CreateCase(ctx context.Context, r *cases.CaseRecord) error {
	const op = "store: create case"
	created := tx.timeOr(&r.CreatedAt)
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = created
	}
	updated := tx.timeOr(&r.UpdatedAt)
	opened := tx.timeOr(&r.OpenedAt)
	r.Version = 1
	cBy, cAt, cReason := tx.request(r.CloseRequest, r.CloseReason)
	rBy, rAt, rReason := tx.request(r.Rejection, r.RejectReason)
	err := tx.queryRow(ctx, `INSERT INTO cases (ref, child_id, country, category, evidence, status, missing,
		responsible_org, placement, legal_basis, consent, handling, opened_at, closed_at, close_by, close_at,
		close_reason, reject_by, reject_at, reject_reason, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Ref, r.ChildID, string(r.Country), string(r.Category), string(r.Evidence), string(r.Status), tx.b(r.Missing),
		r.ResponsibleOrg, string(r.Placement), r.LegalBasis, tx.b(r.Consent), string(r.Handling),
		tx.t(opened), tx.nullTime(r.ClosedAt), cBy, cAt, cReason, rBy, rAt, rReason,
		r.Version, tx.t(created), tx.t(updated)).Scan(&r.ID)
	if classify(err) == errForeignKey {
		return errs.E(errs.NotFound, "child not found")
	}
	if err != nil {
		return dbErr(err, op)
	}
	return tx.writeExploitation(ctx, r)
}

func (tx casesTx) writeExploitation(ctx context.Context, r *cases.CaseRecord) error {
	for _, e := range r.Exploitation {
		if _, err := tx.exec(ctx, `INSERT INTO case_exploitation (case_id, form) VALUES (?, ?)`, r.ID, string(e)); err != nil {
			return dbErr(err, "store: write exploitation")
		}
	}
	return nil
}

// UpdateCase implements cases.Tx.
func (tx casesTx) UpdateCase(ctx context.Context, r *cases.CaseRecord) error {
	const op = "store: update case"
	updated := tx.timeOr(&r.UpdatedAt)
	cBy, cAt, cReason := tx.request(r.CloseRequest, r.CloseReason)
	rBy, rAt, rReason := tx.request(r.Rejection, r.RejectReason)
	n, err := tx.execN(ctx, `UPDATE cases SET category = ?, evidence = ?, status = ?, missing = ?, responsible_org = ?,
		placement = ?, legal_basis = ?, consent = ?, handling = ?, opened_at = ?, closed_at = ?, close_by = ?,
		close_at = ?, close_reason = ?, reject_by = ?, reject_at = ?, reject_reason = ?, version = version + 1,
		updated_at = ? WHERE id = ? AND version = ?`,
		string(r.Category), string(r.Evidence), string(r.Status), tx.b(r.Missing), r.ResponsibleOrg,
		string(r.Placement), r.LegalBasis, tx.b(r.Consent), string(r.Handling), tx.t(r.OpenedAt),
		tx.nullTime(r.ClosedAt), cBy, cAt, cReason, rBy, rAt, rReason, tx.t(updated), r.ID, r.Version)
	if err != nil {
		return dbErr(err, op)
	}
	if n == 0 {
		return tx.stale(ctx, "cases", "case", r.ID)
	}
	r.Version++
	if _, err := tx.exec(ctx, `DELETE FROM case_exploitation WHERE case_id = ?`, r.ID); err != nil {
		return dbErr(err, op)
	}
	return tx.writeExploitation(ctx, r)
}

// Case implements cases.Tx.
func (tx casesTx) Case(ctx context.Context, country auth.Country, id int64) (*cases.CaseRecord, error) {
	cond, args := inCountry("country", country, []any{id})
	r, err := scanCase(tx.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`+cond, args...))
	if err != nil {
		return nil, notFound(err, "case", "store: read case")
	}
	return r, tx.readExploitation(ctx, []*cases.CaseRecord{r})
}

// CasesOf implements cases.Tx.
func (tx casesTx) CasesOf(ctx context.Context, country auth.Country, childIDs []int64) ([]*cases.CaseRecord, error) {
	const op = "store: read cases"
	if len(childIDs) == 0 {
		return nil, nil
	}
	cond, args := inCountry("country", country, int64Args(childIDs))
	// Sorted here rather than by ORDER BY, which tempts SQLite to walk
	// the (country, opened_at) index over every case instead of looking
	// the children's cases up by child.
	rows, err := tx.query(ctx, `SELECT `+caseColumns+` FROM cases WHERE child_id IN (`+placeholders(len(childIDs))+`)`+
		cond, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	out, err := scanAll(rows, op, scanCase)
	if err != nil {
		return nil, err
	}
	sortNewestFirst(out)
	return out, tx.readExploitation(ctx, out)
}

// sortNewestFirst sorts cases newest first, by opening time then id.
func sortNewestFirst(cs []*cases.CaseRecord) {
	slices.SortFunc(cs, func(a, b *cases.CaseRecord) int {
		if c := b.OpenedAt.Compare(a.OpenedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

func (tx casesTx) readExploitation(ctx context.Context, recs []*cases.CaseRecord) error {
	const op = "store: read exploitation"
	if len(recs) == 0 {
		return nil
	}
	byID := make(map[int64]*cases.CaseRecord, len(recs))
	ids := make([]int64, len(recs))
	for i, r := range recs {
		byID[r.ID], ids[i] = r, r.ID
	}
	rows, err := tx.query(ctx, `SELECT case_id, form FROM case_exploitation WHERE case_id IN (`+
		placeholders(len(ids))+`) ORDER BY case_id, form`, int64Args(ids)...)
	if err != nil {
		return dbErr(err, op)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var form string
		if err := rows.Scan(&id, &form); err != nil {
			return dbErr(err, op)
		}
		byID[id].Exploitation = append(byID[id].Exploitation, cases.Exploitation(form))
	}
	return dbErr(rows.Err(), op)
}

// AddEvent implements cases.Tx.
func (tx casesTx) AddEvent(ctx context.Context, r *cases.EventRecord) error {
	created := tx.timeOr(&r.CreatedAt)
	at := tx.timeOr(&r.At)
	err := tx.queryRow(ctx, `INSERT INTO case_events (ref, case_id, country, type, at, municipality, place_type,
		notes, by_user, by_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Ref, r.CaseID, string(r.Country), string(r.Type), tx.t(at), r.Municipality, r.PlaceType,
		r.Notes, r.By, r.ByToken, tx.t(created)).Scan(&r.ID)
	if classify(err) == errForeignKey {
		return errs.E(errs.NotFound, "case not found")
	}
	return dbErr(err, "store: add event")
}

// Events implements cases.Tx.
func (tx casesTx) Events(ctx context.Context, caseID int64) ([]*cases.EventRecord, error) {
	const op = "store: read events"
	rows, err := tx.query(ctx, `SELECT id, ref, case_id, country, type, at, municipality, place_type, notes, by_user,
		by_token, created_at FROM case_events WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	var out []*cases.EventRecord
	for rows.Next() {
		var r cases.EventRecord
		var country, typ string
		if err := rows.Scan(&r.ID, &r.Ref, &r.CaseID, &country, &typ, scanTime{&r.At}, &r.Municipality,
			&r.PlaceType, &r.Notes, &r.By, &r.ByToken, scanTime{&r.CreatedAt}); err != nil {
			return nil, dbErr(err, op)
		}
		r.Country, r.Type = auth.Country(country), cases.EventType(typ)
		out = append(out, &r)
	}
	return out, dbErr(rows.Err(), op)
}
