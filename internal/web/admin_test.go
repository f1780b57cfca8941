package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

var enrolLinkRE = regexp.MustCompile(`id="enrol-link">https?://[^/<]+/welcome/([^<]+)<`)

// welcome opens the enrolment link shown in body as the new user would,
// chooses a password there and returns it (issue 10 H2: the administrator
// never sees it).
func (e *testEnv) welcome(h http.Handler, body string) string {
	e.t.Helper()
	m := enrolLinkRE.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no enrolment link shown:\n%s", body)
	}
	pre := newPre()
	if rec := e.do(h, req{method: "GET", path: "/welcome/" + m[1], pre: pre}); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="token"`) {
		e.t.Fatalf("welcome page: %d", rec.Code)
	}
	pw := "chosen by the user " + m[1][:8]
	rec := e.do(h, req{method: "POST", path: "/welcome", pre: pre, form: url.Values{"token": {m[1]}, "new_password": {pw}, "confirm_password": {pw}}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="welcome-done"`) {
		e.t.Fatalf("welcome: %d\n%s", rec.Code, rec.Body.String())
	}
	return pw
}

// TestUserAdministration: a country administrator creates an account (the
// initial password is shown once and works), sees only their country's
// accounts, disables, enables and resets them; form errors keep what was
// typed and are linked from the summary.
func TestUserAdministration(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	admin, apw := e.user("sven.admin", auth.RoleCountryAdmin, "SE")
	tok := e.enrol(admin.Username, apw)
	e.user("lina.officer", auth.RoleOfficer, "LT") // another country
	netadmin, _ := e.user("net.admin", auth.RoleNetworkAdmin, "")

	// Form errors: every field named, values kept, the summary links them.
	rec := e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"Ab"}, "display_name": {""}, "role": {""},
	}})
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", rec.Code)
	}
	for _, want := range []string{`href="#display_name"`, `href="#role"`, `id="display_name-error"`, `aria-describedby="role-error"`, `href="#username"`, "There are 3 problems"} {
		if !strings.Contains(body, want) {
			t.Errorf("invalid form lacks %s", want)
		}
	}
	if !strings.Contains(body, `value="ab"`) {
		t.Error("the form does not keep the typed user name")
	}
	// The service's own validation (a control character in the name).
	rec = e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"anna.berg"}, "display_name": {"Anna\x07Berg"}, "role": {"ncp_officer"},
	}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "The name cannot be used") || !strings.Contains(rec.Body.String(), `value="anna.berg"`) {
		t.Fatalf("service validation: %d", rec.Code)
	}
	// A country administrator may not create another administrator.
	rec = e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"other.admin"}, "display_name": {"Other Admin"}, "role": {"country_admin"},
	}})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "You may not give this role") {
		t.Fatalf("creating an administrator: %d", rec.Code)
	}

	// Create an officer: an enrolment link is shown once, and the user
	// chooses a password there that the administrator never sees.
	rec = e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"nils.officer"}, "display_name": {"Nils Öberg"}, "role": {"ncp_officer"},
	}})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "initial-password") {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	m := []string{"", e.welcome(h, rec.Body.String())}
	if _, sess, err := e.auth.SignIn(ctx, "nils.officer", m[1], "test"); err != nil || sess.Stage != auth.StageEnrol {
		t.Fatalf("the chosen password does not sign in: %v", err)
	}
	// Duplicate user name.
	rec = e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"nils.officer"}, "display_name": {"Nils again"}, "role": {"ncp_officer"},
	}})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "already taken") {
		t.Fatalf("duplicate: %d", rec.Code)
	}

	// The list: own country only, filters.
	body = e.do(h, req{method: "GET", path: "/admin/users", session: tok}).Body.String()
	if !strings.Contains(body, "nils.officer") || strings.Contains(body, "lina.officer") || strings.Contains(body, "net.admin") {
		t.Fatal("the list is not scoped to the administrator's country")
	}
	users, _ := e.auth.ListUsers(ctx, auth.SystemActor, auth.UserFilter{})
	var nils *auth.User
	for _, u := range users {
		if u.Username == "nils.officer" {
			nils = u
		}
	}
	id := strconv.FormatInt(nils.ID, 10)

	// Another country's account, or the network administrator's: not found.
	if rec := e.do(h, req{method: "GET", path: "/admin/users/" + strconv.FormatInt(netadmin.ID, 10), session: tok}); rec.Code != http.StatusNotFound {
		t.Fatalf("network administrator's page: %d", rec.Code)
	}
	if rec := e.do(h, req{method: "GET", path: "/admin/users/abc", session: tok}); rec.Code != http.StatusNotFound {
		t.Fatalf("malformed id: %d", rec.Code)
	}
	// Nobody disables themselves here.
	rec = e.do(h, req{method: "POST", path: "/admin/users/" + strconv.FormatInt(admin.ID, 10) + "/disable", session: tok})
	if rec.Code < 400 {
		t.Fatalf("self-disable: %d", rec.Code)
	}

	// Disable: the account's sessions end and it cannot sign in.
	nilsTok := e.enrol("nils.officer", m[1])
	rec = e.do(h, req{method: "POST", path: "/admin/users/" + id + "/disable", session: tok})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/users/"+id+"?done=disabled" {
		t.Fatalf("disable: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := e.do(h, req{method: "GET", path: "/", session: nilsTok}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a disabled user's session still works: %d", rec.Code)
	}
	body = e.do(h, req{method: "GET", path: "/admin/users/" + id + "?done=disabled", session: tok}).Body.String()
	if !strings.Contains(body, "The account has been disabled.") || !strings.Contains(body, `action="/admin/users/`+id+`/enable"`) {
		t.Fatal("the user page does not show the disabled account")
	}
	body = e.do(h, req{method: "GET", path: "/admin/users?status=disabled", session: tok}).Body.String()
	if !strings.Contains(body, ">nils.officer</a>") || strings.Contains(body, ">sven.admin</a>") {
		t.Fatal("status filter")
	}
	if rec := e.do(h, req{method: "POST", path: "/admin/users/" + id + "/enable", session: tok}); rec.Code != http.StatusSeeOther {
		t.Fatalf("enable: %d", rec.Code)
	}

	// Reset the second factor, then the password (shown once, works).
	if rec := e.do(h, req{method: "POST", path: "/admin/users/" + id + "/second-factor", session: tok}); rec.Code != http.StatusSeeOther {
		t.Fatalf("reset second factor: %d", rec.Code)
	}
	if u, _ := e.auth.User(ctx, auth.SystemActor, nils.ID); u.TOTPEnrolled {
		t.Fatal("second factor still enrolled")
	}
	rec = e.do(h, req{method: "POST", path: "/admin/users/" + id + "/password", session: tok})
	if rec.Code != 200 {
		t.Fatalf("reset password: %d", rec.Code)
	}
	m2 := []string{"", e.welcome(h, rec.Body.String())}
	if _, _, err := e.auth.SignIn(ctx, "nils.officer", m[1], "test"); err == nil {
		t.Fatal("the old password still works")
	}
	if _, _, err := e.auth.SignIn(ctx, "nils.officer", m2[1], "test"); err != nil {
		t.Fatalf("the new password does not work: %v", err)
	}
}

// TestNetworkAdministrator: sees every country, may filter by country and
// must give a country to country accounts.
func TestNetworkAdministrator(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	na, pw := e.user("net.admin", auth.RoleNetworkAdmin, "")
	tok := e.enrol(na.Username, pw)
	e.user("lt.officer", auth.RoleOfficer, "LT")
	e.user("se.officer", auth.RoleOfficer, "SE")

	body := e.do(h, req{method: "GET", path: "/admin/users?country=lt", session: tok}).Body.String()
	if !strings.Contains(body, "lt.officer") || strings.Contains(body, "se.officer") {
		t.Fatal("country filter")
	}
	if rec := e.do(h, req{method: "GET", path: "/admin/users?country=Lithuania", session: tok}); !strings.Contains(rec.Body.String(), "Enter a two-letter country code") {
		t.Fatal("an invalid country filter is not reported")
	}
	rec := e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"pl.admin"}, "display_name": {"Piotr"}, "role": {"country_admin"}, "country": {""},
	}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="country-error"`) {
		t.Fatalf("country admin without a country: %d", rec.Code)
	}
	rec = e.do(h, req{method: "POST", path: "/admin/users", session: tok, form: url.Values{
		"username": {"pl.admin"}, "display_name": {"Piotr"}, "role": {"country_admin"}, "country": {"pl"},
	}})
	if rec.Code != 200 || !enrolLinkRE.MatchString(rec.Body.String()) || !strings.Contains(rec.Body.String(), `id="secret-pending"`) {
		t.Fatalf("create country admin: %d", rec.Code)
	}
}

// TestApprovalBySecondAdministrator: an auditor created by one network
// administrator cannot sign in until another approves it on its page; the
// creator's own approval is refused; all of it is in the audit log.
func TestApprovalBySecondAdministrator(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	n1, pw1 := e.user("net.one", auth.RoleNetworkAdmin, "")
	tok1 := e.enrol(n1.Username, pw1)
	n2, pw2 := e.user("net.two", auth.RoleNetworkAdmin, "")
	tok2 := e.enrol(n2.Username, pw2)
	rec := e.do(h, req{method: "POST", path: "/admin/users", session: tok1, form: url.Values{
		"username": {"se.auditor"}, "display_name": {"Sara"}, "role": {"auditor"}, "country": {"SE"}}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="secret-pending"`) {
		t.Fatalf("create auditor: %d", rec.Code)
	}
	pw := e.welcome(h, rec.Body.String())
	if _, _, err := e.auth.SignIn(ctx, "se.auditor", pw, "x"); err == nil {
		t.Fatal("a pending auditor signs in")
	}
	users, _ := e.auth.ListUsers(ctx, auth.SystemActor, auth.UserFilter{Role: auth.RoleAuditor})
	path := "/admin/users/" + strconv.FormatInt(users[0].ID, 10)
	if body := e.do(h, req{method: "GET", path: path, session: tok1}).Body.String(); !strings.Contains(body, `id="user-approve"`) {
		t.Fatalf("no approve button:\n%s", body)
	}
	if rec := e.do(h, req{method: "POST", path: path + "/approve", session: tok1}); rec.Code != http.StatusForbidden {
		t.Fatalf("the creator approves: %d", rec.Code)
	}
	if rec := e.do(h, req{method: "POST", path: path + "/approve", session: tok2}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a second administrator approves: %d", rec.Code)
	}
	if _, _, err := e.auth.SignIn(ctx, "se.auditor", pw, "x"); err != nil {
		t.Fatalf("the approved auditor: %v", err)
	}
	if n := e.countAudit("user.approve", "user:"+strconv.FormatInt(users[0].ID, 10)); n != 1 {
		t.Fatalf("%d user.approve entries", n)
	}
}
