package auth_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// testParams are small Argon2id parameters that keep the suite fast.
var testParams = auth.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is an injectable, goroutine-safe clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a Service on a real database with its clock.
type fixture struct {
	t   testing.TB
	ctx context.Context
	db  *store.DB
	st  auth.Store
	svc *auth.Service
	clk *clock
	cfg auth.Config
	// sealer seals the TOTP secrets of svc; a second Service given it and
	// the same store stands for a second server process.
	sealer auth.Sealer
}

// each runs fn on SQLite and, when configured, PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		fn(t, newFixture(t, db, clk))
	}, storetest.WithNow(clk.Now))
}

// sqlite runs fn on SQLite only, for tests about the service's own logic.
func sqlite(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	t.Parallel()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	fn(t, newFixture(t, storetest.New(t, storetest.WithNow(clk.Now)), clk))
}

func newFixture(t testing.TB, db *store.DB, clk *clock) *fixture {
	// Each test has its own clock copy: parallel subtests must not share one.
	own := &clock{t: clk.Now()}
	f := &fixture{t: t, ctx: context.Background(), db: db, st: store.NewAuthStore(db), clk: own}
	f.cfg = auth.Config{Now: own.Now, Password: testParams, Issuer: "Childcentre Test"}
	f.sealer = sealer(own.Now())
	f.svc = auth.NewService(f.st, f.sealer, f.cfg)
	return f
}

func sealer(now time.Time) auth.Sealer {
	return crypto.NewKeyring(now).Sealer(crypto.PurposeTOTP)
}

// user creates an account through the System actor and returns it with
// its password.
func (f *fixture) user(name string, role auth.Role, country auth.Country) (*auth.User, string) {
	f.t.Helper()
	u, pw, err := f.svc.CreateUser(f.ctx, auth.SystemActor, auth.NewUser{Username: name, DisplayName: "Test Person", Role: role, Country: country})
	if err != nil {
		f.t.Fatalf("create %s: %v", name, err)
	}
	return u, pw
}

// principal resolves a token, failing the test if it does not.
func (f *fixture) principal(token string) *auth.Principal {
	f.t.Helper()
	p, err := f.svc.Authenticate(f.ctx, token)
	if err != nil {
		f.t.Fatalf("Authenticate: %v", err)
	}
	return p
}

// code returns the current TOTP code of a base32 secret.
func (f *fixture) code(secret string) string {
	f.t.Helper()
	c, err := auth.GenerateCode(secret, f.clk.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// enrol signs a new user in, enrols their second factor and returns the
// full session token, the base32 secret and the recovery codes.
func (f *fixture) enrol(name, password, addr string) (token, secret string, recovery []string) {
	f.t.Helper()
	tok, sess, err := f.svc.SignIn(f.ctx, name, password, addr)
	if err != nil || sess.Stage != auth.StageEnrol {
		f.t.Fatalf("SignIn before enrolment: stage %v, %v", sess, err)
	}
	p := f.principal(tok)
	enr, err := f.svc.BeginEnrolment(f.ctx, p)
	if err != nil {
		f.t.Fatalf("BeginEnrolment: %v", err)
	}
	token, recovery, err = f.svc.ConfirmEnrolment(f.ctx, p, f.code(enr.Secret), addr)
	if err != nil {
		f.t.Fatalf("ConfirmEnrolment: %v", err)
	}
	return token, enr.Secret, recovery
}

// signIn completes both factors for an enrolled user, moving the clock
// to the next TOTP step first so that the code has not been used.
func (f *fixture) signIn(name, password, secret, addr string) string {
	f.t.Helper()
	f.clk.Add(auth.TOTPPeriod * time.Second)
	tok, sess, err := f.svc.SignIn(f.ctx, name, password, addr)
	if err != nil || sess.Stage != auth.StageSecondFactor {
		f.t.Fatalf("SignIn: %v, %v", sess, err)
	}
	full, err := f.svc.VerifySecondFactor(f.ctx, f.principal(tok), f.code(secret), addr)
	if err != nil {
		f.t.Fatalf("VerifySecondFactor: %v", err)
	}
	return full
}

// audit returns every audit entry, oldest first.
func (f *fixture) audit() []audit.Entry {
	f.t.Helper()
	es, _, err := f.db.ListAudit(f.ctx, audit.Filter{Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

// actions returns the audit entries with action, oldest first.
func (f *fixture) actions(action string) []audit.Entry {
	var out []audit.Entry
	for _, e := range f.audit() {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("%s: error %v, want code %q", what, err, code)
	}
}

func TestFullFlow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u, pw := f.user("anna.k", auth.RoleOfficer, "SE")
		if u.PasswordHash != "" || u.TOTPSecret != nil || u.ID == 0 {
			t.Fatalf("CreateUser returned %+v: want an ID and no secrets", u)
		}

		// Password: a session at StageEnrol.
		enrolTok, sess, err := f.svc.SignIn(f.ctx, " Anna.K ", pw, "addr-1")
		if err != nil || sess.Stage != auth.StageEnrol {
			t.Fatalf("SignIn: %v, %v", sess, err)
		}
		p := f.principal(enrolTok)
		if p.Full() || p.User.PasswordHash != "" || p.User.TOTPSecret != nil {
			t.Fatalf("pending principal: full=%v, carries secrets=%v", p.Full(), p.User.PasswordHash != "")
		}
		_, err = f.svc.VerifySecondFactor(f.ctx, p, "123456", "addr-1")
		wantCode(t, "VerifySecondFactor before enrolment", err, errs.Conflict)

		// Enrolment: the same secret on every call; a wrong code refused.
		enr, err := f.svc.BeginEnrolment(f.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := f.svc.BeginEnrolment(f.ctx, p)
		if again != enr || !strings.HasPrefix(enr.URI, "otpauth://totp/Childcentre%20Test:anna.k?secret="+enr.Secret+"&") {
			t.Fatalf("enrolment %+v then %+v", enr, again)
		}
		wrong := "000000"
		if f.code(enr.Secret) == wrong {
			wrong = "111111"
		}
		_, _, err = f.svc.ConfirmEnrolment(f.ctx, p, wrong, "addr-1")
		wantCode(t, "ConfirmEnrolment with a wrong code", err, errs.Unauthorized)
		enrolCode := f.code(enr.Secret)
		fullTok, recovery, err := f.svc.ConfirmEnrolment(f.ctx, p, enrolCode, "addr-1")
		if err != nil || len(recovery) != auth.RecoveryCodeCount {
			t.Fatalf("ConfirmEnrolment: %d codes, %v", len(recovery), err)
		}
		// Rotation: the pending token is dead, the new one is full.
		if _, err := f.svc.Authenticate(f.ctx, enrolTok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("the pre-enrolment token still works: %v", err)
		}
		if fp := f.principal(fullTok); !fp.Full() || !fp.User.TOTPEnrolled {
			t.Fatalf("after enrolment: full=%v enrolled=%v", fp.Full(), fp.User.TOTPEnrolled)
		}

		// Sign out: the token ends.
		if err := f.svc.SignOut(f.ctx, f.principal(fullTok), "addr-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, fullTok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("token works after sign-out: %v", err)
		}

		// Sign in again in the same 30-second step: the enrolment code is spent.
		tok, sess, err := f.svc.SignIn(f.ctx, "anna.k", pw, "addr-1")
		if err != nil || sess.Stage != auth.StageSecondFactor {
			t.Fatalf("second SignIn: %v, %v", sess, err)
		}
		p2 := f.principal(tok)
		_, err = f.svc.VerifySecondFactor(f.ctx, p2, enrolCode, "addr-1")
		wantCode(t, "reused code", err, errs.Unauthorized)
		if errs.FieldOf(err) != auth.FieldCode {
			t.Fatalf("reused code: field %q", errs.FieldOf(err))
		}
		f.clk.Add(auth.TOTPPeriod * time.Second)
		code := f.code(enr.Secret)
		full2, err := f.svc.VerifySecondFactor(f.ctx, p2, code, "addr-1")
		if err != nil {
			t.Fatalf("VerifySecondFactor: %v", err)
		}
		if full2 == tok {
			t.Fatal("the token was not rotated at the second factor")
		}
		if _, err := f.svc.Authenticate(f.ctx, tok); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("the pre-second-factor token still works: %v", err)
		}
		f.principal(full2)

		// The same code on a fresh sign-in is refused: codes are single-use.
		tok3, _, err := f.svc.SignIn(f.ctx, "anna.k", pw, "addr-1")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.VerifySecondFactor(f.ctx, f.principal(tok3), code, "addr-1")
		wantCode(t, "code reused in another session", err, errs.Unauthorized)

		want := []string{"user.create", "auth.signin", "auth.enrol", "auth.enrol", "auth.signout", "auth.signin", "auth.second_factor", "auth.second_factor", "auth.signin", "auth.second_factor"}
		var got []string
		for _, e := range f.audit() {
			got = append(got, e.Action)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("audit actions\n got %v\nwant %v", got, want)
		}
		for _, e := range f.audit() {
			if e.Action == "user.create" {
				continue
			}
			if e.Target != "user:"+itoa(u.ID) || e.Country != "SE" || e.Addr != "addr-1" {
				t.Errorf("%s: target %q country %q addr %q", e.Action, e.Target, e.Country, e.Addr)
			}
		}
	})
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("bo.l", auth.RoleSupervisor, "DK")
		_, _, recovery := f.enrol("bo.l", pw, "a")
		for i, want := range []errs.Code{"", errs.Unauthorized} {
			tok, _, err := f.svc.SignIn(f.ctx, "bo.l", pw, "a")
			if err != nil {
				t.Fatal(err)
			}
			// Typed in upper case with spaces: still the same code.
			typed := strings.ToUpper(strings.ReplaceAll(recovery[3], "-", " "))
			full, err := f.svc.VerifySecondFactor(f.ctx, f.principal(tok), typed, "a")
			wantCode(t, "recovery use "+itoa(int64(i+1)), err, want)
			if err == nil && !f.principal(full).Full() {
				t.Fatal("recovery code did not give a full session")
			}
		}
		used := f.actions("auth.recovery_used")
		if len(used) != 1 || used[0].Detail != "remaining=9" {
			t.Fatalf("recovery_used records: %+v", used)
		}
		// Regenerating needs a TOTP code, not a recovery code.
		full := f.signInRecovery("bo.l", pw, recovery[4])
		_, err := f.svc.RegenerateRecoveryCodes(f.ctx, f.principal(full), recovery[5], "a")
		wantCode(t, "regenerate with a recovery code", err, errs.Unauthorized)
	})
}

func (f *fixture) signInRecovery(name, pw, code string) string {
	f.t.Helper()
	tok, _, err := f.svc.SignIn(f.ctx, name, pw, "a")
	if err != nil {
		f.t.Fatal(err)
	}
	full, err := f.svc.VerifySecondFactor(f.ctx, f.principal(tok), code, "a")
	if err != nil {
		f.t.Fatal(err)
	}
	return full
}

func TestRegenerateRecoveryCodes(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("cara", auth.RoleOfficer, "FI")
		full, secret, old := f.enrol("cara", pw, "a")
		f.clk.Add(auth.TOTPPeriod * time.Second)
		fresh, err := f.svc.RegenerateRecoveryCodes(f.ctx, f.principal(full), f.code(secret), "a")
		if err != nil || len(fresh) != auth.RecoveryCodeCount {
			t.Fatalf("RegenerateRecoveryCodes: %d, %v", len(fresh), err)
		}
		f.clk.Add(auth.TOTPPeriod * time.Second)
		tok, _, _ := f.svc.SignIn(f.ctx, "cara", pw, "a")
		_, err = f.svc.VerifySecondFactor(f.ctx, f.principal(tok), old[0], "a")
		wantCode(t, "old recovery code after regeneration", err, errs.Unauthorized)
		if _, err := f.svc.VerifySecondFactor(f.ctx, f.principal(tok), fresh[0], "a"); err != nil {
			t.Fatalf("new recovery code: %v", err)
		}
		if n := len(f.actions("auth.recovery_regenerate")); n != 1 {
			t.Fatalf("%d regenerate records", n)
		}
	})
}

func TestSeedSecondFactor(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		u, pw := f.user("demo.officer", auth.RoleOfficer, "SE")
		admin, _ := f.user("net.admin", auth.RoleNetworkAdmin, "")
		secret := []byte("0123456789abcdefghij")
		err := f.svc.SeedSecondFactor(f.ctx, auth.Actor{UserID: admin.ID, Role: auth.RoleNetworkAdmin}, u.ID, secret)
		wantCode(t, "seed by a network administrator", err, errs.Forbidden)
		err = f.svc.SeedSecondFactor(f.ctx, auth.SystemActor, u.ID, secret[:10])
		wantCode(t, "seed a short secret", err, errs.Invalid)
		err = f.svc.SeedSecondFactor(f.ctx, auth.SystemActor, 9999, secret)
		wantCode(t, "seed an unknown user", err, errs.NotFound)
		if err := f.svc.SeedSecondFactor(f.ctx, auth.SystemActor, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		f.principal(f.signIn("demo.officer", pw, auth.EncodeSecret(secret), "a"))
		if e := f.actions("auth.enrol"); len(e) != 1 || e[0].Actor != "system" || e[0].Detail != "seeded" {
			t.Fatalf("seed audit: %+v", e)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestConcurrentCodeUseAcceptedOnce(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, pw := f.user("sam.c", auth.RoleOfficer, "SE")
		_, secret, _ := f.enrol("sam.c", pw, "a")
		f.clk.Add(auth.TOTPPeriod * time.Second)
		const n = 4
		var ps []*auth.Principal
		for i := range n {
			tok, _, err := f.svc.SignIn(f.ctx, "sam.c", pw, "a"+itoa(int64(i)))
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, f.principal(tok))
		}
		code := f.code(secret)
		// Two services on one database stand for two server processes:
		// their in-process locks do not see each other, the database must.
		svcs := []*auth.Service{f.svc, auth.NewService(f.st, f.sealer, f.cfg)}
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i, p := range ps {
			wg.Go(func() {
				_, err := svcs[i%2].VerifySecondFactor(f.ctx, p, code, "x")
				errc <- err
			})
		}
		wg.Wait()
		close(errc)
		ok := 0
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case !errs.Is(err, errs.Unauthorized):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("one code accepted %d times", ok)
		}
	})
}
