package site_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// clock is an injectable clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

// seeded returns a service on db with the seed content written.
func seeded(t *testing.T, db *store.DB, c *clock) *site.Service {
	t.Helper()
	svc := site.New(store.NewSiteStore(db), c.Now)
	if ok, err := svc.Seed(context.Background()); err != nil || !ok {
		t.Fatalf("Seed = %v, %v", ok, err)
	}
	return svc
}

var (
	secretariat = site.Editor{Actor: auth.Actor{UserID: 1, Role: auth.RoleSiteEditor, Country: "SE"}, Name: "Editor"}
	coordPL     = site.Editor{Actor: auth.Actor{UserID: 2, Role: auth.RoleSiteCoordinator, Country: "PL"}, Name: "Koordynator"}
	coordDK     = site.Editor{Actor: auth.Actor{UserID: 3, Role: auth.RoleSiteCoordinator, Country: "DK"}, Name: "Koordinator"}
	reviewer    = site.Editor{Actor: auth.Actor{UserID: 4, Role: auth.RoleSiteReviewer, Country: "SE"}, Name: "Reviewer"}
)

func TestSeedAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		svc := seeded(t, db, newClock())
		if again, err := svc.Seed(ctx); err != nil || again {
			t.Fatalf("second Seed = %v, %v; want nothing written", again, err)
		}
		for _, tc := range []struct{ q, lang, want string }{
			{"ROBERT", "en", "robert"},
			{"Keeping the Door Open", "en", "keeping-the-door-open-2009"},
			{"keeping the door open", "pl", "keeping-the-door-open-2009"}, // English originals are searched from every language
			{"Kindern", "de", "expert-group"},                             // page says "Kinder"
			{"Berichten", "de", "expert-group"},                           // page says "Berichte"
			{"Vilnius", "en", "egcc-vilnius-2009"},
		} {
			hits, err := svc.Search(ctx, site.SearchQuery{Text: tc.q, Lang: tc.lang})
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.q, err)
			}
			found := false
			for _, h := range hits {
				found = found || h.Item.Slug == tc.want
			}
			if !found {
				t.Errorf("Search(%q, %s) did not find %s (%d hits)", tc.q, tc.lang, tc.want, len(hits))
			}
		}
		// A German word in an inflected form finds the German text, in German.
		hits, _ := svc.Search(ctx, site.SearchQuery{Text: "Kindern", Lang: "de"})
		if len(hits) == 0 || hits[0].Lang != "de" {
			t.Errorf("German search: %+v", hits)
		}
		// Filters narrow the results.
		hits, err := svc.Search(ctx, site.SearchQuery{Text: "report", Lang: "en", Kind: site.KindPublication, Year: 2009})
		if err != nil || len(hits) == 0 {
			t.Fatalf("filtered search: %v, %d", err, len(hits))
		}
		for _, h := range hits {
			if h.Item.Kind != site.KindPublication || h.Item.Year != 2009 {
				t.Errorf("filter let through %s/%s %d", h.Item.Kind, h.Item.Slug, h.Item.Year)
			}
		}
		if hits, _ := svc.Search(ctx, site.SearchQuery{Text: "ROBERT", Lang: "en", Country: "DK"}); len(hits) != 0 {
			t.Errorf("country filter: %d hits for ROBERT in DK", len(hits))
		}
	})
}

func itemID(t *testing.T, svc *site.Service, kind site.Kind, slug string) int64 {
	t.Helper()
	p, err := svc.PublicPage(context.Background(), kind, slug, "en")
	if err != nil {
		t.Fatalf("PublicPage(%s/%s): %v", kind, slug, err)
	}
	return p.Item.ID
}

func TestCoordinatorScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		svc := seeded(t, db, newClock())
		dk := itemID(t, svc, site.KindPage, "country-dk")
		pl := itemID(t, svc, site.KindPage, "country-pl")
		robert := itemID(t, svc, site.KindProject, "robert")
		text := site.Text{Lang: "en", Title: "Changed", Body: "x"}
		forbidden := func(name string, err error) {
			t.Helper()
			if !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s: err = %v, want forbidden", name, err)
			}
		}
		_, err := svc.Create(ctx, coordPL, site.NewItem{Item: site.Item{Kind: site.KindPage, Slug: "dk-new", Country: "DK"}, Text: text})
		forbidden("create a Danish page", err)
		_, err = svc.Create(ctx, coordPL, site.NewItem{Item: site.Item{Kind: site.KindProject, Slug: "pl-project", Country: "PL"}, Text: text})
		forbidden("create a project", err)
		_, err = svc.Create(ctx, coordPL, site.NewItem{Item: site.Item{Kind: site.KindNews, Slug: "regional-news"}, Text: text})
		forbidden("create regional news", err)
		forbidden("edit the Danish page", svc.SaveText(ctx, coordPL, dk, text))
		forbidden("translate the Danish page", svc.SaveText(ctx, coordPL, dk, site.Text{Lang: "pl", Title: "x"}))
		forbidden("edit ROBERT", svc.SaveText(ctx, coordPL, robert, text))
		forbidden("change the Danish page's fields", svc.SaveFields(ctx, coordPL, dk, site.Item{Slug: "country-dk", Country: "PL"}))
		forbidden("move own page to Denmark", svc.SaveFields(ctx, coordPL, pl, site.Item{Slug: "country-pl", Country: "DK"}))
		for _, st := range []site.Status{site.StatusDraft, site.StatusReview, site.StatusPublished, site.StatusArchived} {
			forbidden("move the Danish page to "+string(st), svc.Transition(ctx, coordPL, dk, st, time.Time{}))
		}
		forbidden("restore the Danish page", svc.Restore(ctx, coordPL, dk, "en", 1))
		forbidden("link the Danish page", svc.Link(ctx, coordPL, dk, pl, false))
		_, err = svc.Attach(ctx, coordPL, dk, "a.pdf", []byte("%PDF-1.4\n"))
		forbidden("attach to the Danish page", err)
		if _, err := svc.EditorItem(ctx, coordPL, dk); !errs.Is(err, errs.NotFound) {
			t.Errorf("coordinator reads the Danish page in the editor: %v", err)
		}

		// What a coordinator may do: their own country's page and news.
		if err := svc.SaveText(ctx, coordPL, pl, site.Text{Lang: "pl", Title: "Polska"}); err != nil {
			t.Errorf("translate own page: %v", err)
		}
		n, err := svc.Create(ctx, coordPL, site.NewItem{Item: site.Item{Kind: site.KindNews, Slug: "pl-news", Country: "PL"}, Text: text})
		if err != nil {
			t.Fatalf("create national news: %v", err)
		}
		if err := svc.Transition(ctx, coordPL, n.ID, site.StatusPublished, time.Time{}); err != nil {
			t.Errorf("publish national news: %v", err)
		}
		forbidden("the Danish coordinator edits Polish news", svc.SaveText(ctx, coordDK, n.ID, text))
		// The reviewer publishes only what is in review, and edits nothing.
		forbidden("reviewer edits", svc.SaveText(ctx, reviewer, pl, text))
		forbidden("reviewer archives a published page", svc.Transition(ctx, reviewer, pl, site.StatusArchived, time.Time{}))
		if err := svc.Transition(ctx, coordPL, pl, site.StatusReview, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Transition(ctx, reviewer, pl, site.StatusPublished, time.Time{}); err != nil {
			t.Errorf("reviewer publishes what is in review: %v", err)
		}
	})
}

func TestScheduleArchiveRevisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		c := newClock()
		svc := seeded(t, db, c)
		it, err := svc.Create(ctx, secretariat, site.NewItem{Item: site.Item{Kind: site.KindNews, Slug: "later"},
			Text: site.Text{Title: "Scheduled news", Body: "first line\nsecond line"}})
		if err != nil {
			t.Fatal(err)
		}
		visible := func() bool {
			_, err := svc.PublicPage(ctx, site.KindNews, "later", "en")
			return err == nil
		}
		if err := svc.Transition(ctx, secretariat, it.ID, site.StatusPublished, c.Now().Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if visible() {
			t.Fatal("a scheduled item is visible before its time")
		}
		c.Add(119 * time.Minute)
		if visible() {
			t.Fatal("visible a minute early")
		}
		c.Add(time.Minute)
		if !visible() {
			t.Fatal("not visible at its time")
		}
		if err := svc.Transition(ctx, secretariat, it.ID, site.StatusArchived, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if visible() {
			t.Fatal("an archived item is still visible")
		}

		// Revisions: every save kept with who and when, restore makes a new one.
		if err := svc.SaveText(ctx, secretariat, it.ID, site.Text{Lang: "en", Title: "Scheduled news", Body: "first line\nchanged line"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveText(ctx, secretariat, it.ID, site.Text{Lang: "de", Title: "Geplante Nachricht"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveText(ctx, secretariat, it.ID, site.Text{Lang: "en", Title: "Scheduled news", Body: "first line\nchanged again"}); err != nil {
			t.Fatal(err)
		}
		p, _ := svc.EditorItem(ctx, secretariat, it.ID)
		if !p.Item.Outdated("de") || p.Item.Outdated("en") {
			t.Error("the German translation should be out of date against English")
		}
		revs, err := svc.Revisions(ctx, secretariat, it.ID, "en")
		if err != nil || len(revs) != 3 || revs[0].AuthorName != "Editor" || revs[2].Body != "first line\nsecond line" {
			t.Fatalf("revisions: %v %+v", err, revs)
		}
		d := site.Diff(revs[2].Body, revs[0].Body)
		if len(d) != 3 || d[0].Kind != "same" || d[1].Kind != "del" || d[2].Kind != "add" {
			t.Errorf("diff: %+v", d)
		}
		if err := svc.Restore(ctx, secretariat, it.ID, "en", 1); err != nil {
			t.Fatal(err)
		}
		p, _ = svc.EditorItem(ctx, secretariat, it.ID)
		if en := p.Item.Texts["en"]; en.Body != "first line\nsecond line" || en.Rev != 4 {
			t.Errorf("after restore: %+v", en)
		}
	})
}

func TestHostileMarkdown(t *testing.T) {
	for _, src := range []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror="alert(1)">`,
		`[click](javascript:alert(1))`,
		`[click](JaVaScRiPt:alert(1))`,
		`<a href="javascript:alert(1)">x</a>`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg onload="alert(1)"><circle r="1"/></svg>`,
		`![x](javascript:alert(1))`,
		`<iframe src="https://evil.example/"></iframe>`,
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
		`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		"<p onclick=alert(1)>hi</p>",
	} {
		out := strings.ToLower(string(site.RenderMarkdown(src)))
		for _, bad := range []string{"<script", "onerror", "onload", "onclick", "javascript:", "<svg", "<iframe", "data:text", "style="} {
			if strings.Contains(out, bad) {
				t.Errorf("RenderMarkdown(%q) = %q: contains %q", src, out, bad)
			}
		}
	}
	if got := site.RenderMarkdown("**bold** [link](https://example.org/)"); !strings.Contains(string(got), "<strong>bold</strong>") ||
		!strings.Contains(string(got), `href="https://example.org/"`) {
		t.Errorf("ordinary Markdown lost: %s", got)
	}
}
