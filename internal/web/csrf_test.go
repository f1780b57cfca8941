package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestCSRF: a state-changing request without its synchroniser token, with
// another session's token, with a pre-session token, or from another
// origin is refused with 403, logged, and changes nothing.
func TestCSRF(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	admin, apw := e.user("ada.admin", auth.RoleCountryAdmin, "SE")
	adminTok := e.enrol(admin.Username, apw)
	other, opw := e.user("otto.other", auth.RoleOfficer, "SE")
	otherTok := e.enrol(other.Username, opw)
	victim, _ := e.user("vic.officer", auth.RoleOfficer, "SE")
	pre := newPre()

	disable := "/admin/users/" + strconv.FormatInt(victim.ID, 10) + "/disable"
	for _, tc := range []struct {
		name   string
		r      req
		reason string
	}{
		{"missing token", req{method: "POST", path: disable, session: adminTok, noCSRF: true}, "missing token"},
		{"empty token", req{method: "POST", path: disable, session: adminTok, form: url.Values{"csrf": {""}}, noCSRF: true}, "missing token"},
		{"garbage token", req{method: "POST", path: disable, session: adminTok, form: url.Values{"csrf": {"xyz"}}}, "wrong token"},
		{"another session's token", req{method: "POST", path: disable, session: adminTok, form: url.Values{"csrf": {e.csrfFor(otherTok, "")}}}, "wrong token"},
		{"pre-session token with a session", req{method: "POST", path: disable, session: adminTok, pre: pre, form: url.Values{"csrf": {e.csrfFor("", pre)}}}, "wrong token"},
		{"token in the query string only", req{method: "POST", path: disable + "?csrf=" + url.QueryEscape(e.csrfFor(adminTok, "")), session: adminTok, noCSRF: true}, "missing token"},
		{"cross-site fetch metadata", req{method: "POST", path: disable, session: adminTok, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}}, "cross-origin request"},
		{"foreign Origin", req{method: "POST", path: disable, session: adminTok, header: http.Header{"Origin": {"https://evil.example"}}}, "cross-origin request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(h, tc.r)
			if rec.Code != http.StatusForbidden {
				t.Fatalf("status %d, want 403", rec.Code)
			}
			if !strings.Contains(rec.Body.String(), "Not allowed") {
				t.Error("the 403 page was not rendered")
			}
			if !strings.Contains(e.logs.String(), `"reason":"`+tc.reason+`"`) {
				t.Errorf("the refusal was not logged with reason %q", tc.reason)
			}
			u, err := e.auth.User(ctx, auth.SystemActor, victim.ID)
			if err != nil || u.Disabled {
				t.Fatalf("the victim's account changed: disabled=%v err=%v", u != nil && u.Disabled, err)
			}
		})
	}

	// The same request with the right token works: the refusals above
	// were the token's doing.
	rec := e.do(h, req{method: "POST", path: disable, session: adminTok})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("with its token: status %d, want 303", rec.Code)
	}
	if u, _ := e.auth.User(ctx, auth.SystemActor, victim.ID); !u.Disabled {
		t.Fatal("the account was not disabled with a valid token")
	}

	// Sign-in too is protected (login CSRF): no pre-session cookie, or a
	// token of another pre-session, is refused before the password is checked.
	for _, r := range []req{
		{method: "POST", path: "/signin", form: url.Values{"username": {other.Username}, "password": {opw}}},
		{method: "POST", path: "/signin", pre: pre, form: url.Values{"username": {other.Username}, "password": {opw}, "csrf": {e.csrfFor("", strings.Repeat("B", 43))}}},
	} {
		if rec := e.do(h, r); rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
			t.Errorf("sign-in without a valid pre-session token: status %d, cookies %q", rec.Code, rec.Header().Get("Set-Cookie"))
		}
	}
	if rec := e.do(h, req{method: "POST", path: "/signin", pre: pre, form: url.Values{"username": {other.Username}, "password": {opw}}}); rec.Code != http.StatusSeeOther {
		t.Errorf("sign-in with its pre-session token: status %d", rec.Code)
	}

	// The language setting (a POST on one's own account) likewise.
	rec = e.do(h, req{method: "POST", path: "/account/language", session: otherTok, noCSRF: true, form: url.Values{"language": {"pl"}}})
	if rec.Code != http.StatusForbidden {
		t.Fatalf("language without token: %d", rec.Code)
	}
	if p := e.principal(otherTok); p.User.Language != "" {
		t.Fatalf("language changed to %q without a token", p.User.Language)
	}
}

// TestFormBodyLimit: an oversized form is refused before it is parsed.
func TestFormBodyLimit(t *testing.T) {
	e := newTestEnv(t)
	pre := newPre()
	rec := e.do(e.srv.Handler(), req{method: "POST", path: "/signin", pre: pre,
		form: url.Values{"username": {strings.Repeat("a", maxFormBytes)}}})
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
}
