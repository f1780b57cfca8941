package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestSecurityHeaders: every response, whatever its route or status,
// carries the security headers; HSTS only when serving TLS; authenticated
// pages are never stored; hashed static files are cached for a year.
func TestSecurityHeaders(t *testing.T) {
	for _, tls := range []bool{false, true} {
		e := newTestEnv(t, func(c *Config) { c.TLS = tls })
		h := e.srv.Handler()
		u, pw := e.user("hdr.user", auth.RoleAuditor, "SE")
		tok := e.enrol(u.Username, pw)
		css, _ := e.srv.static.url("style.css")
		for _, r := range []req{
			{method: "GET", path: "/signin"},
			{method: "GET", path: "/", session: tok},
			{method: "GET", path: "/audit", session: tok},
			{method: "GET", path: "/admin/users", session: tok}, // 403
			{method: "GET", path: "/no/such/page"},              // 404
			{method: "GET", path: "/healthz"},
			{method: "GET", path: css},
			{method: "POST", path: "/signout", session: tok, noCSRF: true}, // refused
		} {
			rec := e.do(h, r)
			hd := rec.Header()
			name := r.method + " " + r.path
			want := map[string]string{
				"Content-Security-Policy":      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
				"X-Content-Type-Options":       "nosniff",
				"Referrer-Policy":              "no-referrer",
				"X-Frame-Options":              "DENY",
				"Cross-Origin-Opener-Policy":   "same-origin",
				"Cross-Origin-Resource-Policy": "same-origin",
			}
			for k, v := range want {
				if got := hd.Get(k); got != v {
					t.Errorf("%s (tls=%v): %s = %q, want %q", name, tls, k, got, v)
				}
			}
			if !strings.Contains(hd.Get("Permissions-Policy"), "camera=()") {
				t.Errorf("%s: Permissions-Policy %q", name, hd.Get("Permissions-Policy"))
			}
			if hsts := hd.Get("Strict-Transport-Security"); (hsts != "") != tls {
				t.Errorf("%s (tls=%v): Strict-Transport-Security %q", name, tls, hsts)
			}
			cc := hd.Get("Cache-Control")
			if r.path == css {
				if !strings.Contains(cc, "immutable") || hd.Get("ETag") == "" {
					t.Errorf("%s: static file Cache-Control %q, ETag %q", name, cc, hd.Get("ETag"))
				}
			} else if cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", name, cc)
			}
			if strings.Contains(rec.Body.String(), "<script") || strings.Contains(rec.Body.String(), " style=") {
				t.Errorf("%s: page has inline script or style", name)
			}
		}
	}
}

// TestStaticFiles: hashed names, ETag revalidation, and unknown files.
func TestStaticFiles(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	css, err := e.srv.static.url("style.css")
	if err != nil || !strings.HasPrefix(css, "/static/style.") || !strings.HasSuffix(css, ".css") || css == "/static/style.css" {
		t.Fatalf("hashed URL %q, %v", css, err)
	}
	rec := e.do(h, req{method: "GET", path: css})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") || !strings.Contains(rec.Body.String(), ":focus-visible") {
		t.Fatalf("style.css: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec2 := e.do(h, req{method: "GET", path: "/static/style.css", header: http.Header{"If-None-Match": {rec.Header().Get("ETag")}}})
	if rec2.Code != http.StatusNotModified || rec2.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("revalidation: %d %q", rec2.Code, rec2.Header().Get("Cache-Control"))
	}
	if rec := e.do(h, req{method: "GET", path: "/static/nope.js"}); rec.Code != 404 {
		t.Fatalf("unknown static file: %d", rec.Code)
	}
	// The page links the hashed name.
	page := e.do(h, req{method: "GET", path: "/signin"}).Body.String()
	if !strings.Contains(page, `href="`+css+`"`) {
		t.Fatal("the layout does not link the hashed stylesheet")
	}
}
