package sitehttp_test

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// atom is the part of RFC 4287 a feed must have.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, e *env, path string) atom {
	t.Helper()
	res, body := e.get(path)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("GET %s = %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var f atom
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s is not XML of an Atom feed: %v", path, err)
	}
	rfc3339 := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s: %s %q is not an RFC 3339 date", path, what, s)
		}
	}
	if f.ID == "" || f.Title == "" || len(f.Author) == 0 || f.Author[0].Name == "" {
		t.Errorf("%s: feed lacks id, title or author", path)
	}
	rfc3339("feed updated", f.Updated)
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && strings.HasSuffix(l.Href, path))
	}
	if !self {
		t.Errorf("%s: no rel=self link", path)
	}
	ids := map[string]bool{}
	for _, en := range f.Entries {
		if en.ID == "" || en.Title == "" || en.Link.Href == "" || ids[en.ID] {
			t.Errorf("%s: entry without id, title or link, or a repeated id: %+v", path, en)
		}
		ids[en.ID] = true
		rfc3339("entry updated", en.Updated)
		if _, err := url.Parse(en.ID); err != nil {
			t.Errorf("%s: entry id is not an IRI", path)
		}
	}
	return f
}

func TestFeedsValidateAndLoseArchived(t *testing.T) {
	e := newSQLiteEnv(t)
	for _, lang := range []string{"en", "de", "ru"} {
		for _, name := range []string{"news", "publications", "events"} {
			f := parseAtom(t, e, "/"+lang+"/feeds/"+name+".atom")
			if len(f.Entries) == 0 {
				t.Errorf("/%s/feeds/%s.atom is empty", lang, name)
			}
		}
	}
	has := func(f atom, slug string) bool {
		for _, en := range f.Entries {
			if strings.HasSuffix(en.Link.Href, "/"+slug) {
				return true
			}
		}
		return false
	}
	if !has(parseAtom(t, e, "/en/feeds/news.atom"), "robert-accepted") {
		t.Fatal("news feed lacks robert-accepted")
	}
	id := e.id(site.KindNews, "robert-accepted")
	if err := e.svc.Transition(context.Background(), site.SystemEditor, id, site.StatusArchived, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if has(parseAtom(t, e, "/en/feeds/news.atom"), "robert-accepted") {
		t.Error("an archived item is still in the feed")
	}
	if _, sm := e.get("/sitemap.xml"); strings.Contains(sm, "robert-accepted") {
		t.Error("an archived item is still in the sitemap")
	}
}

type sitemap struct {
	URLs []struct {
		Loc   string `xml:"loc"`
		Links []struct {
			Rel      string `xml:"rel,attr"`
			HrefLang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"http://www.w3.org/1999/xhtml link"`
	} `xml:"url"`
}

func TestSitemapListsEveryItemInEveryLanguage(t *testing.T) {
	e := newSQLiteEnv(t)
	ctx := context.Background()
	// A scheduled item is not listed until its time.
	it, err := e.svc.Create(ctx, site.SystemEditor, site.NewItem{Item: site.Item{Kind: site.KindNews, Slug: "tomorrow"}, Text: site.Text{Title: "Tomorrow"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Transition(ctx, site.SystemEditor, it.ID, site.StatusPublished, e.clock.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	read := func() (map[string][]string, string) {
		res, body := e.get("/sitemap.xml")
		if res.StatusCode != 200 {
			t.Fatalf("sitemap: %d", res.StatusCode)
		}
		var sm sitemap
		if err := xml.Unmarshal([]byte(body), &sm); err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, u := range sm.URLs {
			for _, l := range u.Links {
				out[u.Loc] = append(out[u.Loc], l.HrefLang+"="+l.Href)
			}
		}
		return out, body
	}
	locs, body := read()
	if strings.Contains(body, "tomorrow") {
		t.Error("a scheduled item is in the sitemap before its time")
	}
	items, _, err := e.svc.PublicList(ctx, site.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seg := map[site.Kind]string{site.KindNews: "news", site.KindPublication: "publications", site.KindEvent: "events", site.KindProject: "projects",
		site.KindPriority: "priorities", site.KindMember: "expert-group", site.KindMeeting: "meetings", site.KindContact: "contact-points", site.KindPage: "pages"}
	for _, it := range items {
		path := "/" + seg[it.Kind] + "/" + it.Slug
		for _, l := range site.Languages {
			alts := locs["https://childcentre.test/"+l+path]
			if len(alts) != len(site.Languages)+1 {
				t.Errorf("%s%s: %d alternates, want %d", l, path, len(alts), len(site.Languages)+1)
				continue
			}
			for i, a := range site.Languages {
				if alts[i] != a+"=https://childcentre.test/"+a+path {
					t.Errorf("%s%s: alternate %d = %s", l, path, i, alts[i])
				}
			}
			if alts[len(alts)-1] != "x-default=https://childcentre.test/en"+path {
				t.Errorf("%s%s: no x-default", l, path)
			}
		}
	}
	e.clock.Add(24 * time.Hour)
	if locs, _ := read(); len(locs["https://childcentre.test/sv/news/tomorrow"]) == 0 {
		t.Error("the scheduled item is not in the sitemap at its time")
	}
}
