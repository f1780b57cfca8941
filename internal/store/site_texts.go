package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// LoadTexts implements site.Tx.
func (tx siteTx) LoadTexts(ctx context.Context, items []*site.Item, langs ...string) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*site.Item, len(items))
	args := make([]any, 0, len(items)+len(langs))
	ph := make([]string, 0, len(items))
	for _, it := range items {
		if _, dup := byID[it.ID]; dup {
			continue
		}
		byID[it.ID] = it
		it.Texts = map[string]*site.Text{}
		ph = append(ph, "?")
		args = append(args, it.ID)
	}
	q := `SELECT item_id, lang, title, summary, body, rev, source_rev, updated_at FROM site_texts WHERE item_id IN (` + strings.Join(ph, ",") + `)`
	if len(langs) > 0 {
		lp := make([]string, len(langs))
		for i, l := range langs {
			lp[i] = "?"
			args = append(args, l)
		}
		q += ` AND lang IN (` + strings.Join(lp, ",") + `)`
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return dbErr(err, "store: read site texts")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t site.Text
		if err := rows.Scan(&id, &t.Lang, &t.Title, &t.Summary, &t.Body, &t.Rev, &t.SourceRev, scanTime{&t.UpdatedAt}); err != nil {
			return dbErr(err, "store: read site texts")
		}
		byID[id].Texts[t.Lang] = &t
	}
	for _, it := range items {
		if it.Texts == nil {
			it.Texts = byID[it.ID].Texts
		}
	}
	return dbErr(rows.Err(), "store: read site texts")
}

// PutText implements site.Tx: the current text, its search index entry and
// its revision, in one transaction.
func (tx siteTx) PutText(ctx context.Context, itemID int64, t *site.Text, rev *site.Revision) error {
	const op = "store: write site text"
	updated := tx.timeOr(&t.UpdatedAt)
	if _, err := tx.exec(ctx, `DELETE FROM site_texts WHERE item_id = ? AND lang = ?`, itemID, t.Lang); err != nil {
		return dbErr(err, op)
	}
	if tx.db.d.Postgres {
		cfg := site.SearchConfig[t.Lang]
		if cfg == "" {
			cfg = "simple"
		}
		_, err := tx.exec(ctx, `INSERT INTO site_texts (item_id, lang, title, summary, body, rev, source_rev, updated_at, tsv)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?,
			setweight(to_tsvector(CAST(? AS regconfig), ?), 'A') || to_tsvector(CAST(? AS regconfig), ?))`,
			itemID, t.Lang, t.Title, t.Summary, t.Body, t.Rev, t.SourceRev, tx.t(updated),
			cfg, t.Title, cfg, t.Summary+"\n"+site.PlainText(t.Body))
		if err != nil {
			return dbErr(err, op)
		}
	} else {
		if _, err := tx.exec(ctx, `INSERT INTO site_texts (item_id, lang, title, summary, body, rev, source_rev, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			itemID, t.Lang, t.Title, t.Summary, t.Body, t.Rev, t.SourceRev, tx.t(updated)); err != nil {
			return dbErr(err, op)
		}
		if _, err := tx.exec(ctx, `DELETE FROM site_fts WHERE item_id = ? AND lang = ?`, itemID, t.Lang); err != nil {
			return dbErr(err, op)
		}
		if _, err := tx.exec(ctx, `INSERT INTO site_fts (title, summary, body, item_id, lang) VALUES (?, ?, ?, ?, ?)`,
			t.Title, t.Summary, site.PlainText(t.Body), itemID, t.Lang); err != nil {
			return dbErr(err, op)
		}
	}
	if rev != nil {
		rev.ItemID, rev.Lang, rev.Rev = itemID, t.Lang, t.Rev
		return tx.AddRevision(ctx, rev)
	}
	return nil
}

// AddRevision implements site.Tx. A revision of the fields only shares the
// text's rev number; it is stored under the next free one.
func (tx siteTx) AddRevision(ctx context.Context, r *site.Revision) error {
	const op = "store: add site revision"
	var last int
	if err := tx.queryRow(ctx, `SELECT coalesce(max(rev), 0) FROM site_revisions WHERE item_id = ? AND lang = ?`, r.ItemID, r.Lang).Scan(&last); err != nil {
		return dbErr(err, op)
	}
	if r.Rev <= last {
		r.Rev = last + 1
	}
	created := tx.timeOr(&r.CreatedAt)
	return dbErr(tx.queryRow(ctx, `INSERT INTO site_revisions (item_id, lang, rev, title, summary, body, meta, author, author_name, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.ItemID, r.Lang, r.Rev, r.Title, r.Summary, r.Body, metaJSON(r.Meta), r.Author, r.AuthorName, r.Note, tx.t(created)).Scan(&r.ID), op)
}

const siteRevColumns = `id, item_id, lang, rev, title, summary, body, meta, author, author_name, note, created_at`

func scanSiteRevision(row interface{ Scan(...any) error }) (*site.Revision, error) {
	var r site.Revision
	var meta string
	if err := row.Scan(&r.ID, &r.ItemID, &r.Lang, &r.Rev, &r.Title, &r.Summary, &r.Body, &meta,
		&r.Author, &r.AuthorName, &r.Note, scanTime{&r.CreatedAt}); err != nil {
		return nil, err
	}
	return &r, json.Unmarshal([]byte(meta), &r.Meta)
}

// Revisions implements site.Tx.
func (tx siteTx) Revisions(ctx context.Context, itemID int64, lang string) ([]*site.Revision, error) {
	rows, err := tx.query(ctx, `SELECT `+siteRevColumns+` FROM site_revisions WHERE item_id = ? AND lang = ? ORDER BY rev DESC`, itemID, lang)
	if err != nil {
		return nil, dbErr(err, "store: site revisions")
	}
	return scanAll(rows, "store: site revisions", scanSiteRevision)
}

// Revision implements site.Tx.
func (tx siteTx) Revision(ctx context.Context, itemID int64, lang string, rev int) (*site.Revision, error) {
	r, err := scanSiteRevision(tx.queryRow(ctx, `SELECT `+siteRevColumns+` FROM site_revisions WHERE item_id = ? AND lang = ? AND rev = ?`, itemID, lang, rev))
	if err != nil {
		return nil, notFound(err, "revision", "store: site revision")
	}
	return r, nil
}
