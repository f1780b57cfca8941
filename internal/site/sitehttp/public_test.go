package sitehttp_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func TestPublicPagesEveryLanguage(t *testing.T) {
	e := newSQLiteEnv(t)
	paths := []string{"/", "/news/", "/publications/", "/events/", "/projects/", "/priorities/", "/expert-group/",
		"/meetings/", "/contact-points/", "/pages/", "/events/keeping-the-door-open-2009", "/projects/robert",
		"/contact-points/ncp-pl", "/expert-group/chair-denmark", "/search?q=ROBERT", "/search?q=xyzzy", "/publications/?year=2010&topic=trafficking"}
	for _, lang := range site.Languages {
		for _, p := range paths {
			res, body := e.get("/" + lang + p)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET /%s%s = %d", lang, p, res.StatusCode)
				continue
			}
			if len(res.Header["Set-Cookie"]) > 0 {
				t.Errorf("GET /%s%s sets a cookie", lang, p)
			}
			if !strings.Contains(body, `<html lang="`+lang+`"`) {
				t.Errorf("GET /%s%s: no lang attribute", lang, p)
			}
			for _, bad := range []string{"<script src", "http://", "https://fonts", "<iframe"} {
				if strings.Contains(body, bad) {
					t.Errorf("GET /%s%s refers to %q", lang, p, bad)
				}
			}
		}
	}
}

func TestItemPageHead(t *testing.T) {
	e := newSQLiteEnv(t)
	_, body := e.get("/pl/events/keeping-the-door-open-2009")
	for _, want := range []string{
		`<link rel="alternate" hreflang="de" href="https://childcentre.test/de/events/keeping-the-door-open-2009">`,
		`<link rel="alternate" hreflang="x-default" href="https://childcentre.test/en/events/keeping-the-door-open-2009">`,
		`<meta property="og:title" content="Keeping the Door Open – Support to Young People Leaving Care">`,
		`<meta property="og:type" content="article">`,
		`<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event"`,
		`"startDate":"2009-10-06"`,
		`lang="en"`, // the English fallback is marked as English
		`/pl/events/keeping-the-door-open-2009/ics`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("event page lacks %s", want)
		}
	}
	// The German page has its own translation: no fallback notice.
	_, de := e.get("/de/pages/expert-group")
	_, pl := e.get("/pl/pages/expert-group")
	if !strings.Contains(de, "Die Expertengruppe") || strings.Contains(de, `class="notice"`) {
		t.Error("German page: translation not shown, or a fallback notice")
	}
	if !strings.Contains(pl, `class="notice"`) || !strings.Contains(pl, "The Expert Group and how it works") {
		t.Error("Polish page: no English fallback with a notice")
	}
	// An edit of the English original marks the German translation out of date.
	id := e.id(site.KindPage, "expert-group")
	if err := e.svc.SaveText(context.Background(), site.SystemEditor, id, site.Text{Lang: "en", Title: "The Expert Group and how it works", Body: "Changed."}); err != nil {
		t.Fatal(err)
	}
	if _, de := e.get("/de/pages/expert-group"); !strings.Contains(de, `hreflang="en" lang="en"`) {
		t.Error("out-of-date German page has no link to the English original")
	}
	// iCalendar.
	res, ics := e.get("/en/events/child-safety-internet-moscow-2009/ics")
	if res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" ||
		!strings.Contains(ics, "BEGIN:VEVENT\r\n") || !strings.Contains(ics, "DTSTART;VALUE=DATE:20091112\r\n") ||
		!strings.Contains(ics, "DTEND;VALUE=DATE:20091114\r\n") || !strings.Contains(ics, "LOCATION:Moscow\r\n") {
		t.Errorf("ics: %s\n%s", res.Header.Get("Content-Type"), ics)
	}
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 {
			t.Errorf("ics line longer than 75 octets: %q", l)
		}
	}
}

func TestCaching(t *testing.T) {
	e := newSQLiteEnv(t)
	res, _ := e.get("/en/projects/robert")
	etag, lm := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if etag == "" || lm == "" || !strings.Contains(res.Header.Get("Cache-Control"), "public") {
		t.Fatalf("headers: %v", res.Header)
	}
	if res.Header.Get("Strict-Transport-Security") != "" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("security headers over plain HTTP: %v", res.Header)
	}
	if res, _ := e.get("/en/projects/robert", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	if res, _ := e.get("/en/projects/robert", "If-Modified-Since", lm); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d", res.StatusCode)
	}
	id := e.id(site.KindProject, "robert")
	e.clock.Add(2e9)
	if err := e.svc.SaveText(context.Background(), site.SystemEditor, id, site.Text{Lang: "en", Title: "ROBERT", Body: "new"}); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.get("/en/projects/robert", "If-None-Match", etag); res.StatusCode != http.StatusOK {
		t.Errorf("changed page still 304: %d", res.StatusCode)
	}
}

func TestSearchRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, tc := range []struct{ path, want string }{
			{"/en/search?q=ROBERT", "/en/projects/robert"},
			{"/en/search?q=Keeping+the+Door+Open", "/en/events/keeping-the-door-open-2009"},
			{"/de/search?q=Kindern", "/de/pages/expert-group"},
			{"/en/search?q=report&type=publication&year=2009", "/en/publications/keeping-the-door-open-report"},
		} {
			res, body := e.get(tc.path)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+tc.want+`"`) {
				t.Errorf("GET %s = %d, lacks %s", tc.path, res.StatusCode, tc.want)
			}
		}
		res, _ := e.get("/search?q=ROBERT", "Accept-Language", "nb-NO, de;q=0.5")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusFound || loc != "/no/search?q=ROBERT" {
			t.Errorf("GET /search = %d %s", res.StatusCode, loc)
		}
	})
}
