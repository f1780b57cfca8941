package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// t0 is the tests' starting time.
var t0 = time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC)

// clock is a settable clock, shared by the API, its services and the store.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(t0.UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// env is an API on a fresh database, with the node's country SE.
type env struct {
	t      *testing.T
	db     *store.DB
	clock  *clock
	keys   *crypto.Keyring
	api    *api.Server
	h      http.Handler
	tokens *tokens.Service
	ctx    context.Context
}

func newEnv(t *testing.T, db *store.DB, c *clock) *env {
	t.Helper()
	kr := crypto.NewKeyring(t0)
	srv, err := api.New(api.Config{Country: "SE", Now: c.Now}, api.Deps{
		CaseStore: store.NewCaseStore(db), Sealer: kr.Sealer(crypto.PurposeIdentity), Index: kr,
		Tokens: store.NewTokenStore(db), Keys: kr,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, clock: c, keys: kr, api: srv, h: srv.Handler(),
		tokens: tokens.NewService(store.NewTokenStore(db), c.Now), ctx: context.Background()}
}

// each runs fn on SQLite and (when configured) PostgreSQL, in parallel.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		c := newClock()
		fn(t, newEnv(t, db, c))
	})
}

// sqlite runs fn on SQLite only: for tests of the HTTP layer, where the
// database does not matter.
func sqlite(t *testing.T) *env {
	t.Helper()
	t.Parallel()
	return newEnv(t, storetest.New(t), newClock())
}

// service returns a case registry of another country on the same
// database, to hold records the node's tokens must never see.
func (e *env) service(country auth.Country) *cases.Service {
	return cases.NewService(store.NewCaseStore(e.db), e.keys.Sealer(crypto.PurposeIdentity), e.keys,
		cases.Config{Country: country, Now: e.clock.Now})
}

// token creates a token of country with scopes and returns its secret and id.
func (e *env) token(country auth.Country, scopes ...tokens.Scope) (string, int64) {
	e.t.Helper()
	tok, secret, err := e.tokens.Create(e.ctx, auth.SystemActor, "system "+string(country), country, scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret, tok.ID
}

// response is an answer of the API.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// into decodes the body into v.
func (r *response) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body does not decode into %T (%v): %s", v, err, r.body)
	}
}

// req is one request: body is a string (sent as is) or a value (sent as JSON).
type req struct {
	method, path, token string
	body                any
	header              map[string]string
}

func (e *env) do(r req) *response {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	return &response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// must fails the test unless the response has the status wanted.
func (r *response) must(t *testing.T, code int) *response {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d: %s", r.code, code, r.body)
	}
	return r
}

// registration is a valid registration body.
func registration(ref, given, family, dob string) api.Registration {
	return api.Registration{
		Child: api.ChildInput{NationalRef: ref, GivenNames: given, FamilyName: family, BirthDate: dob, Sex: "male",
			Citizenships: []string{"SY"}, Languages: []string{"ar"}},
		Case: api.CaseInput{Category: "unaccompanied", Evidence: "identified", Placement: "reception_centre",
			ResponsibleOrg: "Migrationsverket", Exploitation: []string{"forced_labour"}},
	}
}

// register registers a child through the API and returns it.
func (e *env) register(token string, reg api.Registration) api.Registered {
	e.t.Helper()
	var out api.Registered
	e.do(req{method: "POST", path: "/api/v1/children", token: token, body: reg}).must(e.t, http.StatusCreated).into(e.t, &out)
	return out
}

// audit returns the audit log.
func (e *env) audit() []audit.Entry {
	e.t.Helper()
	var out []audit.Entry
	if err := e.db.WalkAudit(e.ctx, func(en audit.Entry) error { out = append(out, en); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// entries returns the audit entries with action.
func (e *env) entries(action string) []audit.Entry {
	var out []audit.Entry
	for _, en := range e.audit() {
		if en.Action == action {
			out = append(out, en)
		}
	}
	return out
}

// problem checks that r is a problem details answer of the given status
// and type name, and returns it.
func problem(t *testing.T, r *response, status int, typ string) api.Problem {
	t.Helper()
	if r.code != status {
		t.Fatalf("status %d, want %d: %s", r.code, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p api.Problem
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem does not decode (%v): %s", err, r.body)
	}
	if p.Type != api.ProblemType(typ) || p.Status != status || p.Title == "" || p.Detail == "" ||
		!strings.HasPrefix(p.Instance, "urn:uuid:") {
		t.Fatalf("problem = %+v, want type %s, status %d, a title, a detail and an instance", p, typ, status)
	}
	return p
}

// fields returns the fields of a problem's errors.
func fields(p api.Problem) []string {
	out := make([]string, len(p.Errors))
	for i, f := range p.Errors {
		out[i] = f.Field
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
