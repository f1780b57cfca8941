package web

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// metricsText scrapes /metrics as the local Prometheus would.
func (e *testEnv) metricsText(t testing.TB) string {
	t.Helper()
	rec := e.do(e.srv.Handler(), req{method: "GET", path: "/metrics", peer: "127.0.0.1:9090"})
	if rec.Code != 200 {
		t.Fatalf("/metrics from loopback: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestHealthAndReadiness(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	for _, tc := range []struct {
		path  string
		ready error
		code  int
		body  string
	}{
		{"/healthz", nil, 200, "ok\n"},
		{"/healthz", errs.E(errs.Unavailable, "database down"), 200, "ok\n"}, // no dependency
		{"/readyz", nil, 200, "ok\n"},
		{"/readyz", errs.E(errs.Unavailable, "database down"), 503, "not ready\n"},
		{"/readyz", errors.New("dial tcp 10.0.0.5:5432: connection refused"), 503, "not ready\n"},
	} {
		e.ready = tc.ready
		rec := e.do(h, req{method: "GET", path: tc.path})
		if rec.Code != tc.code || rec.Body.String() != tc.body {
			t.Errorf("%s with ready=%v: %d %q, want %d %q", tc.path, tc.ready, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
	}
}

// TestMetrics: requests are counted by route pattern and status, latency
// is observed, sign-in failures and CSRF refusals are counted; a signed-in
// monitor may read them, other roles may not.
func TestMetrics(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	e.do(h, req{method: "GET", path: "/signin"})
	e.do(h, req{method: "GET", path: "/signin"})
	e.do(h, req{method: "GET", path: "/nowhere"})
	e.do(h, req{method: "POST", path: "/signin", pre: newPre(), form: map[string][]string{"username": {"nobody"}, "password": {"wrong password"}}})
	e.do(h, req{method: "POST", path: "/signin", noCSRF: true})
	text := e.metricsText(t)
	for _, re := range []string{
		`childcentre_http_requests_total\{code="200",method="GET",route="GET /signin"\} 2`,
		`childcentre_http_requests_total\{code="404",method="GET",route="/"\} 1`,
		`childcentre_http_requests_total\{code="401",method="POST",route="POST /signin"\} 1`,
		`childcentre_http_requests_total\{code="403",method="POST",route="POST /signin"\} 1`,
		`childcentre_http_request_duration_seconds_count\{method="GET",route="GET /signin"\} 2`,
		`childcentre_signin_failures_total\{reason="password"\} 1`,
		`childcentre_csrf_rejections_total 1`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("metrics lack %s:\n%s", re, text)
		}
	}
	// No path with an id, no address: labels are route patterns.
	if strings.Contains(text, "/nowhere") || strings.Contains(text, "192.0.2.10") {
		t.Error("metrics carry raw paths or addresses")
	}

	admin, apw := e.user("mon.admin", auth.RoleCountryAdmin, "SE")
	officer, opw := e.user("mon.officer", auth.RoleOfficer, "SE")
	if rec := e.do(h, req{method: "GET", path: "/metrics", session: e.enrol(admin.Username, apw)}); rec.Code != 200 ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("country administrator: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := e.do(h, req{method: "GET", path: "/metrics", session: e.enrol(officer.Username, opw)}); rec.Code != http.StatusForbidden {
		t.Errorf("officer: %d, want 403", rec.Code)
	}
}

// TestLogs: one JSON line per request with method, route pattern, status
// and duration; no query string, no client address, no name or password.
func TestLogs(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	u, pw := e.user("log.user", auth.RoleAuditor, "SE")
	tok := e.enrol(u.Username, pw)
	e.do(h, req{method: "GET", path: "/audit?actor=user%3A99&from=2025-01-01", session: tok})
	e.do(h, req{method: "POST", path: "/signin", pre: newPre(), form: map[string][]string{"username": {u.Username}, "password": {"Sekret-Passw0rd-typed"}}})
	logs := e.logs.String()
	for _, want := range []string{`"msg":"http request"`, `"method":"GET"`, `"route":"GET /audit"`, `"status":200`, `"duration_ms":`, `"actor":"user:`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	for _, bad := range []string{"192.0.2.10", "actor=user", "2025-01-01", "Sekret-Passw0rd-typed", "Test log.user", "log.user"} {
		if strings.Contains(logs, bad) {
			t.Errorf("logs contain %q:\n%s", bad, logs)
		}
	}
	if !strings.Contains(logs, `"addr":"`+e.keys.Pseudonym("addr-pseudonym", "192.0.2.10")+`"`) {
		t.Error("logs lack the client's pseudonym")
	}
}

// TestPanicRecovery: a panicking handler gives the 500 page, without its
// message, and a log line with the stack.
func TestPanicRecovery(t *testing.T) {
	e := newTestEnv(t)
	rt := &Route{Method: "GET", Pattern: "/boom", Name: "boom"}
	h := e.srv.securityHeaders(e.srv.chain(rt, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	})))
	rec := e.do(h, req{method: "GET", path: "/boom"})
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "Something went wrong") {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret internal detail") {
		t.Fatal("the 500 page shows the panic")
	}
	if rec.Header().Get("Content-Security-Policy") == "" {
		t.Fatal("the 500 page lacks the security headers")
	}
	if logs := e.logs.String(); !strings.Contains(logs, "panic in handler") || !strings.Contains(logs, `"status":500`) {
		t.Fatalf("panic not logged:\n%s", logs)
	}
}

// TestClientAddress: X-Forwarded-For is believed from the trusted proxy
// only, and only its last entry.
func TestClientAddress(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.TrustedProxy = "10.0.0.1" })
	for _, tc := range []struct {
		peer, xff, want string
		via             bool
	}{
		{"192.0.2.10:1234", "", "192.0.2.10", false},
		{"192.0.2.10:1234", "203.0.113.9", "192.0.2.10", false},
		{"10.0.0.1:1234", "203.0.113.9", "203.0.113.9", true},
		{"10.0.0.1:1234", "1.1.1.1, 203.0.113.9", "203.0.113.9", true},
		{"10.0.0.1:1234", "", "10.0.0.1", true},
		{"10.0.0.1:1234", "garbage", "10.0.0.1", true},
		{"[::ffff:10.0.0.1]:1234", "2001:db8::7", "2001:db8::7", true},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		ip, via := e.srv.clientAddr(r)
		if ip.String() != tc.want || via != tc.via {
			t.Errorf("peer %s, XFF %q: %s via=%v, want %s via=%v", tc.peer, tc.xff, ip, via, tc.want, tc.via)
		}
	}
}
