package store

import (
	"context"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// AddAttachment implements site.Tx.
func (tx siteTx) AddAttachment(ctx context.Context, a *site.Attachment) error {
	created := tx.timeOr(&a.CreatedAt)
	return dbErr(tx.queryRow(ctx, `INSERT INTO site_attachments (item_id, name, content_type, size, sha256, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.ItemID, a.Name, a.ContentType, a.Size, a.SHA256, a.Data, tx.t(created)).Scan(&a.ID),
		"store: add site attachment")
}

// Attachments implements site.Tx (without the data).
func (tx siteTx) Attachments(ctx context.Context, itemID int64) ([]*site.Attachment, error) {
	rows, err := tx.query(ctx, `SELECT id, item_id, name, content_type, size, sha256, created_at FROM site_attachments WHERE item_id = ? ORDER BY id`, itemID)
	if err != nil {
		return nil, dbErr(err, "store: site attachments")
	}
	return scanAll(rows, "store: site attachments", func(row interface{ Scan(...any) error }) (*site.Attachment, error) {
		var a site.Attachment
		return &a, row.Scan(&a.ID, &a.ItemID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, scanTime{&a.CreatedAt})
	})
}

// Attachment implements site.Tx (with the data).
func (tx siteTx) Attachment(ctx context.Context, id int64) (*site.Attachment, error) {
	var a site.Attachment
	err := tx.queryRow(ctx, `SELECT id, item_id, name, content_type, size, sha256, data, created_at FROM site_attachments WHERE id = ?`, id).
		Scan(&a.ID, &a.ItemID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Data, scanTime{&a.CreatedAt})
	if err != nil {
		return nil, notFound(err, "file", "store: site attachment")
	}
	return &a, nil
}

// DeleteAttachment implements site.Tx.
func (tx siteTx) DeleteAttachment(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `DELETE FROM site_attachments WHERE id = ?`, id)
	return dbErr(err, "store: delete site attachment")
}

// Search implements site.Tx: FTS5 on SQLite (terms as prefixes, see
// site.SearchTerms), the language's text search configuration on
// PostgreSQL. Only items readers see at q.Now are found.
func (tx siteTx) Search(ctx context.Context, q site.SearchQuery, terms []string) ([]site.Hit, error) {
	var conds []string
	var args []any
	var from, rank string
	if tx.db.d.Postgres {
		cfg := site.SearchConfig[q.Lang]
		from = `site_texts f JOIN site_items i ON i.id = f.item_id`
		// A query in the reader's language uses its dictionary on its
		// texts, and English's on the English originals.
		conds = append(conds, `((f.lang = ? AND f.tsv @@ websearch_to_tsquery(CAST(? AS regconfig), ?))
			OR (f.lang = 'en' AND f.tsv @@ websearch_to_tsquery('english', ?)))`)
		args = append(args, q.Lang, cfg, q.Text, q.Text)
		rank = `ts_rank(f.tsv, websearch_to_tsquery(CAST(? AS regconfig), ?))`
		args = append([]any{cfg, q.Text}, args...)
	} else {
		from = `site_fts f JOIN site_items i ON i.id = f.item_id`
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
		}
		conds = append(conds, `site_fts MATCH ?`, `f.lang IN (?, 'en')`)
		args = append(args, strings.Join(quoted, " AND "), q.Lang)
		rank = `-bm25(site_fts, 10.0, 3.0, 1.0)`
	}
	conds = append(conds, `i.status = ?`, `i.publish_at <= ?`)
	args = append(args, string(site.StatusPublished), tx.t(q.Now))
	if q.Kind != "" {
		conds, args = append(conds, `i.kind = ?`), append(args, string(q.Kind))
	}
	if q.Country != "" {
		conds, args = append(conds, `i.country = ?`), append(args, string(q.Country))
	}
	if q.Topic != "" {
		conds, args = append(conds, `i.topic = ?`), append(args, q.Topic)
	}
	if q.Year != 0 {
		conds, args = append(conds, `i.year = ?`), append(args, q.Year)
	}
	args = append(args, q.Limit)
	rows, err := tx.query(ctx, `SELECT `+siteItemColumns+`, f.lang, `+rank+` AS r FROM `+from+
		` WHERE `+strings.Join(conds, " AND ")+` ORDER BY r DESC, i.id LIMIT ?`, args...)
	if err != nil {
		return nil, dbErr(err, "store: search site")
	}
	return scanAll(rows, "store: search site", func(row interface{ Scan(...any) error }) (site.Hit, error) {
		var h site.Hit
		var lang string
		var r float64
		it, err := scanSiteItem(rowWith{row, []any{&lang, &r}})
		if err != nil {
			return h, err
		}
		return site.Hit{Item: it, Lang: lang, Rank: r}, nil
	})
}

// rowWith scans extra columns after those a scan function reads.
type rowWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }
