package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// caseConds returns the conditions on a case (alias k) of q's filters.
func (tx casesTx) caseConds(q cases.Query, args []any) ([]string, []any) {
	var conds []string
	if q.Status != "" {
		conds, args = append(conds, "k.status = ?"), append(args, string(q.Status))
	}
	if q.Category != "" {
		conds, args = append(conds, "k.category = ?"), append(args, string(q.Category))
	}
	if q.Evidence != "" {
		conds, args = append(conds, "k.evidence = ?"), append(args, string(q.Evidence))
	}
	if q.Missing != nil {
		conds, args = append(conds, "k.missing = ?"), append(args, tx.b(*q.Missing))
	}
	if !q.From.IsZero() {
		conds, args = append(conds, "k.opened_at >= ?"), append(args, tx.t(q.From))
	}
	if !q.To.IsZero() {
		conds, args = append(conds, "k.opened_at < ?"), append(args, tx.t(q.To))
	}
	return conds, args
}

// caseFilter returns the condition that a child (column childID) has a
// case passing q's filters, or "" when q filters on no case field. It
// probes the cases of each child: right for the few children a name
// matches.
func (tx casesTx) caseFilter(childID string, q cases.Query, args []any) (string, []any) {
	if !q.FiltersCases() {
		return "", args
	}
	conds, args := tx.caseConds(q, args)
	return ` AND EXISTS (SELECT 1 FROM cases k WHERE k.child_id = ` + childID + ` AND ` +
		strings.Join(conds, " AND ") + `)`, args
}

// MatchTokens implements cases.Tx. A common name matches hundreds of
// children, most of them by two tokens (the name's exact and phonetic
// ones), and reading a row per (child, token) through database/sql was
// an eighth of the node's CPU under load: PostgreSQL ors each child's
// bits (bit_or) and returns the child once. SQLite, in process, returns
// a row per token with its bit: its GROUP BY sorted the rows first and
// cost more than the rows it saved.
func (tx casesTx) MatchTokens(ctx context.Context, country auth.Country, tokens [][]byte, q cases.Query) ([]cases.TokenMatch, error) {
	const op = "store: search tokens"
	if len(tokens) == 0 {
		return nil, nil
	}
	if len(tokens) > cases.MaxMatchTokens {
		return nil, errs.E(errs.Internal, "store: more than %d tokens in one search", cases.MaxMatchTokens)
	}
	var bit strings.Builder
	args := make([]any, 0, 2*len(tokens)+4)
	for i, t := range tokens {
		fmt.Fprintf(&bit, " WHEN ? THEN CAST(%d AS BIGINT)", uint64(1)<<i)
		args = append(args, t)
	}
	cond, args := inCountry("t.country", country, args)
	for _, t := range tokens {
		args = append(args, t)
	}
	filter, args := tx.caseFilter("t.child_id", q, args)
	set, group := `CASE t.token`+bit.String()+` END`, ""
	if tx.db.d.Postgres {
		set, group = `bit_or(`+set+`)`, ` GROUP BY t.child_id`
	}
	rows, err := tx.query(ctx, `SELECT t.child_id, CAST(`+set+` AS BIGINT) FROM child_tokens t
		WHERE 1 = 1`+cond+` AND t.token IN (`+placeholders(len(tokens))+`)`+filter+group, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	out := make([]cases.TokenMatch, 0, 256)
	for rows.Next() {
		var id, set int64
		if err := rows.Scan(&id, &set); err != nil {
			return nil, dbErr(err, op)
		}
		out = append(out, cases.TokenMatch{ChildID: id, Tokens: uint64(set)})
	}
	return out, dbErr(rows.Err(), op)
}

// ListChildren implements cases.Tx. With case filters, the children are
// found from the cases (a case has its child's country): one pass over
// the cases rather than a probe per child, which keeps a filtered list of
// 100,000 children fast on SQLite.
func (tx casesTx) ListChildren(ctx context.Context, country auth.Country, q cases.Query, limit, offset int) ([]int64, int, error) {
	const op = "store: list children"
	var total int
	var page string
	var args []any
	if q.FiltersCases() {
		conds, fargs := tx.caseConds(q, nil)
		kcond, fargs := inCountry("k.country", country, fargs)
		sub := `SELECT k.child_id FROM cases k WHERE ` + strings.Join(conds, " AND ") + kcond
		if err := tx.queryRow(ctx, `SELECT count(DISTINCT child_id) FROM (`+sub+`) f`, fargs...).Scan(&total); err != nil {
			return nil, 0, dbErr(err, op)
		}
		ccond, cargs := inCountry("c.country", country, nil)
		page = `SELECT c.id FROM children c WHERE c.id IN (` + sub + `)` + ccond
		args = append(fargs, cargs...)
	} else {
		ccond, cargs := inCountry("c.country", country, nil)
		if err := tx.queryRow(ctx, `SELECT count(*) FROM children c WHERE 1 = 1`+ccond, cargs...).Scan(&total); err != nil {
			return nil, 0, dbErr(err, op)
		}
		page, args = `SELECT c.id FROM children c WHERE 1 = 1`+ccond, cargs
	}
	rows, err := tx.query(ctx, page+` ORDER BY c.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, dbErr(err, op)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, 0, dbErr(err, op)
		}
		ids = append(ids, id)
	}
	return ids, total, dbErr(rows.Err(), op)
}

// Encodings implements cases.Tx.
//
// The birth-year block is read from the index children_block, which holds
// the encodings in block order: one range of index pages per birth year,
// newest child first, and no lookup of a row by id (migration 0060). Read
// in a read-only transaction, a whole block is kept opened in memory
// until its generation moves (cases_blockcache.go). The children sharing
// a name token are then read by id, leaving out those the block has given
// already. Both are limited to the country. (Written as one query, with
// the ids of both blocks in an IN list, each child of the block was one
// lookup by id; written as one WHERE with OR, both engines scanned every
// child of the country; with whole rows in a UNION, SQLite copied every
// candidate's encoding into a temporary table.)
func (tx casesTx) Encodings(ctx context.Context, country auth.Country, tokens [][]byte, birthYear int, sex cases.Sex, limit int) ([]cases.Encoding, error) {
	const op = "store: read encodings"
	var out []cases.Encoding
	var notBlock string
	var blockArgs []any
	if birthYear != 0 {
		years := []int{birthYear, birthYear - 1, birthYear + 1}
		gens, err := tx.blockGens(ctx, country, years, sex)
		if err != nil {
			return nil, err
		}
		// Only what committed transactions wrote is kept: a write
		// transaction that rolled back could leave a block in memory
		// under a generation another change will reach.
		cache := !tx.write && country != cases.AnyCountry
		for _, y := range years {
			if len(out) >= limit {
				return out[:limit], nil
			}
			encs, err := tx.blockEncodings(ctx, op, blockKey{country, y, sex}, gens[y], cache, limit)
			if err != nil {
				return nil, err
			}
			out = append(out, encs...)
		}
		notBlock = ` AND NOT (c.birth_year IN (?, ?, ?) AND c.sex = ?)`
		blockArgs = []any{birthYear - 1, birthYear, birthYear + 1, string(sex)}
	}
	if len(tokens) == 0 || len(out) >= limit {
		return out[:min(len(out), limit)], nil
	}
	args := make([]any, 0, len(tokens)+len(blockArgs)+2)
	for _, t := range tokens {
		args = append(args, t)
	}
	tcond, args := inCountry("t.country", country, args)
	args = append(append(args, blockArgs...), limit)
	encs, err := tx.readEncodings(ctx, op, `SELECT c.id, c.ref, c.birth_year, c.linkage FROM children c WHERE c.id IN (
		SELECT t.child_id FROM child_tokens t WHERE t.token IN (`+placeholders(len(tokens))+`)`+tcond+`)
		AND c.linkage IS NOT NULL`+notBlock+` ORDER BY c.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	out = append(out, encs...)
	return out[:min(len(out), limit)], nil
}

// blockGens returns the generations of the blocks of the given birth
// years (0: a block no child was ever in).
func (tx casesTx) blockGens(ctx context.Context, country auth.Country, years []int, sex cases.Sex) (map[int]int64, error) {
	const op = "store: read block generations"
	gens := make(map[int]int64, len(years))
	if country == cases.AnyCountry {
		return gens, nil
	}
	args := []any{string(country), string(sex)}
	for _, y := range years {
		args = append(args, y)
	}
	rows, err := tx.query(ctx, `SELECT birth_year, gen FROM child_blocks WHERE country = ? AND sex = ?
		AND birth_year IN (`+placeholders(len(years))+`)`, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		var g int64
		if err := rows.Scan(&y, &g); err != nil {
			return nil, dbErr(err, op)
		}
		gens[y] = g
	}
	return gens, dbErr(rows.Err(), op)
}

// readEncodings reads rows of (id, ref, birth year, sealed encoding) and
// opens the encodings.
func (tx casesTx) readEncodings(ctx context.Context, op, query string, args ...any) ([]cases.Encoding, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	defer rows.Close()
	var out []cases.Encoding
	for rows.Next() {
		var e cases.Encoding
		var ref string
		if err := rows.Scan(&e.ChildID, &ref, &e.BirthYear, &e.CLK); err != nil {
			return nil, dbErr(err, op)
		}
		if e.CLK, err = tx.db.openLinkage(ref, e.CLK); err != nil {
			return nil, errs.Wrap(err, op)
		}
		out = append(out, e)
	}
	return out, dbErr(rows.Err(), op)
}

// sealedTable describes where a table keeps sealed values: the query of
// one batch (id, ref, seq, then the sealed columns) and the columns.
type sealedTable struct {
	query   string
	columns []string
}

var sealedTables = map[string]sealedTable{
	cases.TableChildren: {`SELECT id, ref, 0, given_names, family_name, birth_date, birth_place, notes
		FROM children WHERE id > ? ORDER BY id LIMIT ?`,
		[]string{"given_names", "family_name", "birth_date", "birth_place", "notes"}},
	cases.TableAliases: {`SELECT a.id, c.ref, a.seq, a.name FROM child_aliases a
		JOIN children c ON c.id = a.child_id WHERE a.id > ? ORDER BY a.id LIMIT ?`,
		[]string{"name"}},
	cases.TableAssessments: {`SELECT a.id, c.ref, a.seq, a.outcome, a.assessed_by FROM child_assessments a
		JOIN children c ON c.id = a.child_id WHERE a.id > ? ORDER BY a.id LIMIT ?`,
		[]string{"outcome", "assessed_by"}},
	cases.TableCases: {`SELECT id, ref, 0, close_reason, reject_reason FROM cases WHERE id > ? ORDER BY id LIMIT ?`,
		[]string{"close_reason", "reject_reason"}},
	cases.TableEvents: {`SELECT id, ref, 0, notes FROM case_events WHERE id > ? ORDER BY id LIMIT ?`,
		[]string{"notes"}},
}

// SealedValues implements cases.Tx. NULL values (no closure request) are
// left out.
func (tx casesTx) SealedValues(ctx context.Context, table string, afterID int64, limit int) ([]cases.SealedValue, int64, error) {
	const op = "store: read sealed values"
	st, ok := sealedTables[table]
	if !ok {
		return nil, 0, errs.E(errs.Internal, "store: no sealed values in table %s", table)
	}
	rows, err := tx.query(ctx, st.query, afterID, limit)
	if err != nil {
		return nil, 0, dbErr(err, op)
	}
	defer rows.Close()
	var out []cases.SealedValue
	var last int64
	vals := make([][]byte, len(st.columns))
	for rows.Next() {
		var id int64
		var ref string
		var seq int
		dest := []any{&id, &ref, &seq}
		for i := range vals {
			vals[i] = nil
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, dbErr(err, op)
		}
		last = id
		for i, col := range st.columns {
			if vals[i] != nil {
				out = append(out, cases.SealedValue{Table: table, Column: col, RowID: id, Ref: ref, Seq: seq, Value: vals[i]})
			}
		}
	}
	return out, last, dbErr(rows.Err(), op)
}

// SwapSealed implements cases.Tx. Table and column come from sealedTables,
// never from the caller's text.
func (tx casesTx) SwapSealed(ctx context.Context, v cases.SealedValue, value []byte) (bool, error) {
	st, ok := sealedTables[v.Table]
	col := ""
	for _, c := range st.columns {
		if c == v.Column {
			col = c
		}
	}
	if !ok || col == "" {
		return false, errs.E(errs.Internal, "store: no sealed column %s.%s", v.Table, v.Column)
	}
	n, err := tx.execN(ctx, `UPDATE `+v.Table+` SET `+col+` = ? WHERE id = ? AND `+col+` = ?`, value, v.RowID, v.Value)
	return n == 1, dbErr(err, "store: swap sealed value")
}
