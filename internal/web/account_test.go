package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// TestAccount: change of password (errors on the right fields, values of
// password fields never sent back), new recovery codes after a TOTP code,
// and sign-out everywhere.
func TestAccount(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ctx := context.Background()
	u, pw := e.user("acc.user", auth.RoleSupervisor, "SE")
	tok := e.enrol(u.Username, pw)
	other := e.signInAgainKeepFactor(u.Username, pw)

	body := e.do(h, req{method: "GET", path: "/account", session: tok}).Body.String()
	for _, want := range []string{"acc.user", "Test acc.user", "NCP supervisor", `<label for="new_password">`, `autocomplete="new-password"`} {
		if !strings.Contains(body, want) {
			t.Errorf("account page lacks %s", want)
		}
	}

	for _, tc := range []struct {
		name           string
		current, n, c  string
		status         int
		field, message string
	}{
		{"short", pw, "short", "short", 422, "new_password", "at least 12 characters"},
		{"mismatch", pw, "lilac tundra vessel ember", "lilac tundra vessel embers", 422, "confirm_password", "not the same"},
		{"common", pw, "password1234", "password1234", 422, "new_password", "too common"},
		{"wrong current", "not my password", "lilac tundra vessel ember", "lilac tundra vessel ember", 401, "current_password", "not correct"},
	} {
		rec := e.do(h, req{method: "POST", path: "/account/password", session: tok, form: url.Values{
			"current_password": {tc.current}, "new_password": {tc.n}, "confirm_password": {tc.c},
		}})
		b := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(b, `id="`+tc.field+`-error"`) || !strings.Contains(b, tc.message) {
			t.Errorf("%s: %d, want %d with an error on %s", tc.name, rec.Code, tc.status, tc.field)
		}
		if strings.Contains(b, tc.n) && len(tc.n) > 5 || strings.Contains(b, `value="`+tc.current+`"`) {
			t.Errorf("%s: a password was sent back", tc.name)
		}
	}

	rec := e.do(h, req{method: "POST", path: "/account/password", session: tok, form: url.Values{
		"current_password": {pw}, "new_password": {"lilac tundra vessel ember"}, "confirm_password": {"lilac tundra vessel ember"},
	}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account?done=password" {
		t.Fatalf("change password: %d", rec.Code)
	}
	if rec := e.do(h, req{method: "GET", path: "/", session: tok}); rec.Code != 200 {
		t.Fatal("the session that changed the password ended")
	}
	if rec := e.do(h, req{method: "GET", path: "/", session: other}); rec.Code != http.StatusSeeOther {
		t.Fatal("the other session survived the password change")
	}
	if _, _, err := e.auth.SignIn(ctx, u.Username, "lilac tundra vessel ember", "test"); err != nil {
		t.Fatalf("new password: %v", err)
	}

	// New recovery codes need a valid authenticator code.
	rec = e.do(h, req{method: "POST", path: "/account/recovery-codes", session: tok, form: url.Values{"recovery_code": {wrongCode(t, e.secrets[u.Username], e.clock.Now())}}})
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `id="recovery_code-error"`) {
		t.Fatalf("wrong code: %d", rec.Code)
	}
	rec = e.do(h, req{method: "POST", path: "/account/recovery-codes", session: tok, form: url.Values{"recovery_code": {e.code(u.Username)}}})
	if rec.Code != 200 || len(recoveryRE.FindAllString(rec.Body.String(), -1)) != auth.RecoveryCodeCount {
		t.Fatalf("new recovery codes: %d", rec.Code)
	}

	// Sign out everywhere.
	second := e.signInAgainKeepFactor(u.Username, "lilac tundra vessel ember")
	rec = e.do(h, req{method: "POST", path: "/account/sessions", session: tok})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin?all=1" {
		t.Fatalf("sign out everywhere: %d", rec.Code)
	}
	for _, s := range []string{tok, second} {
		if rec := e.do(h, req{method: "GET", path: "/", session: s}); rec.Code != http.StatusSeeOther {
			t.Fatal("a session survived signing out everywhere")
		}
	}
}

// signInAgainKeepFactor signs an enrolled user in once more (another
// device) with a fresh TOTP code.
func (e *testEnv) signInAgainKeepFactor(username, password string) string {
	e.t.Helper()
	ctx := context.Background()
	tok, sess, err := e.auth.SignIn(ctx, username, password, "test")
	if err != nil || sess.Stage != auth.StageSecondFactor {
		e.t.Fatalf("sign in: %v", err)
	}
	full, err := e.auth.VerifySecondFactor(ctx, e.principal(tok), e.code(username), "test")
	if err != nil {
		e.t.Fatalf("second factor: %v", err)
	}
	return full
}
