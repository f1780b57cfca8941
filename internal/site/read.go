package site

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Visible reports whether readers see it at now: published and due.
func (it *Item) Visible(now time.Time) bool {
	return it.Status == StatusPublished && !it.PublishAt.IsZero() && !it.PublishAt.After(now)
}

// Scheduled reports whether it is published for a moment after now.
func (it *Item) Scheduled(now time.Time) bool {
	return it.Status == StatusPublished && it.PublishAt.After(now)
}

// TextFor returns the text to show in lang and whether it is a fallback
// to English (no translation yet).
func (it *Item) TextFor(lang string) (*Text, bool) {
	if t := it.Texts[lang]; t != nil {
		return t, false
	}
	return it.Texts["en"], lang != "en"
}

// Outdated reports whether the translation in lang was made from an
// earlier English text than the current one.
func (it *Item) Outdated(lang string) bool {
	t, en := it.Texts[lang], it.Texts["en"]
	return lang != "en" && t != nil && en != nil && t.SourceRev < en.Rev
}

// Page is an item as a reader sees it: with the items it links to or is
// linked from (published ones only) and its attachments.
type Page struct {
	Item        *Item
	Linked      []*Item
	Attachments []*Attachment
}

// PublicPage returns the published item kind/slug with its texts in lang
// and English. An unpublished, scheduled or archived item is not found.
func (s *Service) PublicPage(ctx context.Context, kind Kind, slug, lang string) (*Page, error) {
	now := s.Now()
	var p Page
	err := s.store.View(ctx, func(tx Tx) error {
		it, err := tx.ItemBySlug(ctx, kind, slug)
		if err != nil {
			return err
		}
		if !it.Visible(now) {
			return errs.E(errs.NotFound, "page not found")
		}
		p.Item = it
		linked, err := tx.Linked(ctx, it.ID)
		if err != nil {
			return err
		}
		for _, l := range linked {
			if l.Visible(now) {
				p.Linked = append(p.Linked, l)
			}
		}
		if err := tx.LoadTexts(ctx, append([]*Item{it}, p.Linked...), langs(lang)...); err != nil {
			return err
		}
		p.Attachments, err = tx.Attachments(ctx, it.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func langs(lang string) []string {
	if lang == "en" {
		return []string{"en"}
	}
	return []string{"en", lang}
}

// PublicList returns the published items f selects, with their texts in
// f.Lang and English, and how many there are in all.
func (s *Service) PublicList(ctx context.Context, f Filter) ([]*Item, int, error) {
	f.Public, f.Now = true, s.Now()
	if f.Lang == "" {
		f.Lang = "en"
	}
	return s.list(ctx, f)
}

func (s *Service) list(ctx context.Context, f Filter) ([]*Item, int, error) {
	var items []*Item
	var n int
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.CountItems(ctx, f); err != nil {
			return err
		}
		if items, err = tx.Items(ctx, f); err != nil {
			return err
		}
		if f.NoTexts {
			return nil
		}
		return tx.LoadTexts(ctx, items, langs(f.Lang)...)
	})
	return items, n, err
}

// EditorList returns the items e may review or edit that f selects, with
// every translation loaded (the list shows which are missing).
func (s *Service) EditorList(ctx context.Context, e Editor, f Filter) ([]*Item, error) {
	if !CanUseEditor(e.Actor) {
		return nil, errForbidden
	}
	f.Public = false
	f.Limit = 0
	var out []*Item
	err := s.store.View(ctx, func(tx Tx) error {
		items, err := tx.Items(ctx, f)
		if err != nil {
			return err
		}
		for _, it := range items {
			if CanReview(e.Actor, it) {
				out = append(out, it)
			}
		}
		return tx.LoadTexts(ctx, out)
	})
	return out, err
}

// EditorItem returns item id with every translation, its links and
// attachments, for e to review or edit.
func (s *Service) EditorItem(ctx context.Context, e Editor, id int64) (*Page, error) {
	var p Page
	err := s.store.View(ctx, func(tx Tx) error {
		it, err := tx.Item(ctx, id)
		if err != nil {
			return err
		}
		if !CanReview(e.Actor, it) {
			return errs.E(errs.NotFound, "No such item.")
		}
		p.Item = it
		if p.Linked, err = tx.Linked(ctx, id); err != nil {
			return err
		}
		if err := tx.LoadTexts(ctx, append([]*Item{it}, p.Linked...)); err != nil {
			return err
		}
		p.Attachments, err = tx.Attachments(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Revisions returns the history of item id's text in lang, newest first.
func (s *Service) Revisions(ctx context.Context, e Editor, id int64, lang string) ([]*Revision, error) {
	var out []*Revision
	err := s.store.View(ctx, func(tx Tx) error {
		it, err := tx.Item(ctx, id)
		if err != nil {
			return err
		}
		if !CanReview(e.Actor, it) {
			return errs.E(errs.NotFound, "No such item.")
		}
		out, err = tx.Revisions(ctx, id, lang)
		return err
	})
	return out, err
}

// PublicAttachment returns attachment id with its data if its item is
// published.
func (s *Service) PublicAttachment(ctx context.Context, id int64) (*Attachment, *Item, error) {
	now := s.Now()
	var a *Attachment
	var it *Item
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if a, err = tx.Attachment(ctx, id); err != nil {
			return err
		}
		if it, err = tx.Item(ctx, a.ItemID); err != nil {
			return err
		}
		if !it.Visible(now) {
			return errs.E(errs.NotFound, "file not found")
		}
		return nil
	})
	return a, it, err
}

// LastModified is the time of the latest change to any item: what the
// public pages' Last-Modified header says.
func (s *Service) LastModified(ctx context.Context) (time.Time, error) {
	var t time.Time
	now := s.Now()
	err := s.store.View(ctx, func(tx Tx) (err error) {
		t, err = tx.LastModified(ctx, now)
		return err
	})
	return t, err
}
