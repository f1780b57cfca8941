package sitehttp_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/site/sitehttp"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// sessions stands in for the hub's sign-in: a cookie names a signed-in
// editor, and each editor's CSRF token is derived from it.
type sessions struct{ editors map[string]site.Editor }

func (s sessions) Editor(r *http.Request) (site.Editor, bool) {
	c, err := r.Cookie("test_session")
	if err != nil {
		return site.Editor{}, false
	}
	e, ok := s.editors[c.Value]
	return e, ok
}

func (s sessions) CSRFToken(r *http.Request) string {
	c, err := r.Cookie("test_session")
	if err != nil {
		return ""
	}
	return "csrf-" + c.Value
}

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

type env struct {
	t     *testing.T
	srv   *httptest.Server
	svc   *site.Service
	clock *clock
	h     *sitehttp.Handler
}

var editors = map[string]site.Editor{
	"editor":  {Actor: auth.Actor{UserID: 1, Role: auth.RoleSiteEditor, Country: "SE"}, Name: "Sekretariat Editor"},
	"coordPL": {Actor: auth.Actor{UserID: 2, Role: auth.RoleSiteCoordinator, Country: "PL"}, Name: "Koordynator PL"},
	"coordDK": {Actor: auth.Actor{UserID: 3, Role: auth.RoleSiteCoordinator, Country: "DK"}, Name: "Koordinator DK"},
	"officer": {Actor: auth.Actor{UserID: 5, Role: auth.RoleOfficer, Country: "PL"}, Name: "Officer"},
}

// newEnv serves a seeded site on db, reporting any interface key the
// catalogues lack as a test failure.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	svc := site.New(store.NewSiteStore(db), c.Now)
	if _, err := svc.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	h, err := sitehttp.New(sitehttp.Deps{Site: svc, Sessions: sessions{editors}, BaseURL: "https://childcentre.test", Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h.OnMissingKey(func(lang, key string) { t.Errorf("catalogue %s lacks %q", lang, key) })
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, svc: svc, clock: c, h: h}
}

func newSQLiteEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, storetest.New(t))
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path and returns the response with its body read.
func (e *env) get(path string, hdr ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// post sends a form as editor who (with their CSRF token unless the form
// has one) and returns the status.
func (e *env) post(who, path string, form url.Values) int {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", "csrf-"+who)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: "test_session", Value: who})
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (e *env) getAs(who, path string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "test_session", Value: who})
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

func (e *env) id(kind site.Kind, slug string) int64 {
	e.t.Helper()
	p, err := e.svc.PublicPage(context.Background(), kind, slug, "en")
	if err != nil {
		e.t.Fatalf("%s/%s: %v", kind, slug, err)
	}
	return p.Item.ID
}
