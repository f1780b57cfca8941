package auth_test

import (
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestChangePassword(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("pia.z", auth.RoleSupervisor, "FI")
		tok, secret, _ := f.enrol("pia.z", pw, "a")
		other := f.signIn("pia.z", pw, secret, "b")
		p := f.principal(tok)
		const next = "lindens over the quiet tram"
		tests := []struct {
			name, current, next string
			code                errs.Code
			field               string
		}{
			{"wrong current", pw + "x", next, errs.Unauthorized, auth.FieldCurrentPassword},
			{"too short", pw, "short", errs.Invalid, auth.FieldPassword},
			{"common", pw, "iloveyou2024!", errs.Invalid, auth.FieldPassword},
			{"contains username", pw, "my name is pia.z, hello", errs.Invalid, auth.FieldPassword},
			{"unchanged", pw, pw, errs.Invalid, auth.FieldPassword},
			{"ok", pw, next, "", ""},
		}
		for _, tc := range tests {
			err := f.svc.ChangePassword(f.ctx, p, tc.current, tc.next, "a")
			if errs.CodeOf(err) != tc.code || errs.FieldOf(err) != tc.field {
				t.Fatalf("%s: %v (field %q), want %q on %q", tc.name, err, errs.FieldOf(err), tc.code, tc.field)
			}
		}
		// This session continues under its token; the other one ended.
		if _, err := f.svc.Authenticate(f.ctx, tok); err != nil {
			t.Fatalf("the changing session ended: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, other); err == nil {
			t.Fatal("another session survived the password change")
		}
		_, _, err := f.svc.SignIn(f.ctx, "pia.z", pw, "a")
		wantCode(t, "old password", err, errs.Unauthorized)
		f.principal(f.signIn("pia.z", next, secret, "a"))
		// The principal was updated in place: sign-out still finds it.
		if err := f.svc.SignOut(f.ctx, p, "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok); err == nil {
			t.Fatal("signed out, yet the token works")
		}
		e := f.actions("auth.password_change")
		if len(e) != 2 || e[0].Outcome != "failed" || e[1].Outcome != "ok" || e[1].Detail != "other_sessions_ended=1" {
			t.Fatalf("password_change records: %+v", e)
		}
	})
}

func TestAccountActsNeedFullSession(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("quinn.a", auth.RoleOfficer, "SE")
		_, secret, _ := f.enrol("quinn.a", pw, "a")
		f.clk.Add(auth.TOTPPeriod * time.Second)
		tok, _, _ := f.svc.SignIn(f.ctx, "quinn.a", pw, "a")
		p := f.principal(tok)
		wantCode(t, "ChangePassword", f.svc.ChangePassword(f.ctx, p, pw, "a long new passphrase here", "a"), errs.Forbidden)
		wantCode(t, "SetLanguage", f.svc.SetLanguage(f.ctx, p, "et"), errs.Forbidden)
		_, err := f.svc.SignOutEverywhere(f.ctx, p, "a")
		wantCode(t, "SignOutEverywhere", err, errs.Forbidden)
		_, err = f.svc.RegenerateRecoveryCodes(f.ctx, p, f.code(secret), "a")
		wantCode(t, "RegenerateRecoveryCodes", err, errs.Forbidden)
		_, err = f.svc.BeginEnrolment(f.ctx, p)
		wantCode(t, "BeginEnrolment when enrolled", err, errs.Conflict)
		// Signing out of a pending session is allowed.
		if err := f.svc.SignOut(f.ctx, p, "a"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSetLanguage(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("rita.b", auth.RoleOfficer, "EE")
		tok, _, _ := f.enrol("rita.b", pw, "a")
		p := f.principal(tok)
		for lang, want := range map[string]errs.Code{"et": "", "pt-BR": "", "sr-Latn": "", "": "", "e": errs.Invalid, "english please": errs.Invalid, "<script>": errs.Invalid} {
			wantCode(t, "SetLanguage "+lang, f.svc.SetLanguage(f.ctx, p, lang), want)
		}
		wantCode(t, "SetLanguage et", f.svc.SetLanguage(f.ctx, p, "et"), "")
		if got := f.principal(tok).User.Language; got != "et" {
			t.Fatalf("language %q, want et", got)
		}
		e := f.actions("user.language")
		if len(e) == 0 || e[0].Target != "user:"+itoa(p.User.ID) || e[0].Detail != "" {
			t.Fatalf("user.language records: %+v", e)
		}
	})
}
