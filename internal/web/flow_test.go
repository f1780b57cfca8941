package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// client is a Go-side browser for the TLS test server: a cookie jar (which
// sends Secure cookies over https only, like a browser), no automatic
// redirects, and the CSRF token of the last page it loaded.
type client struct {
	t    *testing.T
	ts   *httptest.Server
	c    *http.Client
	csrf string
	lang string // Accept-Language
}

func newClient(t *testing.T, ts *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	c := ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{t: t, ts: ts, c: c}
}

func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, c.ts.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.lang != "" {
		r.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.c.Do(r)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) { return c.do("GET", path, nil) }

// post submits a form with the CSRF token of the last page.
func (c *client) post(path string, kv ...string) (*http.Response, string) {
	form := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return c.do("POST", path, form)
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.ts.URL)
	for _, k := range c.c.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

func expect(t *testing.T, res *http.Response, status int, location string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, status)
	}
	if location != "" && res.Header.Get("Location") != location {
		t.Fatalf("%s %s: Location %q, want %q", res.Request.Method, res.Request.URL.Path, res.Header.Get("Location"), location)
	}
}

var recoveryRE = regexp.MustCompile(`<li><code>([0-9a-z-]{19})</code></li>`)

// TestSignInFlow enrols a second factor and signs in again over HTTPS, as
// a browser would: the code is computed from the secret the page shows.
func TestSignInFlow(t *testing.T) {
	e := newTestEnv(t)
	u, pw := e.user("eva.officer", auth.RoleOfficer, "SE")
	ts := httptest.NewTLSServer(e.srv.Handler())
	defer ts.Close()
	c := newClient(t, ts)

	res, body := c.get("/signin")
	expect(t, res, 200, "")
	if !strings.Contains(body, `<html lang="en">`) || c.cookie(preCookie) == "" {
		t.Fatal("sign-in page without lang attribute or pre-session cookie")
	}

	// Wrong password: the same answer as an unknown account.
	res, body = c.post("/signin", "username", u.Username, "password", "wrong password 123")
	expect(t, res, http.StatusUnauthorized, "")
	res2, body2 := c.post("/signin", "username", "nobody.here", "password", "wrong password 123")
	expect(t, res2, http.StatusUnauthorized, "")
	if msg := "The user name or password is not correct."; !strings.Contains(body, msg) || !strings.Contains(body2, msg) {
		t.Fatal("wrong password and unknown account must give the same message")
	}
	if !strings.Contains(body, `value="eva.officer"`) || strings.Contains(body, "wrong password 123") {
		t.Fatal("the form must keep the user name and never the password")
	}

	res, _ = c.post("/signin", "username", u.Username, "password", pw)
	expect(t, res, http.StatusSeeOther, "/enrol")
	checkSessionCookie(t, res)
	pending := c.cookie(sessionCookie)

	res, body = c.get("/enrol")
	expect(t, res, 200, "")
	if !strings.Contains(body, "<svg") || !strings.Contains(body, `role="img"`) {
		t.Fatal("enrolment page without the QR code drawn as SVG")
	}
	m := secretRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("enrolment page without the secret")
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	code, err := auth.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}

	res, body = c.post("/enrol", "code", wrongCode(t, secret, e.clock.Now()))
	expect(t, res, http.StatusUnauthorized, "")
	if !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `aria-describedby="code-hint code-error"`) {
		t.Fatal("a refused code must be marked on its field")
	}

	res, body = c.post("/enrol", "code", code)
	expect(t, res, 200, "")
	codes := recoveryRE.FindAllStringSubmatch(body, -1)
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), auth.RecoveryCodeCount)
	}
	if c.cookie(sessionCookie) == pending {
		t.Fatal("the session token must change when sign-in completes")
	}

	res, body = c.get("/")
	expect(t, res, 200, "")
	if !strings.Contains(body, "Test eva.officer") || !strings.Contains(body, "NCP officer") {
		t.Fatal("the dashboard must show the user's name and role")
	}

	res, _ = c.post("/signout")
	expect(t, res, http.StatusSeeOther, "/signin?out=1")
	res, _ = c.get("/")
	expect(t, res, http.StatusSeeOther, "/signin")

	// Sign in again with a code from the next time step.
	e.clock.Add(30 * time.Second)
	c.get("/signin")
	res, _ = c.post("/signin", "username", u.Username, "password", pw)
	expect(t, res, http.StatusSeeOther, "/signin/code")
	res, _ = c.get("/")
	expect(t, res, http.StatusSeeOther, "/signin/code")
	code2, _ := auth.GenerateCode(secret, e.clock.Now())
	c.get("/signin/code")
	res, _ = c.post("/signin/code", "code", wrongCode(t, secret, e.clock.Now()))
	expect(t, res, http.StatusUnauthorized, "")
	res, _ = c.post("/signin/code", "code", code2)
	expect(t, res, http.StatusSeeOther, "/")
	res, _ = c.get("/account")
	expect(t, res, 200, "")

	// The same code does not work twice.
	res, _ = c.post("/signout")
	expect(t, res, http.StatusSeeOther, "/signin?out=1")
	c.get("/signin")
	c.post("/signin", "username", u.Username, "password", pw)
	c.get("/signin/code")
	res, _ = c.post("/signin/code", "code", code2)
	expect(t, res, http.StatusUnauthorized, "")

	// A recovery code does, once.
	res, _ = c.post("/signin/code", "code", strings.ToUpper(codes[0][1]))
	expect(t, res, http.StatusSeeOther, "/")
	c.get("/") // the new session's page, with its CSRF token
	res, _ = c.post("/signout")
	expect(t, res, http.StatusSeeOther, "/signin?out=1")
	c.get("/signin")
	c.post("/signin", "username", u.Username, "password", pw)
	c.get("/signin/code")
	res, _ = c.post("/signin/code", "code", codes[0][1])
	expect(t, res, http.StatusUnauthorized, "")

	// Cancelling a half-finished sign-in ends that session.
	res, _ = c.post("/signout")
	expect(t, res, http.StatusSeeOther, "/signin?out=1")
	res, _ = c.get("/signin/code")
	expect(t, res, http.StatusSeeOther, "/signin")

	// Failures were counted.
	if got := e.metricsText(t); !strings.Contains(got, "childcentre_signin_failures_total") {
		t.Fatalf("metrics lack the sign-in failure counter:\n%s", got)
	}
}

// checkSessionCookie asserts the attributes of the session cookie set by res.
func checkSessionCookie(t *testing.T, res *http.Response) {
	t.Helper()
	for _, line := range res.Header.Values("Set-Cookie") {
		if !strings.HasPrefix(line, sessionCookie+"=") {
			continue
		}
		for _, attr := range []string{"Path=/", "HttpOnly", "Secure", "SameSite=Strict"} {
			if !strings.Contains(line, "; "+attr) {
				t.Errorf("session cookie lacks %s: %s", attr, line)
			}
		}
		for _, attr := range []string{"Domain=", "Max-Age=", "Expires="} {
			if strings.Contains(line, attr) {
				t.Errorf("session cookie must not have %s: %s", attr, line)
			}
		}
		c, err := http.ParseSetCookie(line)
		if err != nil || len(c.Value) < 40 {
			t.Errorf("session token looks too short: %d characters", len(c.Value))
		}
		return
	}
	t.Fatal("no session cookie set")
}

// TestSessionTimeouts: the idle timeout (30 minutes) and the absolute one
// (12 hours) end a session, measured on the injected clock.
func TestSessionTimeouts(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	u, pw := e.user("idle.user", auth.RoleAuditor, "SE")
	tok := e.enrol(u.Username, pw)

	rec := e.do(h, req{method: "GET", path: "/", session: tok})
	if rec.Code != 200 {
		t.Fatalf("fresh session: %d", rec.Code)
	}
	e.clock.Add(29 * time.Minute)
	if rec = e.do(h, req{method: "GET", path: "/account", session: tok}); rec.Code != 200 {
		t.Fatalf("after 29 idle minutes: %d", rec.Code)
	}
	e.clock.Add(31 * time.Minute)
	rec = e.do(h, req{method: "GET", path: "/account", session: tok})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin?ended=1" {
		t.Fatalf("after 31 idle minutes: %d %q, want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, sessionCookie+"=;") || !strings.Contains(sc, "Max-Age=0") {
		t.Fatalf("the ended session's cookie must be cleared: %q", sc)
	}
	rec = e.do(h, req{method: "GET", path: "/signin?ended=1"})
	if !strings.Contains(rec.Body.String(), "Your session has ended") {
		t.Fatal("the sign-in page must say why")
	}

	// Absolute: active every 20 minutes, still ended after 12 hours.
	e.clock.Add(time.Minute)
	tok = e.signInAgain(u.Username, pw)
	start := e.clock.Now()
	for e.clock.Now().Sub(start) < 12*time.Hour-20*time.Minute {
		e.clock.Add(20 * time.Minute)
		if rec = e.do(h, req{method: "GET", path: "/", session: tok}); rec.Code != 200 {
			t.Fatalf("active session ended after %v", e.clock.Now().Sub(start))
		}
	}
	e.clock.Add(21 * time.Minute)
	if rec = e.do(h, req{method: "GET", path: "/", session: tok}); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive after %v: %d", e.clock.Now().Sub(start), rec.Code)
	}
}

// signInAgain signs an enrolled user in with password and a fresh code
// read through the service (the secret is not exported, so the test
// resets and re-enrols the second factor).
func (e *testEnv) signInAgain(username, password string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.auth.ListUsers(ctx, auth.SystemActor, auth.UserFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, x := range u {
		if x.Username == username {
			if err := e.auth.ResetSecondFactor(ctx, auth.SystemActor, x.ID); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	return e.enrol(username, password)
}
