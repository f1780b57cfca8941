package sitehttp

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// sections are the URL segments of each kind's pages, in menu order.
var sections = []struct {
	Seg  string
	Kind site.Kind
}{
	{"news", site.KindNews}, {"publications", site.KindPublication}, {"events", site.KindEvent},
	{"projects", site.KindProject}, {"priorities", site.KindPriority}, {"expert-group", site.KindMember},
	{"meetings", site.KindMeeting}, {"contact-points", site.KindContact}, {"pages", site.KindPage},
}

func kindOf(seg string) (site.Kind, bool) {
	for _, s := range sections {
		if s.Seg == seg {
			return s.Kind, true
		}
	}
	return "", false
}

func segOf(k site.Kind) string {
	for _, s := range sections {
		if s.Kind == k {
			return s.Seg
		}
	}
	return string(k)
}

// itemPath is an item's path without the language: "/events/slug".
func itemPath(it *site.Item) string { return "/" + segOf(it.Kind) + "/" + it.Slug }

type alternate struct{ Lang, Name, URL string }

// view is what the layout renders around a page's content.
type view struct {
	Lang        string
	Dir         string
	T           *translator
	Title       string
	Description string
	Path        string
	Canonical   string
	Alternates  []alternate
	OGType      string
	JSONLD      template.JS
	Sections    []string
	Editor      bool
	CSRF        string
	Data        any
}

func (h *Handler) parseTemplates() error {
	funcs := template.FuncMap{
		"seg":      segOf,
		"itempath": itemPath,
		"markdown": site.RenderMarkdown,
		"country":  site.CountryName,
		"langname": func(l string) string { return langNames[l] },
		"langs":    func() []string { return site.Languages },
		"kinds":    func() []site.Kind { return site.Kinds },
		"fields":   func(k site.Kind) []site.Field { return site.KindFields[k] },
		"topics":   func() []string { return site.Topics },
		"countries": func() []string {
			out := make([]string, len(site.Countries))
			for i, c := range site.Countries {
				out[i] = string(c)
			}
			return out
		},
		"utc": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"join": strings.Join,
		"blk": func(seg string, items []card, v *view) any {
			return struct {
				Seg   string
				Items []card
				V     *view
			}{seg, items, v}
		},
		"lines": func(s string) []string {
			var out []string
			for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
			return out
		},
	}
	layout, err := fs.ReadFile(templateFiles, "templates/layout.html")
	if err != nil {
		return err
	}
	h.tmpl = map[string]*template.Template{}
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		b, err := fs.ReadFile(templateFiles, p)
		if err != nil {
			return err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err != nil {
			return fmt.Errorf("sitehttp: layout: %w", err)
		}
		if _, err := t.Parse(string(b)); err != nil {
			return fmt.Errorf("sitehttp: %s: %w", name, err)
		}
		h.tmpl[name] = t
	}
	return nil
}

// render executes template name inside the layout.
func (h *Handler) render(name string, q *req, data any, v *view) ([]byte, error) {
	if v == nil {
		v = &view{}
	}
	v.Lang, v.T, v.Data = q.lang, q.tr, data
	v.Dir = "ltr"
	if v.Path == "" {
		v.Path = q.path
	}
	if v.OGType == "" {
		v.OGType = "website"
	}
	v.Canonical = h.d.BaseURL + "/" + q.lang + v.Path
	if v.Alternates == nil && !v.Editor {
		for _, l := range site.Languages {
			v.Alternates = append(v.Alternates, alternate{Lang: l, Name: langNames[l], URL: h.d.BaseURL + "/" + l + v.Path})
		}
	}
	for _, s := range sections {
		if s.Kind != site.KindPage && s.Kind != site.KindMeeting {
			v.Sections = append(v.Sections, s.Seg)
		}
	}
	v.CSRF = q.csrf
	var b bytes.Buffer
	t := h.tmpl[name]
	if t == nil {
		return nil, fmt.Errorf("sitehttp: no template %s", name)
	}
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (h *Handler) html(name string, q *req, data any, v *view, lastMod time.Time) (*page, error) {
	b, err := h.render(name, q, data, v)
	if err != nil {
		return nil, err
	}
	return &page{ctype: "text/html; charset=utf-8", body: b, lastMod: lastMod}, nil
}
