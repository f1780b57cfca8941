package api

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/clientip"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// Config is what the API needs to know about the node it serves.
type Config struct {
	// Country is the node's country (required): every request acts on its
	// records, and a token of another country is refused.
	Country auth.Country
	// TLS is true when the server itself terminates TLS: responses then
	// carry Strict-Transport-Security.
	TLS bool
	// TrustedProxy is the IP address of a reverse proxy whose
	// X-Forwarded-For (its last entry) is believed; "" believes none.
	TrustedProxy string
	// Now is the clock of the services and of token use (time.Now if nil).
	Now func() time.Time
}

// Keys pseudonymises client addresses; *crypto.Keyring implements it.
type Keys interface {
	Pseudonym(purpose, value string) string
}

// Deps are what the API is built on. The API makes its own cases.Service
// over CaseStore, so that every audit record of a token's request carries
// the token's scopes as its role (see auditas.go).
type Deps struct {
	CaseStore cases.Store   // store.NewCaseStore(db)
	Sealer    cases.Sealer  // kr.Sealer(crypto.PurposeIdentity)
	Index     cases.Indexer // the keyring
	Tokens    tokens.Store  // store.NewTokenStore(db)
	Keys      Keys
	Metrics   *metrics.Registry // nil: a private registry
	Logger    *slog.Logger      // nil: discard
}

// Server is the JSON API of a node. It is safe for concurrent use.
type Server struct {
	cfg      Config
	keys     Keys
	log      *slog.Logger
	now      func() time.Time
	proxy    netip.Addr
	cases    *cases.Service
	tokens   *tokens.Service
	exporter *Exporter
	audit    audit.Appender // records refusals of tokens
	routes   []Route
	mux      *http.ServeMux
	handler  http.Handler
}

// New builds the API.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.CaseStore == nil || deps.Sealer == nil || deps.Index == nil || deps.Tokens == nil || deps.Keys == nil {
		return nil, errors.New("api: Deps.CaseStore, Sealer, Index, Tokens and Keys are required")
	}
	if len(cfg.Country) != 2 {
		return nil, errors.New("api: Config.Country must be the node's country")
	}
	s := &Server{cfg: cfg, keys: deps.Keys, log: deps.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.proxy, err = clientip.ParseProxy(cfg.TrustedProxy); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	s.cases = cases.NewService(tokenAudit{deps.CaseStore}, deps.Sealer, deps.Index,
		cases.Config{Country: cfg.Country, Now: s.now})
	s.tokens = tokens.NewService(deps.Tokens, s.now)
	s.audit = storeAppender{deps.Tokens}
	s.exporter = NewExporter(s.cases, s.audit, s.log, s.now)
	reg := deps.Metrics
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.authenticate(rt, rt.handler))
	}
	s.handler = s.headers(s.observe(metrics.NewHTTP(reg, "childcentre_api").Wrap(http.HandlerFunc(s.dispatch))))
	return s, nil
}

// Handler returns the HTTP handler of the API; mount it at /api/.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the route table.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// storeAppender appends audit records in a transaction of the token store.
type storeAppender struct{ st tokens.Store }

func (a storeAppender) AppendAudit(ctx context.Context, r audit.Record) error {
	return a.st.Update(ctx, func(tx tokens.Tx) error { return tx.AppendAudit(ctx, r) })
}

// reqState is what the middleware learns about a request, shared with the
// handlers and the audit decorator through the request context.
type reqState struct {
	id           string // random; the instance URN of problems and the log line
	route        *Route
	token        *tokens.Token // nil until authenticated
	tokenGiven   bool          // an Authorization header was sent
	missingScope tokens.Scope  // set when the token lacks the route's scope
	addr         string        // pseudonym of the client address
	problem      string        // type of the problem answered, for the log
}

type stateKey struct{}

func state(r *http.Request) *reqState { return stateOf(r.Context()) }

func stateOf(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	if st == nil {
		st = &reqState{}
	}
	return st
}

func (st *reqState) instance() string {
	if st.id == "" {
		return ""
	}
	return "urn:uuid:" + st.id
}

func (st *reqState) routeName() string {
	if st.route == nil {
		return "unmatched"
	}
	return st.route.Name
}

// actor is the token as the services' actor: the token itself (so that
// what it records names it, and the audit log's actor is "token:N"), with
// exactly the permissions of its scopes (tokens.Token.Permissions), in its
// one country. It has no role: a token is not a person.
func (st *reqState) actor() auth.Actor {
	return auth.Actor{TokenID: st.token.ID, Perms: st.token.Permissions(), Country: st.token.Country, Addr: st.addr}
}

// newID returns a random UUID (version 4) for a request.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// observe gives the request its state, recovers from panics and logs one
// line per request: route, status, token, duration, and the problem type;
// never a path (which may hold a national reference) or a body.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ip, _ := s.clientAddr(r)
		st := &reqState{id: newID(), addr: s.pseudonym(ip)}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		rec := metrics.NewStatusWriter(w)
		defer func() {
			v := recover()
			if v != nil && v != http.ErrAbortHandler {
				s.log.Error("api: panic", "route", st.routeName(), "instance", st.instance(), "panic", fmt.Sprint(v))
				if !rec.Written() {
					s.writeProblem(rec, r, newProblem("internal", http.StatusInternalServerError,
						"An internal error occurred. It has been logged; please try again or contact your administrator."))
				}
			}
			attrs := []any{"route", st.routeName(), "method", r.Method, "status", rec.Status(),
				"duration_ms", time.Since(start).Milliseconds(), "instance", st.instance()}
			if st.token != nil {
				attrs = append(attrs, "token", st.token.Ref())
			}
			if st.problem != "" {
				attrs = append(attrs, "problem", st.problem)
			}
			if v == http.ErrAbortHandler {
				s.log.Warn("api request aborted", attrs...)
				panic(v) // the server closes the connection without ending the response
			}
			s.log.Info("api request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

// headers sets what every response carries: nothing may be cached
// (responses hold personal data), sniffed, framed or run as a page.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
		h.Set("Referrer-Policy", "no-referrer")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// clientAddr returns the client's address and whether it came through the
// trusted proxy (see clientip.Of).
func (s *Server) clientAddr(r *http.Request) (netip.Addr, bool) {
	return clientip.Of(r, s.proxy)
}

// pseudonym is the only form in which a client address reaches the audit log.
func (s *Server) pseudonym(ip netip.Addr) string {
	if !ip.IsValid() {
		return "unknown"
	}
	return s.keys.Pseudonym(crypto.PurposeAddrPseudonym, ip.String())
}

// writeJSON writes v as the response body with the given status.
func (s *Server) writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("api: encode response", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// ok writes v as a 200 (or other success) JSON response.
func (s *Server) ok(w http.ResponseWriter, status int, v any) {
	s.writeJSON(w, status, "application/json", v)
}
