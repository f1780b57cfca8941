package store

import (
	"context"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// The bulk path of imports: many rows per INSERT, so that 100,000
// registrations cost a few thousand statements rather than a million
// round trips. Ids of inserted rows are read back by their random
// references, since neither engine promises the order of RETURNING rows
// of a multi-row INSERT.

// maxArgs bounds the arguments of one statement: SQLite allows 32,766 and
// PostgreSQL 65,535.
const maxArgs = 30000

// insertMany inserts rows into table, as many per statement as maxArgs
// allows.
func (tx casesTx) insertMany(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxArgs/len(cols))
	tuple := "(" + placeholders(len(cols)) + ")"
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.exec(ctx, head+repeatJoin(tuple, len(chunk)), args...); err != nil {
			return err
		}
	}
	return nil
}

// idsByRef reads the ids of rows of table by their references.
func (tx casesTx) idsByRef(ctx context.Context, table string, refs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(refs))
	const per = 1000
	for start := 0; start < len(refs); start += per {
		chunk := refs[start:min(start+per, len(refs))]
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r
		}
		rows, err := tx.query(ctx, `SELECT id, ref FROM `+table+` WHERE ref IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var ref string
			if err := rows.Scan(&id, &ref); err != nil {
				rows.Close()
				return nil, err
			}
			out[ref] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CreateChildren implements cases.Tx.
func (tx casesTx) CreateChildren(ctx context.Context, recs []*cases.ChildRecord) error {
	const op = "store: create children"
	tx.bulk += len(recs)
	now := tx.Now()
	rows := make([][]any, len(recs))
	refs := make([]string, len(recs))
	for i, r := range recs {
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		created := tx.timeOr(&r.CreatedAt)
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = created
		}
		updated := tx.timeOr(&r.UpdatedAt)
		r.Version = 1
		refs[i] = r.Ref
		natKey, natSealed := tx.db.natRefColumns(r.Ref, r.NationalRef)
		rows[i] = []any{r.Ref, string(r.Country), natKey, string(r.Sex), string(r.BirthPrecision),
			r.BirthYear, words(r.Citizenships), words(r.Languages), r.GivenNames, r.FamilyName, r.BirthDate,
			r.BirthPlace, r.Notes, tx.db.linkageOf(r), r.Version, tx.t(created), tx.t(updated), natSealed}
	}
	err := tx.insertMany(ctx, "children", []string{"ref", "country", "national_ref", "sex", "birth_precision",
		"birth_year", "citizenships", "languages", "given_names", "family_name", "birth_date", "birth_place", "notes",
		"linkage", "version", "created_at", "updated_at", "national_ref_sealed"}, rows)
	if err != nil {
		return childConflict(err, op)
	}
	ids, err := tx.idsByRef(ctx, "children", refs)
	if err != nil {
		return dbErr(err, op)
	}
	var aliases, assessments [][]any
	for _, r := range recs {
		r.ID = ids[r.Ref]
		for _, a := range r.Aliases {
			aliases = append(aliases, []any{r.ID, a.Seq, a.Name, a.Script, a.Source})
		}
		for _, a := range r.Assessments {
			assessments = append(assessments, []any{r.ID, a.Seq, a.Date, string(a.Method), a.Outcome, a.AssessedBy})
		}
	}
	if err := tx.insertMany(ctx, "child_aliases", []string{"child_id", "seq", "name", "script", "source"}, aliases); err != nil {
		return dbErr(err, op)
	}
	if err := tx.insertMany(ctx, "child_assessments", []string{"child_id", "seq", "date", "method", "outcome", "assessed_by"}, assessments); err != nil {
		return dbErr(err, op)
	}
	return tx.insertTokens(ctx, recs)
}

// ChildrenByNationalRef implements cases.Tx.
func (tx casesTx) ChildrenByNationalRef(ctx context.Context, country auth.Country, refs []string) ([]*cases.ChildRecord, error) {
	const op = "store: read children"
	var out []*cases.ChildRecord
	const per = 1000
	for start := 0; start < len(refs); start += per {
		chunk := refs[start:min(start+per, len(refs))]
		var args []any
		for _, r := range chunk {
			args = append(args, tx.db.natRefKeys(r)...)
		}
		n := len(args)
		cond, args := inCountry("country", country, args)
		rows, err := tx.query(ctx, `SELECT `+childColumns+` FROM children WHERE national_ref IN (`+
			placeholders(n)+`)`+cond, args...)
		if err != nil {
			return nil, dbErr(err, op)
		}
		for rows.Next() {
			r, err := tx.db.scanChild(rows)
			if err != nil {
				rows.Close()
				return nil, dbErr(err, op)
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr(err, op)
		}
	}
	return out, tx.readChildParts(ctx, out)
}

// CreateCases implements cases.Tx.
func (tx casesTx) CreateCases(ctx context.Context, recs []*cases.CaseRecord) error {
	const op = "store: create cases"
	rows := make([][]any, len(recs))
	refs := make([]string, len(recs))
	for i, r := range recs {
		created := tx.timeOr(&r.CreatedAt)
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = created
		}
		updated := tx.timeOr(&r.UpdatedAt)
		opened := tx.timeOr(&r.OpenedAt)
		r.Version = 1
		refs[i] = r.Ref
		cBy, cAt, cReason := tx.request(r.CloseRequest, r.CloseReason)
		rBy, rAt, rReason := tx.request(r.Rejection, r.RejectReason)
		rows[i] = []any{r.Ref, r.ChildID, string(r.Country), string(r.Category), string(r.Evidence), string(r.Status),
			tx.b(r.Missing), r.ResponsibleOrg, string(r.Placement), r.LegalBasis, tx.b(r.Consent), string(r.Handling),
			tx.t(opened), tx.nullTime(r.ClosedAt), cBy, cAt, cReason, rBy, rAt, rReason, r.Version, tx.t(created), tx.t(updated)}
	}
	err := tx.insertMany(ctx, "cases", []string{"ref", "child_id", "country", "category", "evidence", "status",
		"missing", "responsible_org", "placement", "legal_basis", "consent", "handling", "opened_at", "closed_at",
		"close_by", "close_at", "close_reason", "reject_by", "reject_at", "reject_reason", "version", "created_at",
		"updated_at"}, rows)
	if err != nil {
		return dbErr(err, op)
	}
	ids, err := tx.idsByRef(ctx, "cases", refs)
	if err != nil {
		return dbErr(err, op)
	}
	var forms [][]any
	for _, r := range recs {
		r.ID = ids[r.Ref]
		for _, e := range r.Exploitation {
			forms = append(forms, []any{r.ID, string(e)})
		}
	}
	return dbErr(tx.insertMany(ctx, "case_exploitation", []string{"case_id", "form"}, forms), op)
}

// AddEvents implements cases.Tx.
func (tx casesTx) AddEvents(ctx context.Context, recs []*cases.EventRecord) error {
	rows := make([][]any, len(recs))
	for i, r := range recs {
		created := tx.timeOr(&r.CreatedAt)
		at := tx.timeOr(&r.At)
		rows[i] = []any{r.Ref, r.CaseID, string(r.Country), string(r.Type), tx.t(at), r.Municipality, r.PlaceType,
			r.Notes, r.By, r.ByToken, tx.t(created)}
	}
	return dbErr(tx.insertMany(ctx, "case_events", []string{"ref", "case_id", "country", "type", "at", "municipality",
		"place_type", "notes", "by_user", "by_token", "created_at"}, rows), "store: add events")
}

// AddChanges implements cases.Tx.
func (tx casesTx) AddChanges(ctx context.Context, country auth.Country, cs []*cases.Change) error {
	rows := make([][]any, len(cs))
	for i, c := range cs {
		at := tx.timeOr(&c.At)
		rows[i] = []any{string(country), c.Entity, c.EntityID, c.Action, strings.Join(c.Fields, ","), c.By, c.ByToken, tx.t(at)}
	}
	return dbErr(tx.insertMany(ctx, "case_changes", []string{"country", "entity", "entity_id", "action", "fields",
		"by_user", "by_token", "at"}, rows), "store: add changes")
}

// Expired implements cases.Tx.
func (tx casesTx) Expired(ctx context.Context, country auth.Country, before time.Time) ([]int64, []int64, error) {
	const op = "store: find expired cases"
	cond, args := inCountry("k.country", country, []any{string(cases.StatusClosed), tx.t(before)})
	caseIDs, err := tx.ids(ctx, `SELECT k.id FROM cases k WHERE k.status = ? AND k.closed_at < ?`+cond+` ORDER BY k.id`, args)
	if err != nil {
		return nil, nil, dbErr(err, op)
	}
	// Children none of whose cases is open, or closed since before.
	childIDs, err := tx.ids(ctx, `SELECT DISTINCT k.child_id FROM cases k WHERE k.status = ? AND k.closed_at < ?`+cond+`
		AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.child_id = k.child_id AND NOT (o.status = ? AND o.closed_at < ?))
		ORDER BY k.child_id`, append(args, string(cases.StatusClosed), tx.t(before)))
	return caseIDs, childIDs, dbErr(err, op)
}

func (tx casesTx) ids(ctx context.Context, q string, args []any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Erase implements cases.Tx. Events, forms of exploitation, aliases,
// assessments and tokens go by ON DELETE CASCADE; history entries, which
// name their record without a foreign key, are deleted here.
func (tx casesTx) Erase(ctx context.Context, caseIDs, childIDs []int64) error {
	const op = "store: erase"
	const per = 1000
	del := func(q string, ids []int64, extra ...any) error {
		for start := 0; start < len(ids); start += per {
			chunk := ids[start:min(start+per, len(ids))]
			if _, err := tx.exec(ctx, strings.Replace(q, "(?)", "("+placeholders(len(chunk))+")", 1),
				append(append([]any(nil), extra...), int64Args(chunk)...)...); err != nil {
				return dbErr(err, op)
			}
		}
		return nil
	}
	if err := del(`DELETE FROM case_changes WHERE entity = ? AND entity_id IN (?)`, caseIDs, "case"); err != nil {
		return err
	}
	if err := del(`DELETE FROM cases WHERE id IN (?)`, caseIDs); err != nil {
		return err
	}
	if err := del(`DELETE FROM case_changes WHERE entity = ? AND entity_id IN (?)`, childIDs, "child"); err != nil {
		return err
	}
	// What the network told or asked about an erased child goes with it:
	// the follow-up threads (their events and sealed attachments cascade),
	// holding details another country disclosed, the alerts raised and the
	// sightings received. Left to ON DELETE SET NULL they would outlive the
	// retention period with nothing left to purge them by.
	for _, q := range []string{
		`DELETE FROM followup_requests WHERE child_id IN (?)`,
		`DELETE FROM followup_sightings WHERE child_id IN (?)`,
		`DELETE FROM followup_alerts WHERE child_id IN (?)`,
	} {
		if err := del(q, childIDs); err != nil {
			return err
		}
	}
	return del(`DELETE FROM children WHERE id IN (?)`, childIDs)
}
