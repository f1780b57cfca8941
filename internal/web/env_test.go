package web

import (
	"bytes"
	"context"
	"fmt"
	"github.com/cbss-egcc/childcentre/internal/api"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// fakeClock is the injectable clock of the auth service, the store and
// the web layer in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output written from handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is a real node: a migrated SQLite database, a keyring generated
// into the test's directory, the real auth service and the web server.
type testEnv struct {
	t      testing.TB
	clock  *fakeClock
	db     *store.DB
	keys   *crypto.Keyring
	auth   *auth.Service
	cases  *cases.Service
	tokens *tokens.Service
	srv    *Server
	reg    *metrics.Registry
	logs   *syncBuffer
	ready  error // what Ready returns

	mu      sync.Mutex
	secrets map[string]string // username -> base32 TOTP secret, from enrol
}

// testPeer is the client address of in-process requests: not loopback, so
// that the /metrics exemption does not apply.
const testPeer = "192.0.2.10:40000"

func newTestEnv(t testing.TB, mutate ...func(*Config)) *testEnv {
	t.Helper()
	e := &testEnv{t: t, clock: &fakeClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	e.db = storetest.New(t, storetest.WithNow(e.clock.Now))
	path := filepath.Join(t.TempDir(), "node.keys")
	if err := crypto.GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.keys, err = crypto.LoadKeyring(path); err != nil {
		t.Fatal(err)
	}
	e.auth = auth.NewService(store.NewAuthStore(e.db), e.keys.Sealer(crypto.PurposeTOTP), auth.Config{
		Issuer: "Childcentre SE",
		Now:    e.clock.Now,
		// Argon2id at its cheapest: the web tests exercise the flow, not
		// the cost of hashing (the auth package measures that).
		Password: auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	e.cases = cases.NewService(store.NewCaseStore(e.db), e.keys.Sealer(crypto.PurposeIdentity), e.keys,
		cases.Config{Now: e.clock.Now, Country: "SE"})
	e.tokens = tokens.NewService(store.NewTokenStore(e.db), e.clock.Now)
	e.reg = metrics.NewRegistry()
	cfg := Config{Country: "SE", DefaultLanguage: "en", Now: e.clock.Now}
	for _, m := range mutate {
		m(&cfg)
	}
	e.srv, err = New(cfg, Deps{
		Auth:     e.auth,
		Audit:    e.db,
		Ready:    func(ctx context.Context) error { return e.ready },
		Keys:     e.keys,
		Cases:    e.cases,
		Exporter: api.NewExporter(e.cases, e.db, nil, e.clock.Now),
		// The API's token service names tokens, as on a node.
		TokenNames: e.tokens,
		Stats:      store.NewStatsStore(e.db),
		Metrics:    e.reg,
		Logger:     slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every page a test renders must find each of its keys.
	e.srv.cat.OnMissing(func(lang, key string) { t.Errorf("missing translation: %s %q", lang, key) })
	return e
}

// user creates an account and returns it with its initial password.
func (e *testEnv) user(name string, role auth.Role, country auth.Country) (*auth.User, string) {
	e.t.Helper()
	u, pw, err := e.auth.CreateUser(context.Background(), auth.SystemActor, auth.NewUser{
		Username: name, DisplayName: "Test " + name, Role: role, Country: country,
	})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	return u, pw
}

// enrol signs a new user in, enrols their second factor through the
// service and returns a session token at StageFull.
func (e *testEnv) enrol(username, password string) string {
	e.t.Helper()
	ctx := context.Background()
	tok, sess, err := e.auth.SignIn(ctx, username, password, "test")
	if err != nil || sess.Stage != auth.StageEnrol {
		e.t.Fatalf("sign in %s: %v (stage %v)", username, err, sess)
	}
	p := e.principal(tok)
	en, err := e.auth.BeginEnrolment(ctx, p)
	if err != nil {
		e.t.Fatal(err)
	}
	code, err := auth.GenerateCode(en.Secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	full, _, err := e.auth.ConfirmEnrolment(ctx, p, code, "test")
	if err != nil {
		e.t.Fatalf("confirm enrolment: %v", err)
	}
	e.mu.Lock()
	if e.secrets == nil {
		e.secrets = map[string]string{}
	}
	e.secrets[username] = en.Secret
	e.mu.Unlock()
	return full
}

// code returns the current TOTP code of an enrolled user, moving the clock
// on by one time step first so that the code has not been used yet.
func (e *testEnv) code(username string) string {
	e.t.Helper()
	e.mu.Lock()
	secret := e.secrets[username]
	e.mu.Unlock()
	e.clock.Add(30 * time.Second)
	c, err := auth.GenerateCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// wrongCode returns a six-digit code that no time step the service accepts
// now (the current one and its neighbours) produces for secret.
func wrongCode(t testing.TB, secret string, now time.Time) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := auth.GenerateCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid[c] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (123456+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

func (e *testEnv) principal(token string) *auth.Principal {
	e.t.Helper()
	p, err := e.auth.Authenticate(context.Background(), token)
	if err != nil {
		e.t.Fatalf("authenticate: %v", err)
	}
	return p
}

// csrfFor returns the token a form of the session (or pre-session cookie
// value) carries.
func (e *testEnv) csrfFor(session, pre string) string {
	return e.srv.tokenFor(&reqState{token: session, pre: pre})
}

// req is an in-process request.
type req struct {
	method, path string
	session      string     // session cookie value
	pre          string     // pre-session cookie value
	form         url.Values // POST body; a csrf field is added unless noCSRF
	noCSRF       bool
	header       http.Header
	peer         string
}

func (e *testEnv) do(h http.Handler, r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body *strings.Reader
	if r.method == http.MethodPost {
		form := url.Values{}
		for k, v := range r.form {
			form[k] = v
		}
		if !r.noCSRF && form.Get("csrf") == "" {
			form.Set("csrf", e.csrfFor(r.session, r.pre))
		}
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	hr := httptest.NewRequest(r.method, "https://node.example"+r.path, body)
	hr.RemoteAddr = testPeer
	if r.peer != "" {
		hr.RemoteAddr = r.peer
	}
	if r.method == http.MethodPost {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	if r.session != "" {
		hr.AddCookie(&http.Cookie{Name: sessionCookie, Value: r.session})
	}
	if r.pre != "" {
		hr.AddCookie(&http.Cookie{Name: preCookie, Value: r.pre})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, hr)
	return rec
}

// newPre returns a valid pre-session cookie value.
func newPre() string { return strings.Repeat("A", 43) }

var (
	csrfRE   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	secretRE = regexp.MustCompile(`id="totp-secret">([^<]+)<`)
)
