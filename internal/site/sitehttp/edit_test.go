package sitehttp_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// snapshot is everything an editor could change about an item.
func snapshot(t *testing.T, e *env, id int64) string {
	t.Helper()
	p, err := e.svc.EditorItem(context.Background(), site.SystemEditor, id)
	if err != nil {
		t.Fatal(err)
	}
	it := p.Item
	var b strings.Builder
	b.WriteString(it.Slug + "|" + string(it.Country) + "|" + string(it.Status) + "|" + it.PublishAt.String() + "|" + strconv.Itoa(len(p.Linked)) + "|" + strconv.Itoa(len(p.Attachments)))
	for _, l := range site.Languages {
		if tx := it.Texts[l]; tx != nil {
			b.WriteString("|" + l + ":" + tx.Title + ":" + tx.Body + ":" + strconv.Itoa(tx.Rev))
		}
	}
	return b.String()
}

// TestCoordinatorCannotTouchAnotherCountry tries every editors' route as
// Poland's coordinator on Denmark's page: each is refused and nothing
// changes.
func TestCoordinatorCannotTouchAnotherCountry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		dk := e.id(site.KindPage, "country-dk")
		pl := e.id(site.KindPage, "country-pl")
		a, err := e.svc.Attach(context.Background(), site.SystemEditor, dk, "x.pdf", []byte("%PDF-1.4\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, e, dk)
		base := "/en/edit/" + strconv.FormatInt(dk, 10)
		posts := []struct {
			path string
			form url.Values
		}{
			{"/en/edit/new", url.Values{"kind": {"page"}, "slug": {"dk-by-pl"}, "country": {"DK"}, "title": {"x"}}},
			{"/pl/edit/new", url.Values{"kind": {"news"}, "slug": {"dk-news-by-pl"}, "country": {"DK"}, "title": {"x"}}},
			{base + "/fields", url.Values{"kind": {"page"}, "slug": {"country-dk"}, "country": {"DK"}, "title": {"Hacked"}}},
			{base + "/fields", url.Values{"kind": {"page"}, "slug": {"country-dk"}, "country": {"PL"}, "title": {"Taken over"}}},
			{base + "/text/en", url.Values{"title": {"Hacked"}}},
			{base + "/text/da", url.Values{"title": {"Hacked"}}},
			{base + "/text/pl", url.Values{"title": {"Hacked"}}},
			{base + "/status", url.Values{"status": {"published"}}},
			{base + "/status", url.Values{"status": {"draft"}}},
			{base + "/status", url.Values{"status": {"review"}}},
			{base + "/status", url.Values{"status": {"archived"}}},
			{base + "/status", url.Values{"status": {"published"}, "publish_at": {"2030-01-01T00:00"}}},
			{base + "/restore", url.Values{"lang": {"en"}, "rev": {"1"}}},
			{base + "/link", url.Values{"to": {strconv.FormatInt(pl, 10)}}},
			{"/en/edit/" + strconv.FormatInt(pl, 10) + "/link", url.Values{"to": {strconv.FormatInt(dk, 10)}, "remove": {"1"}}},
			{base + "/detach", url.Values{"attachment": {strconv.FormatInt(a.ID, 10)}}},
			{"/en/edit/" + strconv.FormatInt(pl, 10) + "/detach", url.Values{"attachment": {strconv.FormatInt(a.ID, 10)}}},
		}
		for _, p := range posts {
			if st := e.post("coordPL", p.path, p.form); st < 400 {
				t.Errorf("POST %s %v as Poland's coordinator = %d", p.path, p.form, st)
			}
		}
		if st := e.postFile("coordPL", base+"/attach", "a.pdf", []byte("%PDF-1.4\n")); st < 400 {
			t.Errorf("attach as Poland's coordinator = %d", st)
		}
		for _, p := range []string{base, base + "/text/da", base + "/history/en"} {
			if st, _ := e.getAs("coordPL", p); st != http.StatusNotFound {
				t.Errorf("GET %s as Poland's coordinator = %d, want 404", p, st)
			}
		}
		if _, body := e.getAs("coordPL", "/en/edit/"); strings.Contains(body, "/en/edit/"+strconv.FormatInt(dk, 10)+`"`) {
			t.Error("the editors' list shows Denmark's page to Poland's coordinator")
		}
		if after := snapshot(t, e, dk); after != before {
			t.Errorf("Denmark's page changed:\n%s\n%s", before, after)
		}
		// The same routes work for Denmark's coordinator.
		if st := e.post("coordDK", base+"/text/da", url.Values{"title": {"Danmark"}}); st != http.StatusSeeOther {
			t.Errorf("Denmark's coordinator translates own page: %d", st)
		}
		// People without a site role and anonymous visitors get nothing.
		if st, _ := e.getAs("officer", "/en/edit/"); st != http.StatusForbidden {
			t.Errorf("NCP officer opens the editor: %d", st)
		}
		if res, _ := e.get("/en/edit/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("anonymous editor: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func (e *env) postFile(who, path, name string, data []byte) int {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", "csrf-"+who)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: "test_session", Value: who})
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestEditorWorkflow(t *testing.T) {
	e := newSQLiteEnv(t)
	// CSRF: a wrong token and a cross-site request are refused.
	if st := e.post("editor", "/en/edit/new", url.Values{"csrf": {"wrong"}, "kind": {"news"}, "slug": {"x"}, "title": {"x"}}); st != http.StatusForbidden {
		t.Errorf("wrong CSRF token: %d", st)
	}
	if st := e.post("editor", "/en/edit/new", url.Values{"kind": {"news"}, "slug": {"bad slug"}, "title": {"x"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("invalid slug: %d", st)
	}
	if st := e.post("editor", "/en/edit/new", url.Values{"kind": {"news"}, "slug": {"spring-seminar"}, "title": {"Spring seminar"},
		"body": {"Hello <script>alert(1)</script> [x](javascript:alert(1))"}}); st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	ctx := context.Background()
	items, _ := e.svc.EditorList(ctx, site.Editor{Actor: editors["editor"].Actor}, site.Filter{Kind: site.KindNews})
	var id int64
	for _, it := range items {
		if it.Slug == "spring-seminar" {
			id = it.ID
		}
	}
	base := "/en/edit/" + strconv.FormatInt(id, 10)
	if res, _ := e.get("/en/news/spring-seminar"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a draft is public: %d", res.StatusCode)
	}
	// Scheduled for an hour later: absent until then.
	at := e.clock.Now().Add(time.Hour).Format("2006-01-02T15:04")
	if st := e.post("editor", base+"/status", url.Values{"status": {"published"}, "publish_at": {at}}); st != http.StatusSeeOther {
		t.Fatalf("schedule: %d", st)
	}
	if res, _ := e.get("/en/news/spring-seminar"); res.StatusCode != http.StatusNotFound {
		t.Error("scheduled news visible early")
	}
	if _, feed := e.get("/en/feeds/news.atom"); strings.Contains(feed, "spring-seminar") {
		t.Error("scheduled news in the feed early")
	}
	e.clock.Add(time.Hour)
	res, body := e.get("/en/news/spring-seminar")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scheduled news not visible at its time: %d", res.StatusCode)
	}
	if strings.Contains(body, "alert(1)") && (strings.Contains(body, "<script>alert") || strings.Contains(body, "javascript:")) {
		t.Error("hostile Markdown reached the page")
	}
	// Edit, translate, history with a diff, restore.
	if st := e.post("editor", base+"/fields", url.Values{"kind": {"news"}, "slug": {"spring-seminar"}, "title": {"Spring seminar"}, "body": {"Second text"}}); st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	if st := e.post("editor", base+"/text/de", url.Values{"title": {"Frühjahrsseminar"}, "body": {"Zweiter Text"}}); st != http.StatusSeeOther {
		t.Fatalf("translate: %d", st)
	}
	st, hist := e.getAs("editor", base+"/history/en")
	if st != http.StatusOK || !strings.Contains(hist, "<ins>+ Second text</ins>") || !strings.Contains(hist, "Sekretariat Editor") {
		t.Errorf("history: %d", st)
	}
	if st := e.post("editor", base+"/restore", url.Values{"lang": {"en"}, "rev": {"1"}}); st != http.StatusSeeOther {
		t.Errorf("restore: %d", st)
	}
	if _, form := e.getAs("editor", base); !strings.Contains(form, "Hello") {
		t.Error("restore did not bring the first text back")
	}
	// Attachments: a PDF is accepted, an SVG (script-capable) is not.
	if st := e.postFile("editor", base+"/attach", "Report 2010.pdf", []byte("%PDF-1.4\n%%EOF\n")); st != http.StatusSeeOther {
		t.Errorf("attach PDF: %d", st)
	}
	if st := e.postFile("editor", base+"/attach", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)); st != http.StatusUnprocessableEntity {
		t.Errorf("attach SVG: %d", st)
	}
	p, _ := e.svc.PublicPage(ctx, site.KindNews, "spring-seminar", "en")
	if len(p.Attachments) != 1 {
		t.Fatalf("attachments: %d", len(p.Attachments))
	}
	a := p.Attachments[0]
	res, _ = e.get("/site-files/" + strconv.FormatInt(a.ID, 10) + "/" + a.Name)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || a.Name != "report-2010.pdf" ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("attachment: %d %v %s", res.StatusCode, res.Header, a.Name)
	}
	// Archived: gone from the page, the feed and the sitemap.
	if st := e.post("editor", base+"/status", url.Values{"status": {"archived"}}); st != http.StatusSeeOther {
		t.Fatal(st)
	}
	if res, _ := e.get("/en/news/spring-seminar"); res.StatusCode != http.StatusNotFound {
		t.Error("archived news still public")
	}
	if res, _ := e.get("/site-files/" + strconv.FormatInt(a.ID, 10) + "/" + a.Name); res.StatusCode != http.StatusNotFound {
		t.Error("archived item's file still served")
	}
}

// TestEditorPagesEveryLanguage renders every editors' page in every site
// language; the environment fails the test on any interface key a
// catalogue lacks.
func TestEditorPagesEveryLanguage(t *testing.T) {
	e := newSQLiteEnv(t)
	id := strconv.FormatInt(e.id(site.KindEvent, "keeping-the-door-open-2009"), 10)
	for _, lang := range site.Languages {
		for _, p := range []string{"/edit/", "/edit/?kind=event&status=published", "/edit/new?kind=contact", "/edit/" + id,
			"/edit/" + id + "/text/" + lang, "/edit/" + id + "/history/en"} {
			st, body := e.getAs("editor", "/"+lang+p)
			if st != http.StatusOK || !strings.Contains(body, `<html lang="`+lang+`"`) {
				t.Errorf("GET /%s%s = %d", lang, p, st)
			}
		}
	}
}
