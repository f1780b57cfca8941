package web

// Browser tests: real Chromium, driven through the DevTools protocol
// (chromedp), against the real handler on a free 127.0.0.1 port. Chromium
// treats http://127.0.0.1 as a secure context, so it stores and sends the
// Secure __Host- cookies as it would over HTTPS; TestBrowserSignIn checks
// that it did. No JavaScript of the site's is involved (there is none):
// the tests type, click and read as a user would, and use the DevTools
// protocol only to tamper with a form and to read cookies.

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// chromiumPath is Debian's Chromium, as .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// browserTestTimeout bounds each browser test.
const browserTestTimeout = 20 * time.Second

// The browser is started once, at the first browser test, and shared: each
// test gets a fresh browser context (its own cookies and storage) in it.
var browser struct {
	once   sync.Once
	ctx    context.Context
	err    error
	cancel func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

func startBrowser() {
	dir, err := os.MkdirTemp("", "childcentre-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	browser.ctx = ctx
	browser.cancel = func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	browser.err = chromedp.Do(ctx) // starts the browser and its first tab
}

// tab is one browser test's page, bound to a node served on loopback.
type tab struct {
	t      *testing.T
	ctx    context.Context // the tab, with the test's deadline
	tabCtx context.Context // the tab without the deadline, for the screenshot
	base   string          // http://127.0.0.1:PORT
	e      *testEnv
}

// newTab starts a node on a free loopback port and opens a tab in a fresh
// browser context. Without Chromium the test is skipped, unless CI=true,
// where a missing browser is a failure. When the test fails, a full-page
// PNG is saved in $CHILDCENTRE_TEST_ARTIFACTS (default
// $TMPDIR/childcentre-browser-artifacts) and its path logged.
func newTab(t *testing.T) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s (CI=true): %v", chromiumPath, err)
		}
		t.Skipf("browser test skipped: no Chromium at %s (install Debian's chromium package; with CI=true this is a failure)", chromiumPath)
	}
	browser.once.Do(startBrowser)
	if browser.err != nil {
		t.Fatalf("start Chromium: %v", browser.err)
	}

	e := newTestEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e.srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	tabCtx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	// Open the tab with the context that has no deadline: chromedp binds
	// the tab's life to the context of its first action.
	if err := chromedp.Do(tabCtx); err != nil {
		cancel()
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tabCtx, browserTestTimeout)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	tb := &tab{t: t, ctx: ctx, tabCtx: tabCtx, base: "http://" + ln.Addr().String(), e: e}
	// Registered after the cancel above, so it runs before it.
	t.Cleanup(tb.screenshotOnFailure)
	return tb
}

func (tb *tab) screenshotOnFailure() {
	if !tb.t.Failed() {
		return
	}
	dir := os.Getenv("CHILDCENTRE_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "childcentre-browser-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	// A failing test may have used up its own deadline: give the
	// screenshot a few seconds of its own on the same tab.
	ctx, cancel := context.WithTimeout(tb.tabCtx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(tb.t.Name(), "_")
	path := filepath.Join(dir, name+"-"+time.Now().Format("20060102-150405")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	tb.t.Logf("screenshot of the failed page: %s", path)
}

// open navigates and returns the HTTP status of the page.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	res, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// fill types into the fields named by id.
func (tb *tab) fill(kv ...string) {
	tb.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := chromedp.Do(tb.ctx,
			chromedp.Clear(chromedp.ID(kv[i])),
			chromedp.SendKeys(chromedp.ID(kv[i]), kv[i+1]),
		); err != nil {
			tb.t.Fatalf("fill #%s: %v", kv[i], err)
		}
	}
}

// submit clicks a button and returns the status of the page it leads to
// (after any redirect).
func (tb *tab) submit(css string) int64 {
	tb.t.Helper()
	res, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		tb.t.Fatalf("submit %s: %v", css, err)
	}
	return res.Status
}

func (tb *tab) path() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, tb.base)
}

func (tb *tab) text(css string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// expectPage checks where the browser is and what the page says.
func (tb *tab) expectPage(status, wantStatus int64, path, heading string) {
	tb.t.Helper()
	if status != wantStatus {
		tb.t.Errorf("status %d, want %d", status, wantStatus)
	}
	if got := tb.path(); got != path {
		tb.t.Errorf("at %s, want %s", got, path)
	}
	if h := tb.text("h1"); h != heading {
		tb.t.Fatalf("heading %q, want %q", h, heading)
	}
}

// signIn signs an enrolled user in through the forms.
func (tb *tab) signIn(username, password string) {
	tb.t.Helper()
	tb.open("/signin")
	tb.fill("username", username, "password", password)
	tb.expectPage(tb.submit("form[action='/signin'] button[type=submit]"), 200, "/signin/code", "Second factor")
	tb.fill("code", tb.e.code(username))
	tb.expectPage(tb.submit("form[action='/signin/code'] button[type=submit]"), 200, "/", "Overview")
}

// TestBrowserSignIn enrols the second factor as a new user does (reading
// the secret from the page and computing the code as an authenticator app
// would), is refused a wrong code, signs out and signs in again.
func TestBrowserSignIn(t *testing.T) {
	tb := newTab(t)
	e := tb.e
	u, pw := e.user("bea.officer", auth.RoleOfficer, "SE")

	tb.expectPage(tb.open("/"), 200, "/signin", "Sign in")
	tb.fill("username", u.Username, "password", pw)
	tb.expectPage(tb.submit("form[action='/signin'] button[type=submit]"), 200, "/enrol", "Set up your second factor")

	// The QR code is an SVG drawn by the server; the key is beside it.
	if n, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSS("figure.qr svg path"))); err != nil || len(n) != 1 {
		t.Fatalf("no QR code on the page: %v", err)
	}
	secret := strings.ReplaceAll(tb.text("#totp-secret"), " ", "")

	tb.fill("code", wrongCode(t, secret, e.clock.Now()))
	tb.expectPage(tb.submit("form[action='/enrol'] button[type=submit]"), http.StatusUnauthorized, "/enrol", "Set up your second factor")
	if msg := tb.text(".error-summary"); !strings.Contains(msg, "The code is not correct") {
		t.Fatalf("error summary %q", msg)
	}

	code, err := auth.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tb.fill("code", code)
	tb.expectPage(tb.submit("form[action='/enrol'] button[type=submit]"), 200, "/enrol", "Your recovery codes")
	codes, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSSAll("#recovery-codes li")))
	if err != nil || len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown: %v", len(codes), err)
	}

	// Chromium kept the Secure __Host- cookie on http://127.0.0.1, with
	// its attributes, and the page's script (were there any) cannot read it.
	cookies, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var session *network.Cookie
	for _, c := range cookies.Cookies {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.Secure || !session.HTTPOnly || session.SameSite != network.CookieSameSiteStrict || !session.Session || session.Path != "/" {
		t.Fatalf("session cookie in the browser: %+v", session)
	}
	if doc, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.cookie`)); err != nil || doc != "" {
		t.Fatalf("document.cookie = %q, %v: cookies must be HttpOnly", doc, err)
	}

	tb.expectPage(tb.submit("a.button.primary"), 200, "/", "Overview")
	if who := tb.text(".who"); !strings.Contains(who, "Test bea.officer") || !strings.Contains(who, "NCP officer") {
		t.Fatalf("header shows %q", who)
	}

	tb.expectPage(tb.submit(".who button[type=submit]"), 200, "/signin?out=1", "Sign in")
	if n := tb.text(".notice"); n != "You have signed out." {
		t.Fatalf("notice %q", n)
	}
	tb.expectPage(tb.open("/"), 200, "/signin", "Sign in")

	// Again, with a code from the next time step.
	e.clock.Add(30 * time.Second)
	tb.fill("username", u.Username, "password", pw)
	tb.expectPage(tb.submit("form[action='/signin'] button[type=submit]"), 200, "/signin/code", "Second factor")
	code, _ = auth.GenerateCode(secret, e.clock.Now())
	tb.fill("code", code)
	tb.expectPage(tb.submit("form[action='/signin/code'] button[type=submit]"), 200, "/", "Overview")
}

// TestBrowserWrongCode: at sign-in, a wrong second-factor code is refused,
// the field is marked and linked from the error summary, and the session
// stays at the second-factor step.
func TestBrowserWrongCode(t *testing.T) {
	tb := newTab(t)
	e := tb.e
	u, pw := e.user("carl.super", auth.RoleSupervisor, "SE")
	e.enrol(u.Username, pw)

	tb.open("/signin")
	tb.fill("username", u.Username, "password", pw)
	tb.expectPage(tb.submit("form[action='/signin'] button[type=submit]"), 200, "/signin/code", "Second factor")
	tb.fill("code", wrongCode(t, e.secrets[u.Username], e.clock.Now()))
	tb.expectPage(tb.submit("form[action='/signin/code'] button[type=submit]"), http.StatusUnauthorized, "/signin/code", "Second factor")

	attrs, err := chromedp.Run(tb.ctx, chromedp.Attributes(chromedp.ID("code")))
	if err != nil {
		t.Fatal(err)
	}
	if attrs["aria-invalid"] != "true" || !strings.Contains(attrs["aria-describedby"], "code-error") {
		t.Fatalf("code field attributes %v", attrs)
	}
	if href, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(".error-summary a"), "href")); err != nil || !href.Exists || href.Value != "#code" {
		t.Fatalf("error summary link %+v, %v", href, err)
	}
	// Still not signed in.
	tb.expectPage(tb.open("/account"), 200, "/signin/code", "Second factor")
}

// TestBrowserCSRF: a form submitted without its CSRF token, or with a
// wrong one, is refused with the 403 page, and nothing changes.
func TestBrowserCSRF(t *testing.T) {
	tb := newTab(t)
	e := tb.e
	u, pw := e.user("dora.officer", auth.RoleOfficer, "SE")
	e.enrol(u.Username, pw)
	tb.signIn(u.Username, pw)

	const field = "form[action='/account/language'] input[name=csrf]"
	for _, tamper := range []struct {
		name   string
		action chromedp.Action[chromedp.Void]
	}{
		{"removed", chromedp.Evaluate[chromedp.Void](`document.querySelector("` + field + `").remove()`)},
		{"wrong", chromedp.SetAttributeValue(chromedp.CSS(field), "value", "forged-token")},
	} {
		tb.open("/account")
		if err := chromedp.Do(tb.ctx,
			chromedp.SetValue(chromedp.ID("language"), "pl"),
			tamper.action,
		); err != nil {
			t.Fatalf("%s token: %v", tamper.name, err)
		}
		status := tb.submit("form[action='/account/language'] button[type=submit]")
		tb.expectPage(status, http.StatusForbidden, "/account/language", "Not allowed")
		if got, err := e.auth.User(context.Background(), auth.SystemActor, u.ID); err != nil || got.Language != "" {
			t.Fatalf("%s token: language changed (%v)", tamper.name, err)
		}
	}
	// The untampered form works.
	tb.open("/account")
	if err := chromedp.Do(tb.ctx, chromedp.SetValue(chromedp.ID("language"), "sv")); err != nil {
		t.Fatal(err)
	}
	tb.expectPage(tb.submit("form[action='/account/language'] button[type=submit]"), 200, "/account?done=language", "Mitt konto")
}

// TestBrowserOfficerCannotAdministerUsers: an officer has no link to the
// user administration, and opening it gives the 403 page.
func TestBrowserOfficerCannotAdministerUsers(t *testing.T) {
	tb := newTab(t)
	e := tb.e
	u, pw := e.user("erik.officer", auth.RoleOfficer, "SE")
	e.enrol(u.Username, pw)
	tb.signIn(u.Username, pw)

	if nav := tb.text("nav.site-nav"); strings.Contains(nav, "Users") || !strings.Contains(nav, "My account") {
		t.Fatalf("navigation %q", nav)
	}
	tb.expectPage(tb.open("/admin/users"), http.StatusForbidden, "/admin/users", "Not allowed")
	tb.expectPage(tb.open("/admin/users/new"), http.StatusForbidden, "/admin/users/new", "Not allowed")
	if body, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main"))); err != nil || strings.Contains(body, "erik.officer") {
		t.Fatalf("403 page body %q, %v", body, err)
	}
}
