package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/site"
)

// SiteStore implements site.Store on the database (the site_* tables of
// 0040_site.sql).
type SiteStore struct{ db *DB }

// NewSiteStore returns the site.Store of db.
func NewSiteStore(db *DB) *SiteStore { return &SiteStore{db: db} }

var (
	_ site.Store = (*SiteStore)(nil)
	_ site.Tx    = siteTx{}
)

// Update implements site.Store.
func (s *SiteStore) Update(ctx context.Context, fn func(site.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(siteTx{tx}) })
}

// View implements site.Store.
func (s *SiteStore) View(ctx context.Context, fn func(site.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(siteTx{tx}) })
}

type siteTx struct{ *Tx }

const siteItemColumns = `i.id, i.kind, i.slug, i.country, i.topic, i.year, i.status, i.publish_at,
	i.starts_on, i.ends_on, i.meta, i.seed, i.sort_key, i.created_at, i.updated_at`

func scanSiteItem(row interface{ Scan(...any) error }) (*site.Item, error) {
	var it site.Item
	var kind, country, status, meta string
	var seed any
	err := row.Scan(&it.ID, &kind, &it.Slug, &country, &it.Topic, &it.Year, &status, scanTime{&it.PublishAt},
		&it.StartsOn, &it.EndsOn, &meta, &seed, &it.SortKey, scanTime{&it.CreatedAt}, scanTime{&it.UpdatedAt})
	if err != nil {
		return nil, err
	}
	it.Kind, it.Country, it.Status = site.Kind(kind), auth.Country(country), site.Status(status)
	switch v := seed.(type) {
	case bool:
		it.Seed = v
	case int64:
		it.Seed = v != 0
	}
	if err := json.Unmarshal([]byte(meta), &it.Meta); err != nil {
		return nil, err
	}
	return &it, nil
}

func metaJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (tx siteTx) orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.t(t)
}

// CreateItem implements site.Tx.
func (tx siteTx) CreateItem(ctx context.Context, it *site.Item) error {
	created := tx.timeOr(&it.CreatedAt)
	updated := tx.timeOr(&it.UpdatedAt)
	err := tx.queryRow(ctx, `INSERT INTO site_items (kind, slug, country, topic, year, status, publish_at,
		starts_on, ends_on, meta, seed, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(it.Kind), it.Slug, string(it.Country), it.Topic, it.Year, string(it.Status), tx.orNull(it.PublishAt),
		it.StartsOn, it.EndsOn, metaJSON(it.Meta), tx.b(it.Seed), it.SortKey, tx.t(created), tx.t(updated)).Scan(&it.ID)
	return dbErr(err, "store: create site item")
}

// UpdateItem implements site.Tx.
func (tx siteTx) UpdateItem(ctx context.Context, it *site.Item) error {
	updated := tx.timeOr(&it.UpdatedAt)
	n, err := tx.execN(ctx, `UPDATE site_items SET slug = ?, country = ?, topic = ?, year = ?, status = ?, publish_at = ?,
		starts_on = ?, ends_on = ?, meta = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		it.Slug, string(it.Country), it.Topic, it.Year, string(it.Status), tx.orNull(it.PublishAt),
		it.StartsOn, it.EndsOn, metaJSON(it.Meta), it.SortKey, tx.t(updated), it.ID)
	if err != nil {
		return dbErr(err, "store: update site item")
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, "item", "")
	}
	return nil
}

// Item implements site.Tx.
func (tx siteTx) Item(ctx context.Context, id int64) (*site.Item, error) {
	it, err := scanSiteItem(tx.queryRow(ctx, `SELECT `+siteItemColumns+` FROM site_items i WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "item", "store: read site item")
	}
	return it, nil
}

// ItemBySlug implements site.Tx.
func (tx siteTx) ItemBySlug(ctx context.Context, kind site.Kind, slug string) (*site.Item, error) {
	it, err := scanSiteItem(tx.queryRow(ctx, `SELECT `+siteItemColumns+` FROM site_items i WHERE i.kind = ? AND i.slug = ?`, string(kind), slug))
	if err != nil {
		return nil, notFound(err, "page", "store: read site item")
	}
	return it, nil
}

// where builds the conditions of f.
func (tx siteTx) where(f site.Filter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Kind != "" {
		add("i.kind = ?", string(f.Kind))
	}
	if f.Country != "" {
		add("i.country = ?", string(f.Country))
	}
	if f.Topic != "" {
		add("i.topic = ?", f.Topic)
	}
	if f.Year != 0 {
		add("i.year = ?", f.Year)
	}
	if f.Public {
		add("i.status = ? AND i.publish_at <= ?", string(site.StatusPublished), tx.t(f.Now))
	} else if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i] = "?"
			args = append(args, string(s))
		}
		conds = append(conds, "i.status IN ("+strings.Join(ph, ", ")+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Items implements site.Tx. Dated kinds list newest first; the rest by
// their sort key, then title order is left to the caller.
func (tx siteTx) Items(ctx context.Context, f site.Filter) ([]*site.Item, error) {
	w, args := tx.where(f)
	q := `SELECT ` + siteItemColumns + ` FROM site_items i` + w +
		` ORDER BY i.sort_key, CASE WHEN i.starts_on = '' THEN i.year || '' ELSE i.starts_on END DESC, i.publish_at DESC, i.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, dbErr(err, "store: list site items")
	}
	return scanAll(rows, "store: list site items", scanSiteItem)
}

// CountItems implements site.Tx.
func (tx siteTx) CountItems(ctx context.Context, f site.Filter) (int, error) {
	w, args := tx.where(f)
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM site_items i`+w, args...).Scan(&n)
	return n, dbErr(err, "store: count site items")
}

// LastModified implements site.Tx.
func (tx siteTx) LastModified(ctx context.Context, now time.Time) (time.Time, error) {
	var t time.Time
	n := tx.t(now)
	err := tx.queryRow(ctx, `SELECT max(CASE WHEN publish_at IS NOT NULL AND publish_at <= ? AND publish_at > updated_at
		THEN publish_at ELSE updated_at END) FROM site_items WHERE updated_at <= ?`, n, n).Scan(scanTime{&t})
	return t, dbErr(err, "store: site last modified")
}

// Link implements site.Tx.
func (tx siteTx) Link(ctx context.Context, from, to int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM site_links WHERE from_id = ? AND to_id = ?`, from, to).Scan(&n); err != nil || n > 0 {
		return dbErr(err, "store: link site items")
	}
	_, err := tx.exec(ctx, `INSERT INTO site_links (from_id, to_id) VALUES (?, ?)`, from, to)
	return dbErr(err, "store: link site items")
}

// Unlink implements site.Tx: it removes the link either way.
func (tx siteTx) Unlink(ctx context.Context, from, to int64) error {
	_, err := tx.exec(ctx, `DELETE FROM site_links WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)`, from, to, to, from)
	return dbErr(err, "store: unlink site items")
}

// Linked implements site.Tx.
func (tx siteTx) Linked(ctx context.Context, id int64) ([]*site.Item, error) {
	rows, err := tx.query(ctx, `SELECT `+siteItemColumns+` FROM site_items i WHERE i.id IN
		(SELECT to_id FROM site_links WHERE from_id = ? UNION SELECT from_id FROM site_links WHERE to_id = ?)
		ORDER BY i.kind, i.starts_on DESC, i.id`, id, id)
	if err != nil {
		return nil, dbErr(err, "store: linked site items")
	}
	return scanAll(rows, "store: linked site items", scanSiteItem)
}
