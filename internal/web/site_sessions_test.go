package web

import (
	"net/http/httptest"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestSiteSessions: the site's editors are this server's fully signed-in
// users, with the role they hold here; anything less is nobody.
func TestSiteSessions(t *testing.T) {
	e := newTestEnv(t)
	ss := e.srv.SiteSessions()
	u, pw := e.user("site.editor", auth.RoleSiteEditor, "SE")
	tok := e.enrol(u.Username, pw)

	r := httptest.NewRequest("GET", "/en/edit/", nil)
	r.AddCookie(newCookie(sessionCookie, tok))
	ed, ok := ss.Editor(r)
	if !ok || ed.Actor.UserID != u.ID || ed.Actor.Role != auth.RoleSiteEditor || ed.Name != u.DisplayName || ed.Actor.Addr == "" {
		t.Fatalf("Editor = %+v, %v", ed, ok)
	}
	csrf := ss.CSRFToken(r)
	if csrf == "" || csrf != e.srv.tokenFor(&reqState{token: tok}) {
		t.Error("the site's CSRF token is not the session's")
	}

	for name, cookie := range map[string]string{"none": "", "forged": "not-a-session-token"} {
		r := httptest.NewRequest("GET", "/en/edit/", nil)
		if cookie != "" {
			r.AddCookie(newCookie(sessionCookie, cookie))
		}
		if _, ok := ss.Editor(r); ok {
			t.Errorf("%s: an editor without a session", name)
		}
		if cookie == "" && ss.CSRFToken(r) != "" {
			t.Error("a CSRF token without a session")
		}
	}
	// Password given, second factor pending: not an editor yet.
	tok2, sess, err := e.auth.SignIn(r.Context(), u.Username, pw, "test")
	if err != nil || sess.Stage != auth.StageSecondFactor {
		t.Fatalf("second sign-in: %v", err)
	}
	r = httptest.NewRequest("GET", "/en/edit/", nil)
	r.AddCookie(newCookie(sessionCookie, tok2))
	if _, ok := ss.Editor(r); ok {
		t.Error("a session without its second factor is an editor")
	}
}
