package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/clientip"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// Config is what the web layer needs to know about the node it serves.
type Config struct {
	// Country is the node's country, shown in the header of every page.
	Country auth.Country
	// TLS is true when the server itself terminates TLS: responses then
	// carry Strict-Transport-Security. Behind a TLS-terminating proxy, let
	// the proxy send HSTS.
	TLS bool
	// TrustedProxy is the IP address of a reverse proxy. Only requests whose
	// peer is that address have their client address taken from the last
	// entry of X-Forwarded-For; everyone else's header is ignored.
	TrustedProxy string
	// DefaultLanguage is used when neither the user's setting nor the
	// browser's Accept-Language names a supported language ("en" if empty).
	DefaultLanguage string
	// Now is the clock of the audit records the web layer writes
	// (time.Now if nil); session timeouts run on the auth service's clock.
	Now func() time.Time
	// Location is the node's time zone (UTC if nil). Officers read and
	// type times in their own country's local time, so every time on a
	// page is shown in it, with its abbreviation, and the times and days
	// typed into forms and filters are read in it. The database and the
	// API stay in UTC: only the pages change. It is fixed for the
	// server's life, because the templates are parsed once with it.
	Location *time.Location
}

// AuditLog is the audit log as the auditor's page needs it: filtered,
// paginated reading (the page of entries and the total count) and
// appending the audit.read record of that reading. *store.DB implements it.
type AuditLog interface {
	ListAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error)
	AppendAudit(ctx context.Context, r audit.Record) error
}

// Keys is the part of the node's keyring the web layer uses: a CSRF key and
// pseudonyms of client addresses. *crypto.Keyring implements it.
type Keys interface {
	Derive(purpose string, n int) []byte
	Pseudonym(purpose, value string) string
}

// Deps are the services behind the handlers.
type Deps struct {
	Auth  *auth.Service
	Audit AuditLog
	Ready func(ctx context.Context) error // nil: always ready
	Keys  Keys
	Hits  HitQueue // possible matches abroad; nil on a node without a hub
	// FollowUp is the follow-up workflow (handlers_followup.go); nil on a
	// node without a hub.
	FollowUp *followup.Service
	// Cases is the case registry. Its routes are always registered; while
	// it is nil they answer 503 (a node that has not wired it).
	Cases *cases.Service
	// Exporter streams the country's records to users with
	// PermCasesExport (nil: the export route answers 503).
	Exporter *api.Exporter
	// TokenNames names the API tokens that wrote entries of a history or
	// a timeline (nil: they are named by id, "API: #3").
	TokenNames TokenNames
	// Stats reads the country's cases for its national figures (nil:
	// the statistics routes answer 503).
	Stats stats.FactSource
	// Regional is the hub's published regional figures (nil on a node:
	// the public statistics routes answer 404).
	Regional RegionalFigures
	// Network is the hub's view of the network (nil on a node: the
	// network pages answer 404 and are not in the navigation).
	Network NetworkView
	// WorkQueues are added to the start page's built-in work queues
	// (other parts of the node: possible matches abroad, follow-ups due).
	WorkQueues []WorkQueue
	Metrics    *metrics.Registry // nil: a private registry
	Logger     *slog.Logger      // nil: discard
}

// Server is the web interface of a node. It is safe for concurrent use.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	now     func() time.Time
	proxy   netip.Addr
	csrfKey []byte
	cat     *i18n.Catalog
	views   *views
	static  *staticFiles
	routes  []Route
	met     *webMetrics
	cop     *http.CrossOriginProtection
	handler http.Handler
}

// New checks the configuration, parses the templates and catalogues once
// and builds the handler.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Auth == nil || deps.Audit == nil || deps.Keys == nil {
		return nil, errors.New("web: Deps.Auth, Deps.Audit and Deps.Keys are required")
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = "en"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if !i18n.Supported(cfg.DefaultLanguage) {
		return nil, fmt.Errorf("web: default language %q is not one of %v", cfg.DefaultLanguage, i18n.Languages)
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.proxy, err = clientip.ParseProxy(cfg.TrustedProxy); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.deps.Metrics == nil {
		s.deps.Metrics = metrics.NewRegistry()
	}
	s.csrfKey = deps.Keys.Derive(crypto.PurposeCSRF, 32)
	if s.cat, err = i18n.Load(); err != nil {
		return nil, err
	}
	s.cat.OnMissing(func(lang, key string) {
		s.log.Warn("missing translation", "lang", lang, "key", key)
	})
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.views, err = parseViews(s.cat, s.static, cfg.Location); err != nil {
		return nil, err
	}
	s.met = newWebMetrics(s.deps.Metrics)
	s.cop = http.NewCrossOriginProtection()
	s.routes = append(s.routeTable(), s.networkRoutes()...)
	s.routes = append(s.routes, s.followupRoutes()...)
	s.routes = append(s.routes, s.alertRoutes()...)
	s.handler = s.buildHandler()
	return s, nil
}

// Handler returns the HTTP handler of the whole interface.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the route table: every route with the permission it needs.
func (s *Server) Routes() []Route {
	return append([]Route(nil), s.routes...)
}

// buildHandler registers every route, each wrapped in its own middleware
// chain, behind the global ones (outermost first): panic recovery, security
// headers, request metrics (which read the pattern the mux matched). Per
// route: observation (request state, panic recovery, the log line),
// session, CSRF, authorisation, the handler.
func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		mux.Handle(rt.Method+" "+rt.Pattern, s.chain(rt, rt.handler))
	}
	// Everything else is a 404 page, rendered with the visitor's session
	// and language. It is not a Route: it grants nothing.
	notFound := &Route{Method: "", Pattern: "/", Name: "not_found"}
	mux.Handle("/", s.chain(notFound, http.HandlerFunc(s.notFound)))
	return s.recoverer(s.securityHeaders(s.met.http.Wrap(mux)))
}

func (s *Server) chain(rt *Route, h http.Handler) http.Handler {
	h = s.authorise(rt, h)
	h = s.csrf(rt, h)
	if !rt.bare {
		h = s.session(rt, h)
	}
	return s.observe(rt, h)
}
