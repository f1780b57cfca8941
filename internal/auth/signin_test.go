package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func TestFailedSignInsLookAlike(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u, pw := f.user("dora.m", auth.RoleOfficer, "LV")
		off, offPW := f.user("eve.n", auth.RoleOfficer, "LV")
		if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, off.ID, true); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, user, password, detail, target string
		}{
			{"wrong password", "dora.m", pw + "x", "bad_password", "user:" + itoa(u.ID)},
			{"unknown account", "nobody.here", pw, "unknown_account", ""},
			{"disabled account, right password", "eve.n", offPW, "disabled", "user:" + itoa(off.ID)},
			{"over-long password", "dora.m", strings.Repeat("x", 5000), "bad_password", "user:" + itoa(u.ID)},
		}
		var first error
		for i, tc := range cases {
			tok, sess, err := f.svc.SignIn(f.ctx, tc.user, tc.password, "addr-"+itoa(int64(i)))
			if tok != "" || sess != nil {
				t.Fatalf("%s: a session was started", tc.name)
			}
			wantCode(t, tc.name, err, errs.Unauthorized)
			if first == nil {
				first = err
			} else if errs.MessageOf(err) != errs.MessageOf(first) || errs.FieldOf(err) != errs.FieldOf(first) {
				t.Fatalf("%s: %q differs from %q", tc.name, errs.MessageOf(err), errs.MessageOf(first))
			}
		}
		failed := f.actions("auth.signin_failed")
		if len(failed) != len(cases) {
			t.Fatalf("%d failure records, want %d", len(failed), len(cases))
		}
		for i, e := range failed {
			tc := cases[i]
			if e.Detail != tc.detail || e.Target != tc.target || e.Outcome != "failed" || e.Actor != "anonymous" {
				t.Errorf("%s: recorded %+v", tc.name, e.Record)
			}
		}
		// No record carries a typed username or a password.
		for _, e := range f.audit() {
			all := strings.Join([]string{e.Actor, e.Role, e.Country, e.Action, e.Target, e.Outcome, e.Addr, e.Detail}, "|")
			for _, secret := range []string{"dora", "eve.n", "nobody", pw, offPW} {
				if strings.Contains(all, secret) {
					t.Fatalf("audit record %q contains %q", all, secret)
				}
			}
		}
	})
}

// TestAccountDelayNoLockout: wrong passwords under an account's name, from
// many sources, delay the account by at most a minute; they never lock it
// (issue 10 M2). Known and unknown names behave alike.
func TestAccountDelayNoLockout(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("finn.o", auth.RoleOfficer, "NO")
		for _, name := range []string{"finn.o", "ghost.user"} {
			for i := range 5 {
				_, _, err := f.svc.SignIn(f.ctx, name, "wrong password "+itoa(int64(i)), "addr-"+name+itoa(int64(i)))
				wantCode(t, name+" failure", err, errs.Unauthorized)
			}
			_, _, err := f.svc.SignIn(f.ctx, name, pw, "addr-fresh")
			wantCode(t, name+" right after 5 failures", err, errs.TooMany)
			if !strings.Contains(errs.MessageOf(err), "1 seconds") {
				t.Fatalf("message %q does not say how long", errs.MessageOf(err))
			}
			// An attacker keeps failing, one attempt per wait, from ever new
			// addresses: the wait stops growing at a minute.
			for i := range 30 {
				f.clk.Add(time.Minute)
				_, _, err := f.svc.SignIn(f.ctx, name, "wrong again", "spread-"+name+itoa(int64(i)))
				wantCode(t, name+" spread failure", err, errs.Unauthorized)
			}
			_, _, err = f.svc.SignIn(f.ctx, name, pw, "addr-fresh")
			wantCode(t, name+" right after the spread failures", err, errs.TooMany)
			f.clk.Add(time.Minute)
		}
		if _, _, err := f.svc.SignIn(f.ctx, "finn.o", pw, "addr-fresh"); err != nil {
			t.Fatalf("a minute after the last failure: %v", err)
		}
		delayed := 0
		for _, e := range f.actions("auth.signin_failed") {
			if strings.Contains(e.Detail, ",account_delayed") {
				delayed++
			}
		}
		if delayed != 2*31 {
			t.Fatalf("%d delay records, want %d", delayed, 2*31)
		}
	})
}

// TestSourceDelay: from one source, the same account's wait keeps growing
// past a minute while the owner, elsewhere, waits at most a minute.
func TestSourceDelay(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("jo.k", auth.RoleOfficer, "NO")
		for i := range 12 {
			if i > 0 { // each attempt waits what the previous failure asks
				f.clk.Add(time.Duration(1<<max(i-5, 0)) * time.Second)
			}
			_, _, err := f.svc.SignIn(f.ctx, "jo.k", "wrong "+itoa(int64(i)), "attacker")
			wantCode(t, "failure", err, errs.Unauthorized)
		}
		// Twelve failures: this source waits 128 s, the account 60 s.
		f.clk.Add(61 * time.Second)
		_, _, err := f.svc.SignIn(f.ctx, "jo.k", pw, "attacker")
		wantCode(t, "same source", err, errs.TooMany)
		if _, _, err := f.svc.SignIn(f.ctx, "jo.k", pw, "owner"); err != nil {
			t.Fatalf("the owner from another address: %v", err)
		}
	})
}

func TestAddressRateLimit(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("gina.p", auth.RoleOfficer, "PL")
		// Twenty failures on twenty accounts (one each: no account lock)
		// from one address lock the address.
		for i := range 20 {
			_, _, err := f.svc.SignIn(f.ctx, "user"+itoa(int64(i)), "whatever", "spray")
			wantCode(t, "spray failure", err, errs.Unauthorized)
		}
		_, _, err := f.svc.SignIn(f.ctx, "gina.p", pw, "spray")
		wantCode(t, "locked address", err, errs.TooMany)
		if _, _, err := f.svc.SignIn(f.ctx, "gina.p", pw, "elsewhere"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		f.clk.Add(15 * time.Minute)
		if _, _, err := f.svc.SignIn(f.ctx, "gina.p", pw, "spray"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestSecondFactorRateLimit(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("hugo.r", auth.RoleOfficer, "DE")
		_, secret, _ := f.enrol("hugo.r", pw, "a")
		f.clk.Add(auth.TOTPPeriod * time.Second)
		// Signing in again with the password must not reset the count of
		// wrong codes: five wrong codes over two password sign-ins lock.
		for i := range 5 {
			tok, _, err := f.svc.SignIn(f.ctx, "hugo.r", pw, "a"+itoa(int64(i)))
			if err != nil {
				t.Fatalf("sign-in %d: %v", i, err)
			}
			_, err = f.svc.VerifySecondFactor(f.ctx, f.principal(tok), "abcd-efgh-jkmn-pqrs", "a"+itoa(int64(i)))
			wantCode(t, "wrong code", err, errs.Unauthorized)
		}
		_, _, err := f.svc.SignIn(f.ctx, "hugo.r", pw, "b")
		wantCode(t, "sign-in after 5 wrong codes", err, errs.TooMany)
		f.clk.Add(15 * time.Minute)
		f.principal(f.signIn("hugo.r", pw, secret, "b"))
	})
}

func TestTimeouts(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("ida.s", auth.RoleAuditor, "EE")
		tok, secret, _ := f.enrol("ida.s", pw, "a")

		// Idle: activity every 29 minutes keeps the session.
		for range 3 {
			f.clk.Add(29 * time.Minute)
			f.principal(tok)
		}
		f.clk.Add(30 * time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, tok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("idle 30 minutes: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("the expired session came back: %v", err)
		}

		// Absolute: even an active session ends after 12 hours.
		tok = f.signIn("ida.s", pw, secret, "a")
		start := f.clk.Now()
		for f.clk.Now().Sub(start) < 12*time.Hour-20*time.Minute {
			f.clk.Add(20 * time.Minute)
			f.principal(tok)
		}
		f.clk.Add(20 * time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, tok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("12 hours after sign-in: %v", err)
		}

		// Pending: a password-only session lasts 15 minutes.
		f.clk.Add(auth.TOTPPeriod * time.Second)
		pending, _, err := f.svc.SignIn(f.ctx, "ida.s", pw, "a")
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Add(14 * time.Minute)
		p := f.principal(pending)
		f.clk.Add(time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, pending); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("pending session after 15 minutes: %v", err)
		}
		_, err = f.svc.VerifySecondFactor(f.ctx, p, f.code(secret), "a")
		wantCode(t, "second factor on an expired session", err, errs.Unauthorized)
	})
}

func TestLastSeenWrittenOncePerMinute(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("jan.t", auth.RoleOfficer, "SE")
		tok, _, _ := f.enrol("jan.t", pw, "a")
		seen := f.principal(tok).Session.LastSeenAt
		f.clk.Add(59 * time.Second)
		if got := f.principal(tok).Session.LastSeenAt; !got.Equal(seen) {
			t.Fatalf("last seen written after 59 s: %v → %v", seen, got)
		}
		f.clk.Add(time.Second)
		if got := f.principal(tok).Session.LastSeenAt; !got.Equal(f.clk.Now()) {
			t.Fatalf("last seen not written after a minute: %v, now %v", got, f.clk.Now())
		}
	})
}

func TestDisabledAccount(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u, pw := f.user("kai.u", auth.RoleOfficer, "IS")
		tok, secret, _ := f.enrol("kai.u", pw, "a")
		other := f.signIn("kai.u", pw, secret, "b")
		if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, u.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, tk := range []string{tok, other} {
			if _, err := f.svc.Authenticate(f.ctx, tk); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("a disabled account's session works: %v", err)
			}
		}
		if d := f.actions("user.disable"); len(d) != 1 || d[0].Detail != "sessions_ended=2" || d[0].Target != "user:"+itoa(u.ID) {
			t.Fatalf("disable record: %+v", d)
		}
		_, _, err := f.svc.SignIn(f.ctx, "kai.u", pw, "a")
		wantCode(t, "disabled sign-in", err, errs.Unauthorized)
		if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, u.ID, false); err != nil {
			t.Fatal(err)
		}
		f.principal(f.signIn("kai.u", pw, secret, "a"))
		if len(f.actions("user.enable")) != 1 {
			t.Fatal("no user.enable record")
		}
	})
}

func TestSignOutEverywhereAndDeleteExpired(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("lea.v", auth.RoleOfficer, "LT")
		a, secret, _ := f.enrol("lea.v", pw, "a")
		b := f.signIn("lea.v", pw, secret, "b")
		n, err := f.svc.SignOutEverywhere(f.ctx, f.principal(a), "a")
		if err != nil || n != 2 {
			t.Fatalf("SignOutEverywhere = %d, %v; want 2", n, err)
		}
		if _, err := f.svc.Authenticate(f.ctx, b); err == nil {
			t.Fatal("the other device is still signed in")
		}
		if e := f.actions("auth.signout_all"); len(e) != 1 || e[0].Detail != "sessions=2" {
			t.Fatalf("signout_all records: %+v", e)
		}

		f.signIn("lea.v", pw, secret, "a")
		f.signIn("lea.v", pw, secret, "b")
		f.clk.Add(10 * time.Minute)
		keep := f.signIn("lea.v", pw, secret, "c")
		f.clk.Add(25 * time.Minute) // the first two are idle for over 30 minutes
		n, err = f.svc.DeleteExpired(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
		}
		f.principal(keep)
	})
}

func TestAuthenticateRefusesMalformedTokens(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		for _, tok := range []string{"", "short", strings.Repeat("a", 43), strings.Repeat("!", 43), strings.Repeat("a", 44)} {
			if _, err := f.svc.Authenticate(f.ctx, tok); !errs.Is(err, errs.Unauthorized) {
				t.Errorf("Authenticate(%q) = %v", tok, err)
			}
		}
	})
}

func TestRehashOnSignIn(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("max.w", auth.RoleOfficer, "SE")
		cfg := f.cfg
		cfg.Password = auth.PasswordParams{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
		svc := auth.NewService(f.st, sealer(f.clk.Now()), cfg)
		if _, _, err := svc.SignIn(f.ctx, "max.w", pw, "a"); err != nil {
			t.Fatal(err)
		}
		var hash string
		err := f.st.View(f.ctx, func(tx auth.Tx) error {
			u, err := tx.UserByName(f.ctx, "max.w")
			if err == nil {
				hash = u.PasswordHash
			}
			return err
		})
		if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Fatalf("hash after sign-in with new parameters: %q, %v", hash, err)
		}
		if _, _, err := svc.SignIn(f.ctx, "max.w", pw, "a"); err != nil {
			t.Fatalf("sign-in with the rehashed password: %v", err)
		}
		if e := f.actions("auth.signin"); len(e) != 2 || e[0].Detail != "password,rehashed" || e[1].Detail != "password" {
			t.Fatalf("signin records: %+v", e)
		}
	})
}

// BenchmarkSignInFailure shows that an unknown account, a wrong password
// and a disabled account cost the same: one hash with the default
// parameters dominates each. Compare the ms/op of the sub-benchmarks.
func BenchmarkSignInFailure(b *testing.B) {
	clk := &clock{t: time.Now()}
	f := newFixture(b, storetest.New(b, storetest.WithNow(clk.Now)), clk)
	f.cfg.Password = auth.PasswordParams{} // the defaults: the real cost
	f.cfg.Now = clk.Now
	f.svc = auth.NewService(f.st, sealer(clk.Now()), f.cfg)
	_, pw, _ := f.svc.CreateUser(f.ctx, auth.SystemActor, auth.NewUser{Username: "bench.user", DisplayName: "B", Role: auth.RoleOfficer, Country: "SE"})
	off, offPW, _ := f.svc.CreateUser(f.ctx, auth.SystemActor, auth.NewUser{Username: "bench.off", DisplayName: "B", Role: auth.RoleOfficer, Country: "SE"})
	if err := f.svc.SetDisabled(f.ctx, auth.SystemActor, off.ID, true); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, user, pw string }{
		{"unknown", "no.such.user", pw},
		{"wrong_password", "bench.user", pw + "x"},
		{"disabled", "bench.off", offPW},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				clk.Add(time.Hour) // stay clear of the rate limits
				if _, _, err := f.svc.SignIn(f.ctx, bc.user, bc.pw, ""); !errs.Is(err, errs.Unauthorized) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}
