package sitehttp

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/site"
	"golang.org/x/text/language"
)

// card is an item as a list shows it.
type card struct {
	URL, Title, Summary string
	TextLang            string // the language of the text shown ("en" when a fallback)
	Fallback            bool
	Kind                site.Kind
	Country             string
	Date                string
	Meta                map[string]string
}

func (q *req) card(it *site.Item) card {
	t, fb := it.TextFor(q.lang)
	c := card{URL: "/" + q.lang + itemPath(it), Kind: it.Kind, Country: string(it.Country), Meta: it.Meta, Fallback: fb}
	if t != nil {
		c.Title, c.Summary, c.TextLang = t.Title, t.Summary, t.Lang
	}
	switch {
	case it.StartsOn != "":
		c.Date = q.tr.Date(it.StartsOn)
		if it.EndsOn != "" && it.EndsOn != it.StartsOn {
			c.Date += " – " + q.tr.Date(it.EndsOn)
		}
	case it.Year != 0:
		c.Date = strconv.Itoa(it.Year)
	}
	return c
}

func (q *req) cards(items []*site.Item) []card {
	out := make([]card, len(items))
	for i, it := range items {
		out[i] = q.card(it)
	}
	return out
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	ctx := r.Context()
	data := struct {
		Intro                              *card
		News, Events, Projects, Priorities []card
	}{}
	for _, part := range []struct {
		kind  site.Kind
		limit int
		into  *[]card
	}{
		{site.KindNews, 5, &data.News}, {site.KindEvent, 4, &data.Events},
		{site.KindProject, 4, &data.Projects}, {site.KindPriority, 10, &data.Priorities},
	} {
		items, _, err := h.d.Site.PublicList(ctx, site.Filter{Kind: part.kind, Lang: q.lang, Limit: part.limit})
		if err != nil {
			return nil, err
		}
		*part.into = q.cards(items)
	}
	if p, err := h.d.Site.PublicPage(ctx, site.KindPage, "expert-group", q.lang); err == nil {
		c := q.card(p.Item)
		data.Intro = &c
	}
	lm, err := h.d.Site.LastModified(ctx)
	if err != nil {
		return nil, err
	}
	return h.html("home", q, data, &view{Title: q.tr.T("site.name"), Description: q.tr.T("site.tagline")}, lm)
}

const pageSize = 20

func (h *Handler) list(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	kind, ok := kindOf(r.PathValue("section"))
	if !ok {
		return nil, errs.E(errs.NotFound, "not found")
	}
	f := site.Filter{Kind: kind, Lang: q.lang, Limit: pageSize}
	qs := r.URL.Query()
	f.Country = auth.Country(qs.Get("country"))
	f.Topic = qs.Get("topic")
	f.Year, _ = strconv.Atoi(qs.Get("year"))
	pg, _ := strconv.Atoi(qs.Get("page"))
	if pg < 1 {
		pg = 1
	}
	f.Offset = (pg - 1) * pageSize
	items, total, err := h.d.Site.PublicList(r.Context(), f)
	if err != nil {
		return nil, err
	}
	lm, err := h.d.Site.LastModified(r.Context())
	if err != nil {
		return nil, err
	}
	data := struct {
		Kind        site.Kind
		Seg         string
		Items       []card
		Total, Page int
		Prev, Next  string
		Country     string
		Topic       string
		Year        int
	}{Kind: kind, Seg: segOf(kind), Items: q.cards(items), Total: total, Page: pg, Country: string(f.Country), Topic: f.Topic, Year: f.Year}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range qs {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "?" + v.Encode()
	}
	if pg > 1 {
		data.Prev = link(pg - 1)
	}
	if f.Offset+len(items) < total {
		data.Next = link(pg + 1)
	}
	title := q.tr.T("section." + data.Seg)
	return h.html("list", q, data, &view{Title: title, Description: q.tr.T("section." + data.Seg + ".intro")}, lm)
}

// itemData is what an item's page shows.
type itemData struct {
	Item        *site.Item
	Text        *site.Text
	Fallback    bool
	Outdated    bool
	Date        string
	Fields      []fieldValue
	Linked      []card
	Attachments []*site.Attachment
	ICS         string
}

type fieldValue struct{ Name, Value string }

func (h *Handler) item(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	kind, ok := kindOf(r.PathValue("section"))
	if !ok {
		return nil, errs.E(errs.NotFound, "not found")
	}
	p, err := h.d.Site.PublicPage(r.Context(), kind, r.PathValue("slug"), q.lang)
	if err != nil {
		return nil, err
	}
	it := p.Item
	t, fb := it.TextFor(q.lang)
	if t == nil {
		return nil, errs.E(errs.NotFound, "not found")
	}
	d := itemData{Item: it, Text: t, Fallback: fb, Outdated: it.Outdated(q.lang), Date: q.card(it).Date,
		Linked: q.cards(p.Linked), Attachments: p.Attachments}
	for _, f := range site.KindFields[kind] {
		if v := it.Meta[f.Name]; v != "" && f.Name != "placeholder" {
			if len(f.Choices) > 0 {
				v = q.tr.T("value." + v)
			}
			d.Fields = append(d.Fields, fieldValue{f.Name, v})
		}
	}
	v := &view{Title: t.Title, Description: t.Summary, OGType: "article"}
	if kind == site.KindEvent {
		d.ICS = "/" + q.lang + itemPath(it) + "/ics"
		v.JSONLD = h.eventJSONLD(q, it, t)
	}
	lm := it.UpdatedAt
	if it.PublishAt.After(lm) {
		lm = it.PublishAt
	}
	for _, l := range p.Linked {
		if l.UpdatedAt.After(lm) {
			lm = l.UpdatedAt
		}
	}
	return h.html("item", q, d, v, lm)
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request, q *req) (*page, error) {
	qs := r.URL.Query()
	sq := site.SearchQuery{Text: qs.Get("q"), Lang: q.lang, Kind: site.Kind(qs.Get("type")),
		Country: auth.Country(qs.Get("country")), Topic: qs.Get("topic")}
	sq.Year, _ = strconv.Atoi(qs.Get("year"))
	if sq.Kind != "" && !sq.Kind.Valid() {
		sq.Kind = ""
	}
	hits, err := h.d.Site.Search(r.Context(), sq)
	if err != nil {
		return nil, err
	}
	data := struct {
		Query   site.SearchQuery
		Results []card
		Done    bool
	}{Query: sq, Done: sq.Text != ""}
	for _, hit := range hits {
		data.Results = append(data.Results, q.card(hit.Item))
	}
	return h.html("search", q, data, &view{Title: q.tr.T("search.title")}, time.Time{})
}

// searchRedirect sends GET /search?q= to the reader's language.
func (h *Handler) searchRedirect(w http.ResponseWriter, r *http.Request) {
	lang := negotiate(r.Header.Get("Accept-Language"))
	http.Redirect(w, r, "/"+lang+"/search?"+r.URL.RawQuery, http.StatusFound)
}

// negotiate picks the site language of an Accept-Language header.
func negotiate(accept string) string {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil {
		return "en"
	}
	for _, tag := range tags { // already ordered by q-value
		base, conf := tag.Base()
		if conf == language.No {
			continue
		}
		l := base.String()
		if l == "nb" || l == "nn" {
			l = "no" // Norwegian Bokmål and Nynorsk read the Norwegian pages
		}
		if site.SupportedLang(l) {
			return l
		}
	}
	return "en"
}

func (h *Handler) attachment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	a, _, err := h.d.Site.PublicAttachment(r.Context(), id)
	if err != nil || a.Name != r.PathValue("name") {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Disposition", `inline; filename="`+a.Name+`"`)
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "public, max-age=3600")
	hd.Set("ETag", `"`+strconv.FormatInt(a.ID, 10)+"-"+hexPrefix(a.SHA256)+`"`)
	http.ServeContent(w, r, a.Name, a.CreatedAt, bytesReader(a.Data))
}

func hexPrefix(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	return hex.EncodeToString(b)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
