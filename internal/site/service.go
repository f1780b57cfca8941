package site

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Editor is who acts in the editors' pages: the signed-in actor and the
// display name their revisions show.
type Editor struct {
	Actor auth.Actor
	Name  string
}

// SystemEditor writes the seed content.
var SystemEditor = Editor{Actor: auth.SystemActor, Name: "Childcentre (seed)"}

// Service is the site's domain service. Every method that changes
// something takes the Editor and checks the rules of perm.go against the
// item as stored.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns the service on st. now is the clock (scheduled publication
// compares with it); time.Now when nil.
func New(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

// Now returns the service's clock reading.
func (s *Service) Now() time.Time { return s.now().UTC() }

// NewItem is what creating an item takes: its fields and English text.
type NewItem struct {
	Item
	Text Text
}

// Create adds an item as a draft with its English text.
func (s *Service) Create(ctx context.Context, e Editor, n NewItem) (*Item, error) {
	it := n.Item
	it.ID, it.Status, it.PublishAt = 0, StatusDraft, time.Time{}
	if err := validateItem(&it); err != nil {
		return nil, err
	}
	if !CanEdit(e.Actor, &it) {
		return nil, errForbidden
	}
	t := n.Text
	t.Lang = "en"
	if err := validateText(&t); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		now := s.Now()
		it.CreatedAt, it.UpdatedAt = now, now
		if err := tx.CreateItem(ctx, &it); err != nil {
			return err
		}
		t.Rev, t.UpdatedAt = 1, now
		if err := tx.PutText(ctx, it.ID, &t, s.revision(e, &it, &t, "created")); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteCreate, &it, "kind="+string(it.Kind)))
	})
	if err != nil {
		return nil, err
	}
	it.Texts = map[string]*Text{"en": &t}
	return &it, nil
}

func (s *Service) revision(e Editor, it *Item, t *Text, note string) *Revision {
	return &Revision{ItemID: it.ID, Lang: t.Lang, Rev: t.Rev, Title: t.Title, Summary: t.Summary, Body: t.Body,
		Meta: it.Meta, Author: e.Actor.Ref(), AuthorName: e.Name, Note: note, CreatedAt: t.UpdatedAt}
}

func record(e Editor, action string, it *Item, detail string) audit.Record {
	return audit.Record{Actor: e.Actor.Ref(), Role: string(e.Actor.Role), Country: string(it.Country),
		Action: action, Target: "site:" + strconv.FormatInt(it.ID, 10), Outcome: "ok", Addr: e.Actor.Addr, Detail: detail}
}

// editable loads item id in tx and checks that e may edit it.
func (s *Service) editable(ctx context.Context, tx Tx, e Editor, id int64) (*Item, error) {
	it, err := tx.Item(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanEdit(e.Actor, it) {
		return nil, errForbidden
	}
	return it, nil
}

// SaveText writes the text of item id in lang. A translation saved is
// taken as made from the English text as it stands.
func (s *Service) SaveText(ctx context.Context, e Editor, id int64, t Text) error {
	if !SupportedLang(t.Lang) {
		return errs.Field("lang", "Choose one of the site's languages.")
	}
	if err := validateText(&t); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		it, err := s.editable(ctx, tx, e, id)
		if err != nil {
			return err
		}
		if err := tx.LoadTexts(ctx, []*Item{it}, "en", t.Lang); err != nil {
			return err
		}
		en := it.Texts["en"]
		if t.Lang != "en" && en == nil {
			return errs.E(errs.Conflict, "Write the English text first.")
		}
		if old := it.Texts[t.Lang]; old != nil {
			if old.Title == t.Title && old.Summary == t.Summary && old.Body == t.Body &&
				(t.Lang == "en" || old.SourceRev == en.Rev) {
				return nil // nothing changed: no revision
			}
			t.Rev = old.Rev + 1
		} else {
			t.Rev = 1
		}
		if t.Lang != "en" {
			t.SourceRev = en.Rev
		}
		t.UpdatedAt = s.Now()
		if err := tx.PutText(ctx, it.ID, &t, s.revision(e, it, &t, "edited")); err != nil {
			return err
		}
		it.UpdatedAt = t.UpdatedAt
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteUpdate, it, "lang="+t.Lang))
	})
}

// SaveFields changes an item's fields (not its status or texts). Both the
// item as stored and as changed must be e's to edit: a coordinator cannot
// move their page to another country, nor take one over.
func (s *Service) SaveFields(ctx context.Context, e Editor, id int64, f Item) error {
	return s.store.Update(ctx, func(tx Tx) error {
		it, err := s.editable(ctx, tx, e, id)
		if err != nil {
			return err
		}
		next := *it
		next.Slug, next.Country, next.Topic, next.Year = f.Slug, f.Country, f.Topic, f.Year
		next.StartsOn, next.EndsOn, next.Meta, next.SortKey = f.StartsOn, f.EndsOn, f.Meta, f.SortKey
		if err := validateItem(&next); err != nil {
			return err
		}
		if !CanEdit(e.Actor, &next) {
			return errForbidden
		}
		next.UpdatedAt = s.Now()
		if err := tx.UpdateItem(ctx, &next); err != nil {
			return err
		}
		// The fields are part of the English revision history.
		if err := tx.LoadTexts(ctx, []*Item{&next}, "en"); err != nil {
			return err
		}
		if en := next.Texts["en"]; en != nil {
			r := s.revision(e, &next, en, "fields")
			r.Rev, r.CreatedAt = en.Rev, next.UpdatedAt
			if err := tx.AddRevision(ctx, r); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteUpdate, &next, "fields"))
	})
}

// Transition moves item id to status to. Publishing takes at, the moment
// readers see the item: zero for now, a later time to schedule it.
func (s *Service) Transition(ctx context.Context, e Editor, id int64, to Status, at time.Time) error {
	switch to {
	case StatusDraft, StatusReview, StatusPublished, StatusArchived:
	default:
		return errs.Field("status", "Choose a status.")
	}
	return s.store.Update(ctx, func(tx Tx) error {
		it, err := tx.Item(ctx, id)
		if err != nil {
			return err
		}
		if !CanTransition(e.Actor, it, to) {
			return errForbidden
		}
		now := s.Now()
		detail := string(to)
		if to == StatusPublished {
			if at.IsZero() || at.Before(now) {
				at = now
			}
			if at.After(now) {
				detail = "scheduled " + at.UTC().Format(time.RFC3339)
			}
			it.PublishAt = at.UTC()
		}
		it.Status, it.UpdatedAt = to, now
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteStatus, it, detail))
	})
}

// Restore makes revision rev of item id's text in lang the current text
// again, as a new revision: history is never rewritten.
func (s *Service) Restore(ctx context.Context, e Editor, id int64, lang string, rev int) error {
	return s.store.Update(ctx, func(tx Tx) error {
		it, err := s.editable(ctx, tx, e, id)
		if err != nil {
			return err
		}
		old, err := tx.Revision(ctx, id, lang, rev)
		if err != nil {
			return err
		}
		if err := tx.LoadTexts(ctx, []*Item{it}, "en", lang); err != nil {
			return err
		}
		cur := it.Texts[lang]
		if cur == nil {
			return errs.E(errs.NotFound, "No such translation.")
		}
		t := Text{Lang: lang, Title: old.Title, Summary: old.Summary, Body: old.Body, Rev: cur.Rev + 1, SourceRev: cur.SourceRev, UpdatedAt: s.Now()}
		if lang == "en" && len(old.Meta) > 0 {
			it.Meta = old.Meta
		}
		if err := tx.PutText(ctx, id, &t, s.revision(e, it, &t, "restored "+strconv.Itoa(rev))); err != nil {
			return err
		}
		it.UpdatedAt = t.UpdatedAt
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteRestore, it, "lang="+lang+" rev="+strconv.Itoa(rev)))
	})
}

// Link relates two items; both pages show the link.
func (s *Service) Link(ctx context.Context, e Editor, from, to int64, remove bool) error {
	return s.store.Update(ctx, func(tx Tx) error {
		// A link shows on both pages: it changes both, so e must be
		// allowed to edit both.
		it, err := s.editable(ctx, tx, e, from)
		if err != nil {
			return err
		}
		if _, err := s.editable(ctx, tx, e, to); err != nil {
			return err
		}
		if from == to {
			return errs.Field("link", "An item cannot link to itself.")
		}
		if remove {
			err = tx.Unlink(ctx, from, to)
		} else {
			err = tx.Link(ctx, from, to)
		}
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, record(e, audit.ActSiteUpdate, it, "link "+strconv.FormatInt(to, 10)))
	})
}
