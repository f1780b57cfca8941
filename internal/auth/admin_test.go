package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// staff is one account of each kind in two countries, plus actors for them.
type staff struct {
	netAdmin, netAdmin2, seAdmin, seAdmin2, ltAdmin, seOfficer, seAuditor, ltOfficer *auth.User
}

func (f *fixture) staff() staff {
	mk := func(n string, r auth.Role, c auth.Country) *auth.User { u, _ := f.user(n, r, c); return u }
	return staff{
		netAdmin:  mk("net.admin", auth.RoleNetworkAdmin, ""),
		netAdmin2: mk("net.admin2", auth.RoleNetworkAdmin, ""),
		seAdmin:   mk("se.admin", auth.RoleCountryAdmin, "SE"),
		seAdmin2:  mk("se.admin2", auth.RoleCountryAdmin, "SE"),
		ltAdmin:   mk("lt.admin", auth.RoleCountryAdmin, "LT"),
		seOfficer: mk("se.officer", auth.RoleOfficer, "SE"),
		seAuditor: mk("se.auditor", auth.RoleAuditor, "SE"),
		ltOfficer: mk("lt.officer", auth.RoleOfficer, "LT"),
	}
}

func actor(u *auth.User) auth.Actor {
	return auth.Actor{UserID: u.ID, Role: u.Role, Country: u.Country, Addr: "admin-addr"}
}

func TestAdminScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.staff()
		acts := map[string]func(a auth.Actor, id int64) error{
			"User":              func(a auth.Actor, id int64) error { _, err := f.svc.User(f.ctx, a, id); return err },
			"SetDisabled":       func(a auth.Actor, id int64) error { return f.svc.SetDisabled(f.ctx, a, id, true) },
			"ResetSecondFactor": func(a auth.Actor, id int64) error { return f.svc.ResetSecondFactor(f.ctx, a, id) },
			"ResetPassword":     func(a auth.Actor, id int64) error { _, err := f.svc.ResetPassword(f.ctx, a, id); return err },
		}
		tests := []struct {
			name   string
			actor  auth.Actor
			target *auth.User
			want   errs.Code
			read   errs.Code // for User, when it differs (self-acts are refused, self-reads follow scope)
		}{
			{"country admin, own country officer", actor(s.seAdmin), s.seOfficer, "", ""},
			// Auditors watch the administrators: only the network level
			// manages them (issue 10 H2).
			{"country admin, own country auditor", actor(s.seAdmin), s.seAuditor, errs.NotFound, ""},
			{"network admin, auditor", actor(s.netAdmin), s.seAuditor, "", ""},
			{"country admin, other country", actor(s.seAdmin), s.ltOfficer, errs.NotFound, ""},
			{"country admin, other country admin", actor(s.seAdmin), s.ltAdmin, errs.NotFound, ""},
			{"country admin, peer admin", actor(s.seAdmin), s.seAdmin2, errs.NotFound, ""},
			{"country admin, network admin", actor(s.seAdmin), s.netAdmin, errs.NotFound, ""},
			{"country admin, self", actor(s.seAdmin), s.seAdmin, errs.Forbidden, errs.NotFound},
			{"network admin, country admin", actor(s.netAdmin), s.ltAdmin, "", ""},
			{"network admin, other network admin", actor(s.netAdmin), s.netAdmin2, "", ""},
			{"network admin, self", actor(s.netAdmin), s.netAdmin, errs.Forbidden, "ok"},
			{"officer", actor(s.seOfficer), s.seAuditor, errs.Forbidden, ""},
			{"auditor", actor(s.seAuditor), s.seOfficer, errs.Forbidden, ""},
			{"system", auth.SystemActor, s.netAdmin, "", ""},
			{"unknown user", auth.SystemActor, &auth.User{ID: 424242}, errs.NotFound, ""},
		}
		for _, tc := range tests {
			for name, act := range acts {
				want := tc.want
				if name == "User" && tc.read != "" {
					want = tc.read
					if want == "ok" {
						want = ""
					}
				}
				if err := act(tc.actor, tc.target.ID); errs.CodeOf(err) != want {
					t.Errorf("%s: %s = %v, want %q", tc.name, name, err, want)
				}
				if name == "SetDisabled" && want == "" {
					// undo, so that later cases find the target enabled
					if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, tc.target.ID, false); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}

func TestCreateUserScope(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		s := f.staff()
		tests := []struct {
			name  string
			actor auth.Actor
			nu    auth.NewUser
			want  errs.Code
		}{
			{"country admin creates own officer", actor(s.seAdmin), auth.NewUser{Username: "user.a1", Role: auth.RoleOfficer, Country: "SE"}, ""},
			{"country admin creates own supervisor", actor(s.seAdmin), auth.NewUser{Username: "user.a2", Role: auth.RoleSupervisor, Country: "SE"}, ""},
			{"country admin creates officer abroad", actor(s.seAdmin), auth.NewUser{Username: "user.a3", Role: auth.RoleOfficer, Country: "LT"}, errs.Forbidden},
			{"country admin creates country admin", actor(s.seAdmin), auth.NewUser{Username: "user.a4", Role: auth.RoleCountryAdmin, Country: "SE"}, errs.Forbidden},
			{"country admin creates network admin", actor(s.seAdmin), auth.NewUser{Username: "user.a5", Role: auth.RoleNetworkAdmin}, errs.Forbidden},
			{"officer creates officer", actor(s.seOfficer), auth.NewUser{Username: "user.a6", Role: auth.RoleOfficer, Country: "SE"}, errs.Forbidden},
			{"network admin creates country admin", actor(s.netAdmin), auth.NewUser{Username: "user.a7", Role: auth.RoleCountryAdmin, Country: "PL"}, ""},
			{"network admin creates network admin", actor(s.netAdmin), auth.NewUser{Username: "user.a8", Role: auth.RoleNetworkAdmin}, ""},
			{"system creates network admin", auth.SystemActor, auth.NewUser{Username: "user.a9", Role: auth.RoleNetworkAdmin}, ""},
		}
		for _, tc := range tests {
			tc.nu.DisplayName = "Someone"
			u, pw, err := f.svc.CreateUser(f.ctx, tc.actor, tc.nu)
			if errs.CodeOf(err) != tc.want {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
				continue
			}
			if err == nil && (u.ID == 0 || len(pw) != auth.GeneratedPasswordLen) {
				t.Errorf("%s: user %d, password of %d characters", tc.name, u.ID, len(pw))
			}
		}
		creates := f.actions("user.create")
		last := creates[len(creates)-1]
		if last.Actor != "system" || last.Detail != "role=network_admin" || last.Country != "" {
			t.Fatalf("last user.create record: %+v", last.Record)
		}
		for _, e := range creates[len(creates)-6:] {
			if e.Action != "user.create" || e.Outcome != "ok" {
				t.Fatalf("record %+v", e.Record)
			}
		}
	})
}

func TestCreateUserValidation(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		f.user("taken", auth.RoleOfficer, "SE")
		tests := []struct {
			name  string
			nu    auth.NewUser
			code  errs.Code
			field string
		}{
			{"lower-cased country accepted", auth.NewUser{Username: "ok.one", Role: auth.RoleOfficer, Country: "se"}, "", ""},
			{"upper-case username folded", auth.NewUser{Username: "OK.Two", Role: auth.RoleOfficer, Country: "SE"}, "", ""},
			{"own password", auth.NewUser{Username: "ok.three", Role: auth.RoleOfficer, Country: "SE", Password: "tram violet under lindens"}, "", ""},
			{"weak password", auth.NewUser{Username: "weak", Role: auth.RoleOfficer, Country: "SE", Password: "password1234"}, errs.Invalid, "password"},
			{"duplicate", auth.NewUser{Username: "Taken", Role: auth.RoleOfficer, Country: "SE"}, errs.Conflict, "username"},
			{"short username", auth.NewUser{Username: "ab", Role: auth.RoleOfficer, Country: "SE"}, errs.Invalid, "username"},
			{"username with space", auth.NewUser{Username: "a b c", Role: auth.RoleOfficer, Country: "SE"}, errs.Invalid, "username"},
			{"username with @", auth.NewUser{Username: "a@b.se", Role: auth.RoleOfficer, Country: "SE"}, errs.Invalid, "username"},
			{"unknown role", auth.NewUser{Username: "user.r1", Role: "root", Country: "SE"}, errs.Invalid, "role"},
			{"no country", auth.NewUser{Username: "user.c1", Role: auth.RoleOfficer}, errs.Invalid, "country"},
			{"three letters", auth.NewUser{Username: "user.c2", Role: auth.RoleOfficer, Country: "SWE"}, errs.Invalid, "country"},
			{"digits", auth.NewUser{Username: "user.c3", Role: auth.RoleOfficer, Country: "S1"}, errs.Invalid, "country"},
			{"network admin with a country", auth.NewUser{Username: "user.c4", Role: auth.RoleNetworkAdmin, Country: "SE"}, errs.Invalid, "country"},
			{"no display name", auth.NewUser{Username: "user.d1", DisplayName: " ", Role: auth.RoleOfficer, Country: "SE"}, errs.Invalid, "display_name"},
			{"control character", auth.NewUser{Username: "user.d2", DisplayName: "a\x00b", Role: auth.RoleOfficer, Country: "SE"}, errs.Invalid, "display_name"},
		}
		for _, tc := range tests {
			if tc.nu.DisplayName == "" {
				tc.nu.DisplayName = "Ülle Õun"
			}
			u, _, err := f.svc.CreateUser(f.ctx, auth.SystemActor, tc.nu)
			if errs.CodeOf(err) != tc.code || errs.FieldOf(err) != tc.field {
				t.Errorf("%s: %v (field %q), want %q on %q", tc.name, err, errs.FieldOf(err), tc.code, tc.field)
			}
			if err == nil && (u.Country != "SE" || u.Username != normalize(tc.nu.Username)) {
				t.Errorf("%s: stored %q in %q", tc.name, u.Username, u.Country)
			}
		}
	})
}

func normalize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestListUsersScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.staff()
		names := func(a auth.Actor, fl auth.UserFilter) ([]string, error) {
			us, err := f.svc.ListUsers(f.ctx, a, fl)
			var out []string
			for _, u := range us {
				if u.PasswordHash != "" || u.TOTPSecret != nil {
					t.Fatal("ListUsers returned secrets")
				}
				out = append(out, u.Username)
			}
			return out, err
		}
		got, err := names(actor(s.seAdmin), auth.UserFilter{})
		if err != nil || len(got) != 1 || got[0] != "se.officer" {
			t.Fatalf("country admin lists %v, %v", got, err)
		}
		_, err = names(actor(s.seAdmin), auth.UserFilter{Country: "LT"})
		wantCode(t, "country admin lists another country", err, errs.Forbidden)
		_, err = names(actor(s.seOfficer), auth.UserFilter{})
		wantCode(t, "officer lists users", err, errs.Forbidden)
		got, err = names(actor(s.netAdmin), auth.UserFilter{})
		if err != nil || len(got) != 8 {
			t.Fatalf("network admin lists %v, %v", got, err)
		}
		got, _ = names(actor(s.netAdmin), auth.UserFilter{Country: "LT", Role: auth.RoleOfficer})
		if len(got) != 1 || got[0] != "lt.officer" {
			t.Fatalf("filtered list %v", got)
		}
	})
}

func TestAdminResets(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.staff()
		_, pw := f.user("nina.x", auth.RoleOfficer, "SE")
		tok, secret, recovery := f.enrol("nina.x", pw, "a")
		nina, err := f.svc.User(f.ctx, actor(s.seAdmin), f.principal(tok).User.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Second factor reset: sessions end, recovery codes go, enrol again.
		if err := f.svc.ResetSecondFactor(f.ctx, actor(s.seAdmin), nina.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok); err == nil {
			t.Fatal("session survived a second-factor reset")
		}
		f.clk.Add(auth.TOTPPeriod * time.Second)
		ptok, sess, err := f.svc.SignIn(f.ctx, "nina.x", pw, "a")
		if err != nil || sess.Stage != auth.StageEnrol {
			t.Fatalf("sign-in after reset: %v, %v", sess, err)
		}
		enr, err := f.svc.BeginEnrolment(f.ctx, f.principal(ptok))
		if err != nil || enr.Secret == secret {
			t.Fatalf("re-enrolment secret unchanged or %v", err)
		}
		_, _, err = f.svc.ConfirmEnrolment(f.ctx, f.principal(ptok), recovery[0], "a")
		wantCode(t, "old recovery code at re-enrolment", err, errs.Unauthorized)
		tok, _, err = f.svc.ConfirmEnrolment(f.ctx, f.principal(ptok), f.code(enr.Secret), "a")
		if err != nil {
			t.Fatal(err)
		}

		// Password reset: sessions end, the old password stops working.
		next, err := f.svc.ResetPassword(f.ctx, actor(s.seAdmin), nina.ID)
		if err != nil || len(next) != auth.GeneratedPasswordLen {
			t.Fatalf("ResetPassword = %d characters, %v", len(next), err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok); err == nil {
			t.Fatal("session survived a password reset")
		}
		_, _, err = f.svc.SignIn(f.ctx, "nina.x", pw, "a")
		wantCode(t, "old password after reset", err, errs.Unauthorized)
		f.principal(f.signIn("nina.x", next, enr.Secret, "a"))

		for _, action := range []string{"user.reset_second_factor", "user.reset_password"} {
			e := f.actions(action)
			if len(e) != 1 || e[0].Actor != "user:"+itoa(s.seAdmin.ID) || e[0].Role != "country_admin" ||
				e[0].Country != "SE" || e[0].Target != "user:"+itoa(nina.ID) || e[0].Addr != "admin-addr" || e[0].Detail != "sessions_ended=1" {
				t.Fatalf("%s records: %+v", action, e)
			}
		}
	})
}

// failingStore commits nothing: it runs fn in a real transaction, then
// fails, so the transaction rolls back after every write fn made.
type failingStore struct{ auth.Store }

var errInjected = errors.New("injected failure after the act")

func (s failingStore) Update(ctx context.Context, fn func(auth.Tx) error) error {
	return s.Store.Update(ctx, func(tx auth.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errInjected
	})
}

func TestAuditRollsBackWithTheAct(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u, pw := f.user("olof.y", auth.RoleOfficer, "SE")
		tok, _, _ := f.enrol("olof.y", pw, "a")
		before := len(f.audit())
		broken := auth.NewService(failingStore{f.st}, sealer(f.clk.Now()), f.cfg)
		if err := broken.SetDisabled(f.ctx, auth.SystemActor, u.ID, true); !errors.Is(err, errInjected) {
			t.Fatalf("SetDisabled on a failing store: %v", err)
		}
		if _, err := broken.ResetPassword(f.ctx, auth.SystemActor, u.ID); !errors.Is(err, errInjected) {
			t.Fatalf("ResetPassword on a failing store: %v", err)
		}
		if len(f.audit()) != before {
			t.Fatal("an audit record outlived its rolled-back act")
		}
		// Nothing else changed either: the session lives, the password works.
		f.principal(tok)
		if _, _, err := f.svc.SignIn(f.ctx, "olof.y", pw, "a"); err != nil {
			t.Fatalf("sign-in after rolled-back acts: %v", err)
		}
		// And the same acts on the working store are recorded.
		if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if len(f.actions("user.disable")) != 1 {
			t.Fatal("no user.disable record")
		}
	})
}
