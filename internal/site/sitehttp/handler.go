// Package sitehttp serves the public knowledge site (internal/site): the
// readers' pages per language (/en/…, /de/…), search, Atom feeds, the
// sitemap, iCalendar files and attachments, and the editors' pages under
// /{lang}/edit/. Readers get no cookie, no script and no third-party
// request; editors are signed in by the hub's web (same second factor and
// audit) and reach this package through Sessions.
package sitehttp

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/site"
)

// Sessions is what the editors' pages need of the hub's sign-in: the
// signed-in editor of a request (second factor done; nothing otherwise)
// and the CSRF token its forms carry back.
type Sessions interface {
	Editor(r *http.Request) (site.Editor, bool)
	CSRFToken(r *http.Request) string
}

// Deps are what the handler needs.
type Deps struct {
	Site *site.Service
	// Sessions signs editors in; nil serves the readers' pages only.
	Sessions Sessions
	// SignInPath is where an editor who is not signed in is sent.
	SignInPath string
	// BaseURL is the site's public address without a trailing slash
	// ("https://childcentre.example"), for feeds, the sitemap, hreflang and
	// Open Graph, which need absolute URLs.
	BaseURL string
	// TLS is set when the site is served over HTTPS (directly or behind
	// the operator's proxy): responses then carry HSTS, as the web
	// server's do.
	TLS    bool
	Logger *slog.Logger
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Handler serves the site.
type Handler struct {
	d    Deps
	mux  *http.ServeMux
	tmpl map[string]*template.Template
	cat  *catalog
	cop  *http.CrossOriginProtection

	smMu   sync.Mutex // guards the cached sitemap
	smKey  string
	smPage *page
}

// Prefixes are the paths the hub mounts the handler on: one per language,
// and the few language-neutral addresses.
func Prefixes() []string {
	out := []string{"/sitemap.xml", "/search", "/site-static/", "/site-files/"}
	for _, l := range site.Languages {
		out = append(out, "/"+l+"/")
	}
	return out
}

// New returns the site's handler.
func New(d Deps) (*Handler, error) {
	if d.Site == nil {
		return nil, errs.E(errs.Internal, "sitehttp: no site service")
	}
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	if d.SignInPath == "" {
		d.SignInPath = "/signin"
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	h := &Handler{d: d, mux: http.NewServeMux(), cat: cat, cop: http.NewCrossOriginProtection()}
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if h.d.TLS {
		hd.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /site-static/{file}", h.static)
	m.HandleFunc("GET /site-files/{id}/{name}", h.attachment)
	m.HandleFunc("GET /sitemap.xml", h.cached(h.sitemap))
	m.HandleFunc("GET /search", h.searchRedirect)
	// Each language's routes are registered under its literal prefix, so
	// that the site's patterns never overlap the hub's own when mounted.
	for _, l := range site.Languages {
		p := "/" + l
		m.HandleFunc("GET "+p+"/{$}", h.public(h.home))
		m.HandleFunc("GET "+p+"/search", h.public(h.search))
		m.HandleFunc("GET "+p+"/feeds/{feed}", h.public(h.feed))
		m.HandleFunc("GET "+p+"/{section}/{$}", h.public(h.list))
		m.HandleFunc("GET "+p+"/{section}/{slug}", h.public(h.item))
		m.HandleFunc("GET "+p+"/events/{slug}/ics", h.public(h.ics))

		m.HandleFunc("GET "+p+"/edit/{$}", h.editor(h.editList))
		m.HandleFunc("GET "+p+"/edit/new", h.editor(h.editNew))
		m.HandleFunc("POST "+p+"/edit/new", h.editor(h.editCreate))
		m.HandleFunc("GET "+p+"/edit/{id}", h.editor(h.editItem))
		m.HandleFunc("POST "+p+"/edit/{id}/fields", h.editor(h.editFields))
		m.HandleFunc("GET "+p+"/edit/{id}/text/{tl}", h.editor(h.editText))
		m.HandleFunc("POST "+p+"/edit/{id}/text/{tl}", h.editor(h.editSaveText))
		m.HandleFunc("POST "+p+"/edit/{id}/status", h.editor(h.editStatus))
		m.HandleFunc("GET "+p+"/edit/{id}/history/{tl}", h.editor(h.editHistory))
		m.HandleFunc("POST "+p+"/edit/{id}/restore", h.editor(h.editRestore))
		m.HandleFunc("POST "+p+"/edit/{id}/link", h.editor(h.editLink))
		m.HandleFunc("POST "+p+"/edit/{id}/attach", h.editor(h.editAttach))
		m.HandleFunc("POST "+p+"/edit/{id}/detach", h.editor(h.editDetach))
	}
}

// req is what a handler knows of its request.
type req struct {
	lang   string
	tr     *translator
	path   string // the path without the language: "/events/x"
	editor site.Editor
	csrf   string
}

type pageFunc func(w http.ResponseWriter, r *http.Request, q *req) (*page, error)

// page is a rendered response before caching headers are applied.
type page struct {
	status  int
	ctype   string
	body    []byte
	lastMod time.Time
	etag    string // computed from body when empty
}

func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// pathLang is the language prefix of r's path ("de" of "/de/news/").
func pathLang(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

func (h *Handler) request(r *http.Request) (*req, bool) {
	lang := pathLang(r)
	if !site.SupportedLang(lang) {
		return nil, false
	}
	rest := strings.TrimPrefix(r.URL.Path, "/"+lang)
	return &req{lang: lang, tr: h.cat.translator(lang), path: rest}, true
}

// public serves a readers' page: no cookie is read or set, and the answer
// is cacheable.
func (h *Handler) public(fn pageFunc) http.HandlerFunc {
	return h.cached(func(w http.ResponseWriter, r *http.Request) (*page, error) {
		q, ok := h.request(r)
		if !ok {
			return nil, errs.E(errs.NotFound, "not found")
		}
		return fn(w, r, q)
	})
}

// cached renders fn's page and answers with ETag and Last-Modified,
// honouring If-None-Match and If-Modified-Since. The ETag is the hash of
// the body, so a scheduled item that comes due changes it even though no
// row changed.
func (h *Handler) cached(fn func(w http.ResponseWriter, r *http.Request) (*page, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := fn(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		etag := p.etag
		if etag == "" {
			etag = etagOf(p.body)
		}
		hd := w.Header()
		hd.Set("ETag", etag)
		hd.Set("Cache-Control", "public, max-age=60")
		hd.Set("Vary", "Accept-Encoding")
		if !p.lastMod.IsZero() {
			hd.Set("Last-Modified", p.lastMod.UTC().Format(http.TimeFormat))
		}
		if notModified(r, etag, p.lastMod) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		hd.Set("Content-Type", p.ctype)
		if p.status == 0 {
			p.status = http.StatusOK
		}
		w.WriteHeader(p.status)
		if r.Method != http.MethodHead {
			w.Write(p.body)
		}
	}
}

func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastMod.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !lastMod.Truncate(time.Second).After(t)
	}
	return false
}

// fail answers with the error page of err's code, in the request's
// language, never with the error's internal text.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.HTTPStatus(err)
	if status >= 500 {
		h.d.Logger.Error("site: request failed", "path", r.URL.Path, "err", err)
	}
	lang := pathLang(r)
	if !site.SupportedLang(lang) {
		lang = "en"
	}
	q := &req{lang: lang, tr: h.cat.translator(lang)}
	msg := q.tr.T("error." + statusKey(status))
	if status == http.StatusBadRequest || status == http.StatusConflict {
		msg = errs.MessageOf(err)
	}
	body, rerr := h.render("error", q, map[string]any{"Status": status, "Message": msg}, nil)
	if rerr != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

func statusKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusForbidden, http.StatusUnauthorized:
		return "forbidden"
	case http.StatusBadRequest, http.StatusConflict:
		return "invalid"
	}
	return "internal"
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFiles, "static/"+name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	ct := "text/css; charset=utf-8"
	if strings.HasSuffix(name, ".svg") {
		ct = "image/svg+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
