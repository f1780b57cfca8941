package web

import (
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Route is one entry of the route table. Every route names the permission
// it needs; the authorisation middleware enforces it, so a handler cannot
// forget to.
type Route struct {
	Method     string          // GET or POST
	Pattern    string          // http.ServeMux pattern without the method
	Permission auth.Permission // "" = public: no session needed
	Name       string          // stable name, used in logs and metrics

	// Stage is the session stage the route needs; empty means StageFull.
	// StageAny (sign-out) admits a session at any stage. Public routes
	// ignore it.
	Stage auth.Stage
	// Loopback admits requests from a loopback peer that did not come
	// through the trusted proxy, without a session (the /metrics scraper
	// on the same host).
	Loopback bool
	// Upload, when set, admits a multipart/form-data body with one file of
	// at most Upload() bytes (beside the form's own fields); the CSRF
	// check reads the token from it. The file stays in memory, never in
	// a temporary file on disk.
	Upload func() int64
	// TooLarge, when set, records an upload refused as too large (413)
	// before the page answers.
	TooLarge func(r *http.Request)

	// bare routes (probes, static files) skip the session lookup: they
	// render no page and must not refresh a session's idle timer.
	bare    bool
	handler http.Handler
}

// StageAny is the Route.Stage of routes open to a session at any stage.
const StageAny auth.Stage = "any"

// stage returns the stage the route needs.
func (rt *Route) stage() auth.Stage {
	if rt.Stage == "" {
		return auth.StageFull
	}
	return rt.Stage
}

// routeTable is the one table of routes. Keep it in step with the expected
// outcomes in authz_test.go, which fails for any route it does not know.
func (s *Server) routeTable() []Route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []Route{
		// Operations and assets: public.
		{Method: "GET", Pattern: "/healthz", Name: "healthz", bare: true, handler: h(s.healthz)},
		{Method: "GET", Pattern: "/readyz", Name: "readyz", bare: true, handler: h(s.readyz)},
		{Method: "GET", Pattern: "/static/{file}", Name: "static", bare: true, handler: h(s.serveStatic)},
		{Method: "GET", Pattern: "/metrics", Name: "metrics", Permission: auth.PermSystemMonitor, Loopback: true, handler: h(s.metrics)},

		// Sign-in flow.
		{Method: "GET", Pattern: "/signin", Name: "signin", handler: h(s.signinPage)},
		{Method: "POST", Pattern: "/signin", Name: "signin_submit", handler: h(s.signinSubmit)},
		{Method: "GET", Pattern: "/signin/code", Name: "code", Permission: auth.PermAccount, Stage: auth.StageSecondFactor, handler: h(s.codePage)},
		{Method: "POST", Pattern: "/signin/code", Name: "code_submit", Permission: auth.PermAccount, Stage: auth.StageSecondFactor, handler: h(s.codeSubmit)},
		{Method: "GET", Pattern: "/enrol", Name: "enrol", Permission: auth.PermAccount, Stage: auth.StageEnrol, handler: h(s.enrolPage)},
		{Method: "POST", Pattern: "/enrol", Name: "enrol_submit", Permission: auth.PermAccount, Stage: auth.StageEnrol, handler: h(s.enrolSubmit)},
		{Method: "POST", Pattern: "/signout", Name: "signout", Permission: auth.PermAccount, Stage: StageAny, handler: h(s.signout)},
		{Method: "GET", Pattern: "/welcome/{token}", Name: "welcome", handler: h(s.welcomePage)},
		{Method: "POST", Pattern: "/welcome", Name: "welcome_submit", handler: h(s.welcomeSubmit)},

		// Signed in.
		{Method: "GET", Pattern: "/{$}", Name: "dashboard", Permission: auth.PermAccount, handler: h(s.dashboard)},
		{Method: "GET", Pattern: "/account", Name: "account", Permission: auth.PermAccount, handler: h(s.accountPage)},
		{Method: "POST", Pattern: "/account/password", Name: "account_password", Permission: auth.PermAccount, handler: h(s.accountPassword)},
		{Method: "POST", Pattern: "/account/language", Name: "account_language", Permission: auth.PermAccount, handler: h(s.accountLanguage)},
		{Method: "POST", Pattern: "/account/sessions", Name: "account_signout_everywhere", Permission: auth.PermAccount, handler: h(s.accountSignOutEverywhere)},
		{Method: "POST", Pattern: "/account/recovery-codes", Name: "account_recovery_codes", Permission: auth.PermAccount, handler: h(s.accountRecoveryCodes)},

		// User administration.
		{Method: "GET", Pattern: "/admin/users", Name: "users", Permission: auth.PermUsersManage, handler: h(s.usersPage)},
		{Method: "GET", Pattern: "/admin/users/new", Name: "user_new", Permission: auth.PermUsersManage, handler: h(s.userNewPage)},
		{Method: "POST", Pattern: "/admin/users", Name: "user_create", Permission: auth.PermUsersManage, handler: h(s.userCreate)},
		{Method: "GET", Pattern: "/admin/users/{id}", Name: "user", Permission: auth.PermUsersManage, handler: h(s.userPage)},
		{Method: "POST", Pattern: "/admin/users/{id}/disable", Name: "user_disable", Permission: auth.PermUsersManage, handler: h(s.userDisable)},
		{Method: "POST", Pattern: "/admin/users/{id}/enable", Name: "user_enable", Permission: auth.PermUsersManage, handler: h(s.userEnable)},
		{Method: "POST", Pattern: "/admin/users/{id}/second-factor", Name: "user_reset_second_factor", Permission: auth.PermUsersManage, handler: h(s.userResetSecondFactor)},
		{Method: "POST", Pattern: "/admin/users/{id}/password", Name: "user_reset_password", Permission: auth.PermUsersManage, handler: h(s.userResetPassword)},
		{Method: "POST", Pattern: "/admin/users/{id}/approve", Name: "user_approve", Permission: auth.PermUsersManage, handler: h(s.userApprove)},

		// Audit log.
		{Method: "GET", Pattern: "/audit", Name: "audit", Permission: auth.PermAuditRead, handler: h(s.auditPage)},
		{Method: "GET", Pattern: "/audit/{seq}", Name: "audit_entry", Permission: auth.PermAuditRead, handler: h(s.auditEntryPage)},

		// Case registry: children.
		{Method: "GET", Pattern: "/children", Name: "children", Permission: auth.PermCasesRead, handler: h(s.childrenPage)},
		{Method: "POST", Pattern: "/children/search", Name: "children_search", Permission: auth.PermCasesRead, handler: h(s.childrenPage)},
		{Method: "GET", Pattern: "/children/new", Name: "child_new", Permission: auth.PermCasesWrite, handler: h(s.registerPage)},
		{Method: "POST", Pattern: "/children", Name: "child_register", Permission: auth.PermCasesWrite, handler: h(s.registerSubmit)},
		{Method: "GET", Pattern: "/children/{id}", Name: "child", Permission: auth.PermCasesRead, handler: h(s.childPage)},
		{Method: "GET", Pattern: "/children/{id}/edit", Name: "child_edit", Permission: auth.PermCasesWrite, handler: h(s.childEditPage)},
		{Method: "POST", Pattern: "/children/{id}/edit", Name: "child_update", Permission: auth.PermCasesWrite, handler: h(s.childEditSubmit)},
		{Method: "GET", Pattern: "/children/{id}/history", Name: "child_history", Permission: auth.PermCasesRead, handler: h(s.childHistoryPage)},

		// Case registry: cases.
		{Method: "GET", Pattern: "/cases/{id}", Name: "case", Permission: auth.PermCasesRead, handler: h(s.casePage)},
		{Method: "GET", Pattern: "/cases/{id}/print", Name: "case_print", Permission: auth.PermCasesRead, handler: h(s.casePrintPage)},
		{Method: "GET", Pattern: "/cases/{id}/edit", Name: "case_edit", Permission: auth.PermCasesWrite, handler: h(s.caseEditPage)},
		{Method: "POST", Pattern: "/cases/{id}/edit", Name: "case_update", Permission: auth.PermCasesWrite, handler: h(s.caseEditSubmit)},
		{Method: "POST", Pattern: "/cases/{id}/events", Name: "case_event", Permission: auth.PermCasesWrite, handler: h(s.caseEvent)},
		{Method: "POST", Pattern: "/cases/{id}/missing", Name: "case_missing", Permission: auth.PermCasesWrite, handler: h(s.caseMissing)},
		{Method: "POST", Pattern: "/cases/{id}/found", Name: "case_found", Permission: auth.PermCasesWrite, handler: h(s.caseFound)},
		{Method: "POST", Pattern: "/cases/{id}/close-request", Name: "case_close_request", Permission: auth.PermCasesWrite, handler: h(s.caseCloseRequest)},
		{Method: "POST", Pattern: "/cases/{id}/close-approve", Name: "case_close_approve", Permission: auth.PermCasesApprove, handler: h(s.caseCloseApprove)},
		{Method: "GET", Pattern: "/export", Name: "export", Permission: auth.PermCasesExport, handler: h(s.export)},
		{Method: "POST", Pattern: "/cases/{id}/close-reject", Name: "case_close_reject", Permission: auth.PermCasesApprove, handler: h(s.caseCloseReject)},

		// National figures (handlers_stats.go).
		{Method: "GET", Pattern: "/statistics", Name: "statistics", Permission: auth.PermCasesRead, handler: h(s.statsPage)},
		{Method: "GET", Pattern: "/statistics/national.csv", Name: "statistics_csv", Permission: auth.PermCasesRead, handler: h(s.statsCSV)},
		// The hub's public regional figures (handlers_regional.go).
		{Method: "GET", Pattern: "/statistics/regional", Name: "regional", handler: h(s.regionalPage)},
		{Method: "GET", Pattern: "/statistics/regional.csv", Name: "regional_csv", bare: true, handler: h(s.regionalCSV)},
		{Method: "GET", Pattern: "/statistics/regional.json", Name: "regional_json", bare: true, handler: h(s.regionalJSON)},
		{Method: "GET", Pattern: "/statistics/methodology", Name: "methodology", handler: h(s.methodologyPage)},
		// The hub's network pages (handlers_network.go).
		{Method: "GET", Pattern: "/network/nodes", Name: "network_nodes", Permission: auth.PermNetworkMonitor, handler: h(s.networkNodesPage)},
		{Method: "GET", Pattern: "/network/matching", Name: "network_matching", Permission: auth.PermNetworkMonitor, handler: h(s.networkMatchingPage)},
	}
}
