package api

import (
	"net/http"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Route is one entry of the route table. Every route names the scope it
// needs; the authentication middleware enforces it before the handler
// runs, so a handler cannot forget to.
type Route struct {
	Method  string       // GET, POST or PUT
	Pattern string       // http.ServeMux pattern without the method
	Scope   tokens.Scope // "" = public: no token needed
	Name    string       // stable name, used in logs, metrics and the audit of refusals
	handler http.Handler
}

// Prefix is where the API lives; the node mounts Handler there.
const Prefix = "/api/"

// routeTable is the one table of routes. openapi.yaml documents exactly
// these (TestOpenAPIMatchesRoutes).
func (s *Server) routeTable() []Route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []Route{
		{Method: "GET", Pattern: "/api/v1/openapi.yaml", Name: "openapi", handler: h(s.openAPI)},

		{Method: "POST", Pattern: "/api/v1/children", Scope: tokens.ScopeWrite, Name: "child_register", handler: h(s.register)},
		{Method: "GET", Pattern: "/api/v1/children", Scope: tokens.ScopeRead, Name: "child_search", handler: h(s.search)},
		{Method: "GET", Pattern: "/api/v1/children/{id}", Scope: tokens.ScopeRead, Name: "child", handler: h(s.child)},
		{Method: "POST", Pattern: "/api/v1/children:search", Scope: tokens.ScopeRead, Name: "child_search_post", handler: h(s.searchPost)},
		{Method: "POST", Pattern: "/api/v1/children:by-ref", Scope: tokens.ScopeRead, Name: "child_by_ref", handler: h(s.childByRefPost)},
		{Method: "PUT", Pattern: "/api/v1/children/{id}", Scope: tokens.ScopeWrite, Name: "child_update", handler: h(s.updateChild)},
		{Method: "POST", Pattern: "/api/v1/children/{id}/cases", Scope: tokens.ScopeWrite, Name: "case_open", handler: h(s.openCase)},

		{Method: "GET", Pattern: "/api/v1/cases/{id}", Scope: tokens.ScopeRead, Name: "case", handler: h(s.kase)},
		{Method: "PUT", Pattern: "/api/v1/cases/{id}", Scope: tokens.ScopeWrite, Name: "case_update", handler: h(s.updateCase)},
		{Method: "GET", Pattern: "/api/v1/cases/{id}/events", Scope: tokens.ScopeRead, Name: "case_events", handler: h(s.events)},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/events", Scope: tokens.ScopeWrite, Name: "case_event_add", handler: h(s.addEvent)},

		{Method: "POST", Pattern: "/api/v1/registrations:batch", Scope: tokens.ScopeWrite, Name: "registrations_batch", handler: h(s.batch)},
		{Method: "GET", Pattern: "/api/v1/export", Scope: tokens.ScopeExport, Name: "export", handler: h(s.export)},
	}
}

// dispatch serves a request through the mux, answering what no route
// matches with a problem: 405 with Allow when the path exists under
// another method, 404 otherwise.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	// The mux's own answer tells 404 from 405 and lists the methods.
	probe := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.writeProblem(w, r, newProblem(probMethod, http.StatusMethodNotAllowed, "This resource does not support the method; see Allow."))
		return
	}
	s.writeProblem(w, r, newProblem(string(errs.NotFound), http.StatusNotFound, "There is no such resource in this API: see /api/v1/openapi.yaml."))
}

// headerRecorder records the status and headers a handler writes, and
// discards its body.
type headerRecorder struct {
	header http.Header
	code   int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int)        { h.code = code }

// authenticate admits a request to rt: public routes as they are, others
// with an active token of the node's country that has the route's scope.
// A refused token of this node (revoked, another country, missing scope)
// is audited as auth.denied; an unknown one cannot be named and is not.
func (s *Server) authenticate(rt *Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route = rt
		if rt.Scope == "" {
			next.ServeHTTP(w, r)
			return
		}
		secret, given := bearer(r)
		st.tokenGiven = given
		if !given {
			s.writeProblem(w, r, newProblem(string(errs.Unauthorized), http.StatusUnauthorized,
				"Send the API token of your system as Authorization: Bearer cct_…"))
			return
		}
		tok, err := s.tokens.Authenticate(r.Context(), secret)
		if err != nil {
			if tok != nil && errs.Is(err, errs.Unauthorized) {
				reason := "revoked"
				if !tok.Revoked() {
					reason = "expired"
				}
				s.deny(w, r, tok, reason)
			}
			s.fail(w, r, err, nil)
			return
		}
		switch {
		case tok.Country != s.cfg.Country:
			s.deny(w, r, tok, "country")
			s.writeProblem(w, r, newProblem(string(errs.Forbidden), http.StatusForbidden,
				"The token belongs to another country than this node's."))
			return
		case !tok.Has(rt.Scope):
			st.missingScope = rt.Scope
			s.deny(w, r, tok, "scope="+string(rt.Scope))
			s.writeProblem(w, r, newProblem(string(errs.Forbidden), http.StatusForbidden,
				"The token does not have the scope this operation needs: "+string(rt.Scope)+"."))
			return
		}
		st.token = tok
		next.ServeHTTP(w, r)
	})
}

// deny audits a refused request of a known token. A failure to audit is
// logged: the request is refused either way.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, tok *tokens.Token, reason string) {
	st := state(r)
	rec := audit.Record{Time: s.now(), Actor: tok.Ref(), Role: tok.AuditRole(), Country: string(tok.Country),
		Action: audit.ActAccessDenied, Target: "api:" + st.routeName(), Outcome: "denied", Addr: st.addr, Detail: reason}
	if err := s.audit.AppendAudit(r.Context(), rec); err != nil {
		s.log.Error("api: audit a refusal", "instance", st.instance(), "err", err)
	}
}

// bearer returns the token of an Authorization: Bearer header, and
// whether an Authorization header was sent at all.
func bearer(r *http.Request) (string, bool) {
	vals := r.Header.Values("Authorization")
	if len(vals) == 0 {
		return "", false
	}
	if len(vals) > 1 {
		return "", true
	}
	scheme, tok, ok := strings.Cut(vals[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(tok), true
}
