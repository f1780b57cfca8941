package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
)

// expectation is what the route table must say about a route, written out
// here independently of routes.go and of the grants in auth: a route added
// without an entry here, a changed permission, or a role that gains (or
// loses) access fails this test.
type expectation struct {
	perm  auth.Permission
	stage auth.Stage  // "" = StageFull; StageAny; ignored for public routes
	roles []auth.Role // roles that reach the handler with a full session
}

var (
	allRoles    = auth.Roles
	admins      = []auth.Role{auth.RoleCountryAdmin, auth.RoleNetworkAdmin}
	auditors    = []auth.Role{auth.RoleAuditor, auth.RoleNetworkAdmin}
	monitors    = []auth.Role{auth.RoleCountryAdmin, auth.RoleNetworkAdmin}
	publicRoute = expectation{}
	// The case registry: officers and supervisors read and write; only
	// supervisors approve closures. Administrators, auditors and the
	// network administrator see no case.
	caseReaders   = []auth.Role{auth.RoleOfficer, auth.RoleSupervisor}
	caseWriters   = []auth.Role{auth.RoleOfficer, auth.RoleSupervisor}
	caseApprovers = []auth.Role{auth.RoleSupervisor}
	caseExporters = []auth.Role{auth.RoleSupervisor}
)

var expectedRoutes = map[string]expectation{
	"GET /healthz":       publicRoute,
	"GET /readyz":        publicRoute,
	"GET /static/{file}": publicRoute,
	"GET /metrics":       {perm: auth.PermSystemMonitor, roles: monitors},

	"GET /signin":       publicRoute,
	"POST /signin":      publicRoute,
	"GET /signin/code":  {perm: auth.PermAccount, stage: auth.StageSecondFactor},
	"POST /signin/code": {perm: auth.PermAccount, stage: auth.StageSecondFactor},
	"GET /enrol":        {perm: auth.PermAccount, stage: auth.StageEnrol},
	"POST /enrol":       {perm: auth.PermAccount, stage: auth.StageEnrol},
	"POST /signout":     {perm: auth.PermAccount, stage: StageAny, roles: allRoles},

	"GET /{$}":                     {perm: auth.PermAccount, roles: allRoles},
	"GET /account":                 {perm: auth.PermAccount, roles: allRoles},
	"POST /account/password":       {perm: auth.PermAccount, roles: allRoles},
	"POST /account/language":       {perm: auth.PermAccount, roles: allRoles},
	"POST /account/sessions":       {perm: auth.PermAccount, roles: allRoles},
	"POST /account/recovery-codes": {perm: auth.PermAccount, roles: allRoles},

	"GET /admin/users":                     {perm: auth.PermUsersManage, roles: admins},
	"GET /admin/users/new":                 {perm: auth.PermUsersManage, roles: admins},
	"POST /admin/users":                    {perm: auth.PermUsersManage, roles: admins},
	"GET /admin/users/{id}":                {perm: auth.PermUsersManage, roles: admins},
	"POST /admin/users/{id}/disable":       {perm: auth.PermUsersManage, roles: admins},
	"POST /admin/users/{id}/enable":        {perm: auth.PermUsersManage, roles: admins},
	"POST /admin/users/{id}/second-factor": {perm: auth.PermUsersManage, roles: admins},
	"POST /admin/users/{id}/password":      {perm: auth.PermUsersManage, roles: admins},

	"GET /audit": {perm: auth.PermAuditRead, roles: auditors},

	"GET /children":                  {perm: auth.PermCasesRead, roles: caseReaders},
	"GET /children/new":              {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /children":                 {perm: auth.PermCasesWrite, roles: caseWriters},
	"GET /children/{id}":             {perm: auth.PermCasesRead, roles: caseReaders},
	"GET /children/{id}/edit":        {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /children/{id}/edit":       {perm: auth.PermCasesWrite, roles: caseWriters},
	"GET /children/{id}/history":     {perm: auth.PermCasesRead, roles: caseReaders},
	"GET /cases/{id}":                {perm: auth.PermCasesRead, roles: caseReaders},
	"GET /cases/{id}/print":          {perm: auth.PermCasesRead, roles: caseReaders},
	"GET /cases/{id}/edit":           {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/edit":          {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/events":        {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/missing":       {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/found":         {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/close-request": {perm: auth.PermCasesWrite, roles: caseWriters},
	"POST /cases/{id}/close-approve": {perm: auth.PermCasesApprove, roles: caseApprovers},
	"POST /cases/{id}/close-reject":  {perm: auth.PermCasesApprove, roles: caseApprovers},
	"GET /export":                    {perm: auth.PermCasesExport, roles: caseExporters},

	// The hub's network pages: the network administrator only.
	"GET /network/nodes":    {perm: auth.PermNetworkMonitor, roles: []auth.Role{auth.RoleNetworkAdmin}},
	"GET /network/matching": {perm: auth.PermNetworkMonitor, roles: []auth.Role{auth.RoleNetworkAdmin}},
}

// outcome is what the authorisation middleware did with a request.
type outcome string

const (
	reached   outcome = "reached the handler"
	forbidden outcome = "403 page"
	toSignin  outcome = "redirect to /signin"
	toCode    outcome = "redirect to /signin/code"
	toEnrol   outcome = "redirect to /enrol"
	toHome    outcome = "redirect to /"
)

// principalCase is one kind of visitor.
type principalCase struct {
	name    string
	role    auth.Role  // "" for anonymous
	stage   auth.Stage // "" for anonymous
	session string
}

// want computes the expected outcome of a visitor on a route from the
// expectation table.
func (x expectation) want(p principalCase) outcome {
	if x.perm == "" {
		return reached
	}
	if p.session == "" {
		return toSignin
	}
	need := x.stage
	if need == "" {
		need = auth.StageFull
	}
	if need != StageAny && p.stage != need {
		switch p.stage {
		case auth.StageSecondFactor:
			return toCode
		case auth.StageEnrol:
			return toEnrol
		default:
			return toHome
		}
	}
	if need != auth.StageFull {
		return reached // the sign-in steps: any role has PermAccount
	}
	if slices.Contains(x.roles, p.role) {
		return reached
	}
	return forbidden
}

// TestAuthorisationTable runs every route of Routes() against every role at
// StageFull, an anonymous visitor and sessions part-way through sign-in
// (second factor pending, enrolment pending), through the real middleware
// (real sessions, CSRF tokens, auth service), with each handler replaced by
// a probe so that "reached the handler" is unambiguous.
func TestAuthorisationTable(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()

	// Routes() and the expectation table name the same routes with the
	// same permissions.
	seen := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		x, ok := expectedRoutes[key]
		if !ok {
			t.Errorf("route %s (%s) is not in the authorisation table of this test: add it with its expected permission and roles", key, rt.Name)
			continue
		}
		if rt.Permission != x.perm {
			t.Errorf("route %s needs permission %q; the table expects %q", key, rt.Permission, x.perm)
		}
		if rt.Permission != "" && rt.stage() != stageOr(x.stage) {
			t.Errorf("route %s needs stage %q; the table expects %q", key, rt.stage(), stageOr(x.stage))
		}
		if rt.Name == "" {
			t.Errorf("route %s has no name", key)
		}
	}
	for key := range expectedRoutes {
		if !seen[key] {
			t.Errorf("the table expects route %s, which Routes() lacks", key)
		}
	}

	// Visitors: anonymous, each role signed in, and two partial sessions.
	cases := []principalCase{{name: "anonymous"}}
	for _, role := range auth.Roles {
		country := auth.Country("SE")
		if role == auth.RoleNetworkAdmin {
			country = ""
		}
		u, pw := e.user("u_"+string(role), role, country)
		cases = append(cases, principalCase{name: string(role), role: role, stage: auth.StageFull, session: e.enrol(u.Username, pw)})
	}
	// Second factor pending: an enrolled officer signs in again.
	u, pw := e.user("partial_2fa", auth.RoleOfficer, "SE")
	e.enrol(u.Username, pw)
	tok, sess, err := e.auth.SignIn(ctx, u.Username, pw, "test")
	if err != nil || sess.Stage != auth.StageSecondFactor {
		t.Fatalf("second sign-in: %v", err)
	}
	cases = append(cases, principalCase{name: "second_factor_pending", role: auth.RoleOfficer, stage: auth.StageSecondFactor, session: tok})
	// Enrolment pending: a new supervisor has given their password only.
	u, pw = e.user("partial_enrol", auth.RoleSupervisor, "SE")
	tok, sess, err = e.auth.SignIn(ctx, u.Username, pw, "test")
	if err != nil || sess.Stage != auth.StageEnrol {
		t.Fatalf("first sign-in: %v", err)
	}
	cases = append(cases, principalCase{name: "enrolment_pending", role: auth.RoleSupervisor, stage: auth.StageEnrol, session: tok})

	// The real middleware chain with probe handlers.
	for i := range e.srv.routes {
		name := e.srv.routes[i].Name
		e.srv.routes[i].handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte("probe:" + name))
		})
	}
	h := e.srv.buildHandler()
	pre := newPre()

	forbiddenCount := 0
	for _, rt := range e.srv.Routes() {
		x, ok := expectedRoutes[rt.Method+" "+rt.Pattern]
		if !ok {
			continue
		}
		path := strings.NewReplacer("{$}", "", "{id}", "1", "{file}", "style.css").Replace(rt.Pattern)
		for _, pc := range cases {
			want := x.want(pc)
			if want == forbidden {
				forbiddenCount++
			}
			t.Run(rt.Method+" "+rt.Pattern+"/"+pc.name, func(t *testing.T) {
				rec := e.do(h, req{method: rt.Method, path: path, session: pc.session, pre: pre})
				if got := classify(rec); got != want {
					t.Errorf("got %s (status %d, Location %q), want %s", got, rec.Code, rec.Header().Get("Location"), want)
				}
			})
		}
	}

	// Every refusal of a signed-in user is in the audit log.
	entries, n, err := e.db.ListAudit(ctx, audit.Filter{Action: audit.ActAccessDenied, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n != forbiddenCount || forbiddenCount == 0 {
		t.Fatalf("%d auth.denied audit entries, want %d", n, forbiddenCount)
	}
	if r := entries[0].Record; r.Outcome != "denied" || !strings.HasPrefix(r.Target, "route:") || !strings.HasPrefix(r.Actor, "user:") || r.Addr == "" {
		t.Fatalf("auth.denied entry %+v", r)
	}
}

func stageOr(s auth.Stage) auth.Stage {
	if s == "" {
		return auth.StageFull
	}
	return s
}

// classify names what the middleware did with a request.
func classify(rec interface {
	Result() *http.Response
}) outcome {
	res := rec.Result()
	loc := res.Header.Get("Location")
	switch {
	case res.StatusCode == http.StatusTeapot:
		return reached
	case res.StatusCode == http.StatusForbidden:
		return forbidden
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/signin/code"):
		return toCode
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/signin"):
		return toSignin
	case res.StatusCode == http.StatusSeeOther && loc == "/enrol":
		return toEnrol
	case res.StatusCode == http.StatusSeeOther && loc == "/":
		return toHome
	}
	return outcome("unexpected status " + res.Status + " Location " + loc)
}

// TestMetricsLoopbackExemption: /metrics is open without a session to a
// scraper on the same host, and only to it: not to a remote peer, not
// through the trusted proxy, not with forwarding headers.
func TestMetricsLoopbackExemption(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.TrustedProxy = "127.0.0.2" })
	h := e.srv.Handler()
	for _, tc := range []struct {
		name   string
		peer   string
		header http.Header
		want   int
	}{
		{"loopback v4", "127.0.0.1:5000", nil, http.StatusOK},
		{"loopback v6", "[::1]:5000", nil, http.StatusOK},
		{"remote", "192.0.2.10:5000", nil, http.StatusSeeOther},
		{"through the trusted proxy", "127.0.0.2:5000", http.Header{"X-Forwarded-For": {"198.51.100.7"}}, http.StatusSeeOther},
		{"loopback with forwarding header", "127.0.0.1:5000", http.Header{"X-Forwarded-For": {"198.51.100.7"}}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(h, req{method: "GET", path: "/metrics", peer: tc.peer, header: tc.header})
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
