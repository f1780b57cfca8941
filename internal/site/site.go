// Package site is the network's public knowledge site: pages, news,
// publications, events, projects, the Expert Group and its meetings, the
// directory of National Contact Points and the priority areas, each in
// English and the languages of the member states, written by the
// secretariat and the national coordinators through a review workflow.
//
// The package holds the domain (types, rules, workflow, Markdown, diff,
// seed content) and the storage interface it needs (Store); internal/store
// implements it on SQLite and PostgreSQL, internal/site/sitehttp serves it.
package site

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Kind is a content type.
type Kind string

// Kinds. The values are stored and appear in URLs: never rename one.
const (
	KindPage        Kind = "page"
	KindNews        Kind = "news"
	KindPublication Kind = "publication"
	KindEvent       Kind = "event"
	KindProject     Kind = "project"
	KindMember      Kind = "member"   // a member of the Expert Group
	KindMeeting     Kind = "meeting"  // a meeting of the Expert Group
	KindContact     Kind = "contact"  // a National Contact Point
	KindPriority    Kind = "priority" // a priority area
)

// Kinds lists every kind in menu order.
var Kinds = []Kind{KindNews, KindPublication, KindEvent, KindProject, KindPriority, KindMember, KindMeeting, KindContact, KindPage}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Status is where an item is in the workflow.
type Status string

// Statuses: draft → review → published → archived. A published item whose
// PublishAt lies in the future is scheduled: readers see it from then on.
const (
	StatusDraft     Status = "draft"
	StatusReview    Status = "review"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Languages are the site's languages, English (the original) first.
var Languages = []string{"en", "da", "de", "et", "fi", "is", "lt", "lv", "no", "pl", "ru", "sv"}

// SupportedLang reports whether lang is one of Languages.
func SupportedLang(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Item is one piece of content, whatever its kind.
type Item struct {
	ID        int64
	Kind      Kind
	Slug      string       // URL name, [a-z0-9-]
	Country   auth.Country // a national item's country; "" for regional ones
	Topic     string       // one of Topics, or ""
	Year      int
	Status    Status
	PublishAt time.Time // zero until published
	StartsOn  string    // YYYY-MM-DD (events, meetings)
	EndsOn    string
	Meta      map[string]string // kind-specific fields (KindFields)
	Seed      bool              // written from the seed documents
	SortKey   int
	CreatedAt time.Time
	UpdatedAt time.Time

	// Texts holds the translations that were loaded, by language.
	Texts map[string]*Text
}

// Text is an item's text in one language.
type Text struct {
	Lang      string
	Title     string
	Summary   string
	Body      string // Markdown
	Rev       int    // saves of this translation
	SourceRev int    // the English Rev a translation was made from
	UpdatedAt time.Time
}

// Revision is one saved version of a translation.
type Revision struct {
	ID         int64
	ItemID     int64
	Lang       string
	Rev        int
	Title      string
	Summary    string
	Body       string
	Meta       map[string]string
	Author     string // audit reference
	AuthorName string
	Note       string
	CreatedAt  time.Time
}

// Attachment is a file attached to an item. Data is loaded only when the
// file is served.
type Attachment struct {
	ID          int64
	ItemID      int64
	Name        string
	ContentType string
	Size        int64
	SHA256      []byte
	Data        []byte
	CreatedAt   time.Time
}

// Filter selects items for a list.
type Filter struct {
	Kind    Kind
	Country auth.Country
	Topic   string
	Year    int
	// Public selects what readers see at Now: published and due.
	Public bool
	Now    time.Time
	// Statuses, when not Public, restricts to these statuses (nil: all).
	Statuses []Status
	Limit    int
	Offset   int
	// Lang loads this language's text and English's.
	Lang string
	// NoTexts loads no text at all (the sitemap needs only addresses).
	NoTexts bool
}

// SearchQuery is a full-text search.
type SearchQuery struct {
	Text    string
	Lang    string
	Kind    Kind
	Country auth.Country
	Topic   string
	Year    int
	Now     time.Time
	Limit   int
}

// Hit is one search result.
type Hit struct {
	Item *Item
	Lang string // the language the match was found in
	Rank float64
}

// Store is the persistence the site needs.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction on the site's tables.
type Tx interface {
	CreateItem(ctx context.Context, it *Item) error
	UpdateItem(ctx context.Context, it *Item) error
	Item(ctx context.Context, id int64) (*Item, error)
	ItemBySlug(ctx context.Context, kind Kind, slug string) (*Item, error)
	// Items lists items in the filter's order (newest first for dated kinds).
	Items(ctx context.Context, f Filter) ([]*Item, error)
	CountItems(ctx context.Context, f Filter) (int, error)
	// LoadTexts fills it.Texts with the given languages (all when none).
	LoadTexts(ctx context.Context, items []*Item, langs ...string) error
	// PutText writes the current text of a translation and its revision.
	PutText(ctx context.Context, itemID int64, t *Text, rev *Revision) error
	Revisions(ctx context.Context, itemID int64, lang string) ([]*Revision, error)
	Revision(ctx context.Context, itemID int64, lang string, rev int) (*Revision, error)
	AddRevision(ctx context.Context, rev *Revision) error
	Link(ctx context.Context, from, to int64) error
	Unlink(ctx context.Context, from, to int64) error
	// Linked returns the items linked from or to id, either way.
	Linked(ctx context.Context, id int64) ([]*Item, error)
	AddAttachment(ctx context.Context, a *Attachment) error
	Attachments(ctx context.Context, itemID int64) ([]*Attachment, error)
	Attachment(ctx context.Context, id int64) (*Attachment, error)
	DeleteAttachment(ctx context.Context, id int64) error
	Search(ctx context.Context, q SearchQuery, terms []string) ([]Hit, error)
	// LastModified is the latest change readers can see at now: an
	// item's update, or a scheduled publication that has come due.
	LastModified(ctx context.Context, now time.Time) (time.Time, error)
	AppendAudit(ctx context.Context, r audit.Record) error
}
