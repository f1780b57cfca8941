package sitehttp

import (
	"encoding/json"
	"encoding/xml"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/site"
)

// feedKinds are the Atom feeds, by file name.
var feedKinds = map[string]site.Kind{
	"news.atom": site.KindNews, "publications.atom": site.KindPublication, "events.atom": site.KindEvent,
}

const feedSize = 50

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string    `xml:"id"`
	Title     string    `xml:"title"`
	Updated   string    `xml:"updated"`
	Published string    `xml:"published,omitempty"`
	Link      atomLink  `xml:"link"`
	Summary   *atomText `xml:"summary,omitempty"`
	Content   *atomText `xml:"content,omitempty"`
	Lang      string    `xml:"xml:lang,attr,omitempty"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"xml:lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// feed serves the Atom feed of one kind in one language: the latest
// published items, archived and scheduled ones left out.
func (h *Handler) feed(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	name := r.PathValue("feed")
	kind, ok := feedKinds[name]
	if !ok {
		return nil, errs.E(errs.NotFound, "not found")
	}
	items, _, err := h.d.Site.PublicList(r.Context(), site.Filter{Kind: kind, Lang: q.lang, Limit: feedSize})
	if err != nil {
		return nil, err
	}
	self := h.d.BaseURL + "/" + q.lang + "/feeds/" + name
	f := atomFeed{Lang: q.lang, ID: self, Title: q.tr.T("site.name") + ": " + q.tr.T("section."+segOf(kind))}
	f.Author.Name = q.tr.T("site.publisher")
	f.Links = []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"},
		{Rel: "alternate", Href: h.d.BaseURL + "/" + q.lang + "/" + segOf(kind) + "/", Type: "text/html"}}
	var latest time.Time
	for _, it := range items {
		t, _ := it.TextFor(q.lang)
		if t == nil {
			continue
		}
		upd := it.UpdatedAt
		if it.PublishAt.After(upd) {
			upd = it.PublishAt
		}
		if upd.After(latest) {
			latest = upd
		}
		link := h.d.BaseURL + "/" + q.lang + itemPath(it)
		e := atomEntry{ID: link, Title: t.Title, Updated: upd.UTC().Format(time.RFC3339),
			Published: it.PublishAt.UTC().Format(time.RFC3339), Link: atomLink{Rel: "alternate", Href: link, Type: "text/html"}, Lang: t.Lang}
		if t.Summary != "" {
			e.Summary = &atomText{Type: "text", Body: t.Summary}
		}
		e.Content = &atomText{Type: "html", Body: string(site.RenderMarkdown(t.Body))}
		f.Entries = append(f.Entries, e)
	}
	if latest.IsZero() {
		latest = time.Unix(0, 0)
	}
	f.Updated = latest.UTC().Format(time.RFC3339)
	b, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, errs.Wrap(err, "sitehttp: feed")
	}
	return &page{ctype: "application/atom+xml; charset=utf-8", body: append([]byte(xml.Header), b...), lastMod: latest}, nil
}

// sitemap lists the home page, every list and every published item, each
// in every language, with hreflang alternates of all of them. With a
// thousand items it is megabytes of XML, so it is written directly (no
// reflection) and kept until the site changes: the cache key is the
// latest visible change and the number of visible items, which also moves
// when a scheduled item comes due.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	lm, err := h.d.Site.LastModified(ctx)
	if err != nil {
		return nil, err
	}
	_, n, err := h.d.Site.PublicList(ctx, site.Filter{NoTexts: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	key := lm.UTC().Format(time.RFC3339Nano) + "/" + strconv.Itoa(n)
	h.smMu.Lock()
	if h.smKey == key {
		p := h.smPage
		h.smMu.Unlock()
		return p, nil
	}
	h.smMu.Unlock()
	items, _, err := h.d.Site.PublicList(ctx, site.Filter{NoTexts: true})
	if err != nil {
		return nil, err
	}

	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	add := func(path string, mod time.Time) {
		var links strings.Builder
		for _, l := range site.Languages {
			links.WriteString(` <xhtml:link rel="alternate" hreflang="` + l + `" href="` + esc(h.d.BaseURL+"/"+l+path) + `"/>` + "\n")
		}
		links.WriteString(` <xhtml:link rel="alternate" hreflang="x-default" href="` + esc(h.d.BaseURL+"/en"+path) + `"/>` + "\n")
		lastmod := ""
		if !mod.IsZero() {
			lastmod = " <lastmod>" + mod.UTC().Format(time.RFC3339) + "</lastmod>\n"
		}
		for _, l := range site.Languages {
			b.WriteString("<url>\n <loc>" + esc(h.d.BaseURL+"/"+l+path) + "</loc>\n" + lastmod + links.String() + "</url>\n")
		}
	}
	var latest time.Time
	for _, it := range items {
		mod := it.UpdatedAt
		if it.PublishAt.After(mod) {
			mod = it.PublishAt
		}
		if mod.After(latest) {
			latest = mod
		}
		add(itemPath(it), mod)
	}
	add("/", latest)
	for _, sec := range sections {
		add("/"+sec.Seg+"/", time.Time{})
	}
	b.WriteString("</urlset>\n")
	p := &page{ctype: "application/xml; charset=utf-8", body: []byte(b.String()), lastMod: latest}
	p.etag = etagOf(p.body)
	h.smMu.Lock()
	h.smKey, h.smPage = key, p
	h.smMu.Unlock()
	return p, nil
}

// eventJSONLD describes an event for search engines (schema.org Event).
func (h *Handler) eventJSONLD(q *req, it *site.Item, t *site.Text) template.JS {
	ev := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Event",
		"name":                t.Title,
		"description":         t.Summary,
		"url":                 h.d.BaseURL + "/" + q.lang + itemPath(it),
		"inLanguage":          t.Lang,
		"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
		"eventStatus":         "https://schema.org/EventScheduled",
	}
	if it.StartsOn != "" {
		ev["startDate"] = it.StartsOn
	} else if it.Year != 0 {
		ev["startDate"] = itoa(it.Year)
	}
	if it.EndsOn != "" {
		ev["endDate"] = it.EndsOn
	}
	if p := it.Meta["place"]; p != "" {
		ev["location"] = map[string]any{"@type": "Place", "name": p, "address": p}
	}
	if o := it.Meta["organiser"]; o != "" {
		ev["organizer"] = map[string]any{"@type": "Organization", "name": o}
	}
	// json.Marshal escapes <, > and &, so the text cannot close the script element.
	b, _ := json.Marshal(ev)
	return template.JS(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// ics serves an event as an iCalendar file (RFC 5545).
func (h *Handler) ics(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	p, err := h.d.Site.PublicPage(r.Context(), site.KindEvent, r.PathValue("slug"), q.lang)
	if err != nil {
		return nil, err
	}
	it := p.Item
	t, _ := it.TextFor(q.lang)
	if it.StartsOn == "" {
		return nil, errs.E(errs.NotFound, "this event has no date")
	}
	start, err := time.Parse("2006-01-02", it.StartsOn)
	if err != nil {
		return nil, errs.E(errs.NotFound, "this event has no date")
	}
	end := start
	if e, err := time.Parse("2006-01-02", it.EndsOn); err == nil && !e.Before(start) {
		end = e
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//CBSS EGCC//Childcentre site//EN")
	line("CALSCALE:GREGORIAN")
	line("BEGIN:VEVENT")
	line("UID:event-" + itoa(int(it.ID)) + "@" + hostOf(h.d.BaseURL))
	line("DTSTAMP:" + it.UpdatedAt.UTC().Format("20060102T150405Z"))
	line("DTSTART;VALUE=DATE:" + start.Format("20060102"))
	line("DTEND;VALUE=DATE:" + end.AddDate(0, 0, 1).Format("20060102")) // exclusive
	line("SUMMARY:" + icsEscape(t.Title))
	if t.Summary != "" {
		line("DESCRIPTION:" + icsEscape(t.Summary))
	}
	if p := it.Meta["place"]; p != "" {
		line("LOCATION:" + icsEscape(p))
	}
	line("URL:" + h.d.BaseURL + "/" + q.lang + itemPath(it))
	line("END:VEVENT")
	line("END:VCALENDAR")
	return &page{ctype: "text/calendar; charset=utf-8", body: []byte(b.String()), lastMod: it.UpdatedAt}, nil
}

func hostOf(base string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "childcentre"
	}
	return s
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)

func icsEscape(s string) string { return icsEscaper.Replace(s) }

// fold ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 sequence.
func fold(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		l := len(string(r))
		if n+l > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += l
	}
	b.WriteString("\r\n")
	return b.String()
}
