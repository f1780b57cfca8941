package store

import (
	"context"
	"database/sql"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

const childColumns = `id, ref, country, national_ref, sex, birth_precision, birth_year, citizenships, languages,
	given_names, family_name, birth_date, birth_place, notes, version, created_at, updated_at, national_ref_sealed`

// scanChildRow reads a child row; the sealed national reference, if any,
// goes to sealed (DB.scanChild opens it).
func scanChildRow(row interface{ Scan(...any) error }, sealed *[]byte) (*cases.ChildRecord, error) {
	var r cases.ChildRecord
	var country, sex, precision, cits, langs string
	var natRef *string
	err := row.Scan(&r.ID, &r.Ref, &country, &natRef, &sex, &precision, &r.BirthYear, &cits, &langs,
		&r.GivenNames, &r.FamilyName, &r.BirthDate, &r.BirthPlace, &r.Notes, &r.Version,
		scanTime{&r.CreatedAt}, scanTime{&r.UpdatedAt}, sealed)
	if err != nil {
		return nil, err
	}
	r.Country, r.Sex, r.BirthPrecision = auth.Country(country), cases.Sex(sex), cases.Precision(precision)
	if natRef != nil {
		r.NationalRef = *natRef
	}
	r.Citizenships, r.Languages = split(cits), split(langs)
	return &r, nil
}

// childConflict reports a unique violation as a national reference already held.
func childConflict(err error, op string) error {
	if classify(err) == errUnique {
		return &errs.Error{Code: errs.Conflict, Field: "national_ref",
			Message: "a child with this national reference is already registered", Err: err}
	}
	return dbErr(err, op)
}

// CreateChild implements cases.Tx.
func (tx casesTx) CreateChild(ctx context.Context, r *cases.ChildRecord) error {
	const op = "store: create child"
	created := tx.timeOr(&r.CreatedAt)
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = created
	}
	updated := tx.timeOr(&r.UpdatedAt)
	r.Version = 1
	natKey, natSealed := tx.db.natRefColumns(r.Ref, r.NationalRef)
	err := tx.queryRow(ctx, `INSERT INTO children (ref, country, national_ref, sex, birth_precision, birth_year,
		citizenships, languages, given_names, family_name, birth_date, birth_place, notes, linkage, version,
		created_at, updated_at, national_ref_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Ref, string(r.Country), natKey, string(r.Sex), string(r.BirthPrecision), r.BirthYear,
		words(r.Citizenships), words(r.Languages), r.GivenNames, r.FamilyName, r.BirthDate, r.BirthPlace, r.Notes,
		tx.db.linkageOf(r), r.Version, tx.t(created), tx.t(updated), natSealed).Scan(&r.ID)
	if err != nil {
		return childConflict(err, op)
	}
	return tx.writeChildParts(ctx, r)
}

// writeChildParts inserts a child's aliases, assessments and tokens.
func (tx casesTx) writeChildParts(ctx context.Context, r *cases.ChildRecord) error {
	const op = "store: write child"
	for _, a := range r.Aliases {
		_, err := tx.exec(ctx, `INSERT INTO child_aliases (child_id, seq, name, script, source) VALUES (?, ?, ?, ?, ?)`,
			r.ID, a.Seq, a.Name, a.Script, a.Source)
		if err != nil {
			return dbErr(err, op)
		}
	}
	for _, a := range r.Assessments {
		_, err := tx.exec(ctx, `INSERT INTO child_assessments (child_id, seq, date, method, outcome, assessed_by)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, a.Seq, a.Date, string(a.Method), a.Outcome, a.AssessedBy)
		if err != nil {
			return dbErr(err, op)
		}
	}
	return tx.insertTokens(ctx, []*cases.ChildRecord{r})
}

// insertTokens writes the blind-index tokens of children, many rows per
// statement.
func (tx casesTx) insertTokens(ctx context.Context, recs []*cases.ChildRecord) error {
	var rows [][]any
	for _, r := range recs {
		for _, t := range r.Tokens {
			rows = append(rows, []any{r.ID, string(r.Country), string(t.Kind), t.Hash})
		}
	}
	return dbErr(tx.insertMany(ctx, "child_tokens", []string{"child_id", "country", "kind", "token"}, rows),
		"store: write child tokens")
}

// repeatJoin returns n copies of s separated by ", ".
func repeatJoin(s string, n int) string {
	b := make([]byte, 0, n*(len(s)+2))
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	return string(b)
}

// UpdateChild implements cases.Tx.
func (tx casesTx) UpdateChild(ctx context.Context, r *cases.ChildRecord) error {
	const op = "store: update child"
	updated := tx.timeOr(&r.UpdatedAt)
	natKey, natSealed := tx.db.natRefColumns(r.Ref, r.NationalRef)
	n, err := tx.execN(ctx, `UPDATE children SET national_ref = ?, sex = ?, birth_precision = ?, birth_year = ?,
		citizenships = ?, languages = ?, given_names = ?, family_name = ?, birth_date = ?, birth_place = ?, notes = ?,
		linkage = ?, version = version + 1, updated_at = ?, national_ref_sealed = ? WHERE id = ? AND version = ?`,
		natKey, string(r.Sex), string(r.BirthPrecision), r.BirthYear,
		words(r.Citizenships), words(r.Languages), r.GivenNames, r.FamilyName, r.BirthDate, r.BirthPlace, r.Notes,
		tx.db.linkageOf(r), tx.t(updated), natSealed, r.ID, r.Version)
	if err != nil {
		return childConflict(err, op)
	}
	if n == 0 {
		return tx.stale(ctx, "children", "child", r.ID)
	}
	r.Version++
	for _, t := range []string{"child_aliases", "child_assessments", "child_tokens"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+t+` WHERE child_id = ?`, r.ID); err != nil {
			return dbErr(err, op)
		}
	}
	return tx.writeChildParts(ctx, r)
}

// Child implements cases.Tx.
func (tx casesTx) Child(ctx context.Context, country auth.Country, id int64) (*cases.ChildRecord, error) {
	cond, args := inCountry("country", country, []any{id})
	return tx.oneChild(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`+cond, args)
}

// ChildByNationalRef implements cases.Tx.
func (tx casesTx) ChildByNationalRef(ctx context.Context, country auth.Country, nationalRef string) (*cases.ChildRecord, error) {
	if nationalRef == "" {
		return nil, errs.E(errs.NotFound, "child not found")
	}
	keys := tx.db.natRefKeys(nationalRef)
	cond, args := inCountry("country", country, keys)
	return tx.oneChild(ctx, `SELECT `+childColumns+` FROM children WHERE national_ref IN (`+placeholders(len(keys))+`)`+cond, args)
}

func (tx casesTx) oneChild(ctx context.Context, q string, args []any) (*cases.ChildRecord, error) {
	r, err := tx.db.scanChild(tx.queryRow(ctx, q, args...))
	if err != nil {
		return nil, notFound(err, "child", "store: read child")
	}
	if err := tx.readChildParts(ctx, []*cases.ChildRecord{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// Children implements cases.Tx.
func (tx casesTx) Children(ctx context.Context, country auth.Country, ids []int64) ([]*cases.ChildRecord, error) {
	const op = "store: read children"
	if len(ids) == 0 {
		return nil, nil
	}
	// By primary key, the country a filter on each row found: the rows
	// of another country are still never returned.
	cond, args := inCountry(tx.db.d.notIndexed+"country", country, int64Args(ids))
	rows, err := tx.query(ctx, `SELECT `+childColumns+` FROM children WHERE id IN (`+placeholders(len(ids))+`)`+cond, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	out, err := scanAll(rows, op, tx.db.scanChild)
	if err != nil {
		return nil, err
	}
	return out, tx.readChildParts(ctx, out)
}

// readChildParts reads the aliases and assessments of children.
func (tx casesTx) readChildParts(ctx context.Context, recs []*cases.ChildRecord) error {
	const op = "store: read child"
	if len(recs) == 0 {
		return nil
	}
	byID := make(map[int64]*cases.ChildRecord, len(recs))
	ids := make([]int64, len(recs))
	for i, r := range recs {
		byID[r.ID], ids[i] = r, r.ID
	}
	in := `(` + placeholders(len(ids)) + `)`
	rows, err := tx.query(ctx, `SELECT child_id, seq, name, script, source FROM child_aliases
		WHERE child_id IN `+in+` ORDER BY child_id, seq`, int64Args(ids)...)
	if err != nil {
		return dbErr(err, op)
	}
	for rows.Next() {
		var id int64
		var a cases.AliasRecord
		if err := rows.Scan(&id, &a.Seq, &a.Name, &a.Script, &a.Source); err != nil {
			rows.Close()
			return dbErr(err, op)
		}
		byID[id].Aliases = append(byID[id].Aliases, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr(err, op)
	}
	rows, err = tx.query(ctx, `SELECT child_id, seq, date, method, outcome, assessed_by FROM child_assessments
		WHERE child_id IN `+in+` ORDER BY child_id, seq`, int64Args(ids)...)
	if err != nil {
		return dbErr(err, op)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a cases.AssessmentRecord
		var method string
		if err := rows.Scan(&id, &a.Seq, &a.Date, &method, &a.Outcome, &a.AssessedBy); err != nil {
			return dbErr(err, op)
		}
		a.Method = cases.AssessmentMethod(method)
		byID[id].Assessments = append(byID[id].Assessments, a)
	}
	return dbErr(rows.Err(), op)
}

// Summaries implements cases.Tx: one statement of the few columns a list
// of results shows, each child once per case. A page of 25 results read
// whole took five queries (the children, their aliases, assessments,
// cases and forms of exploitation) and opened every sealed column; that
// was a fifth of the node's CPU under the mixed load (issue 10,
// performance).
func (tx casesTx) Summaries(ctx context.Context, country auth.Country, ids []int64) ([]*cases.ChildRecord, []*cases.CaseRecord, error) {
	const op = "store: read summaries"
	if len(ids) == 0 {
		return nil, nil, nil
	}
	var args []any
	kcond, args := inCountry("k.country", country, args)
	args = append(args, int64Args(ids)...)
	ccond, args := inCountry(tx.db.d.notIndexed+"c.country", country, args)
	rows, err := tx.query(ctx, `SELECT c.id, c.ref, c.country, c.sex, c.birth_precision, c.birth_year, c.given_names,
		c.family_name, c.version, k.id, k.country, k.category, k.status, k.missing, k.opened_at
		FROM children c LEFT JOIN cases k ON k.child_id = c.id`+kcond+`
		WHERE c.id IN (`+placeholders(len(ids))+`)`+ccond, args...)
	if err != nil {
		return nil, nil, dbErr(err, op)
	}
	defer rows.Close()
	var children []*cases.ChildRecord
	var cs []*cases.CaseRecord
	seen := make(map[int64]bool, len(ids))
	for rows.Next() {
		var c cases.ChildRecord
		var k cases.CaseRecord
		var ccountry, sex, precision string
		var kid sql.NullInt64
		var kcountry, category, status sql.NullString
		var missing sql.NullBool
		err := rows.Scan(&c.ID, &c.Ref, &ccountry, &sex, &precision, &c.BirthYear, &c.GivenNames, &c.FamilyName, &c.Version,
			&kid, &kcountry, &category, &status, &missing, scanTime{&k.OpenedAt})
		if err != nil {
			return nil, nil, dbErr(err, op)
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			c.Country, c.Sex, c.BirthPrecision = auth.Country(ccountry), cases.Sex(sex), cases.Precision(precision)
			children = append(children, &c)
		}
		if kid.Valid {
			k.ID, k.ChildID, k.Missing = kid.Int64, c.ID, missing.Bool
			k.Country, k.Category, k.Status = auth.Country(kcountry.String), cases.Category(category.String), cases.Status(status.String)
			cs = append(cs, &k)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, dbErr(err, op)
	}
	sortNewestFirst(cs)
	return children, cs, nil
}
