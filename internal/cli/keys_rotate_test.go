package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// seedRegistry imports n children with aliases, assessments and notes.
func seedRegistry(t *testing.T, r *registry, n int) {
	t.Helper()
	regs := make([]cases.Registration, n)
	for i := range regs {
		regs[i] = cases.Registration{
			Child: cases.ChildInput{NationalRef: fmt.Sprintf("R-%d", i), GivenNames: "Oleksandr", FamilyName: fmt.Sprintf("Shevchenko%d", i),
				Sex: cases.SexMale, BirthDate: "2009", BirthPlace: "Kharkiv", Notes: fmt.Sprintf("note %d", i),
				Aliases:     []cases.Alias{{Name: "Олександр", Source: "passport"}},
				Assessments: []cases.AgeAssessment{{Date: "2025-01-10", Method: cases.MethodInterview, Outcome: "16", AssessedBy: "Migrationsverket"}}},
			Case: cases.CaseInput{Category: cases.CatUnaccompanied, Evidence: cases.EvidenceIdentified},
		}
	}
	if _, err := r.cases.Import(context.Background(), auth.SystemActor, regs, false); err != nil {
		t.Fatal(err)
	}
}

// childIDs returns the ids of every child, as an officer lists them.
func childIDs(t *testing.T, svc *cases.Service) []int64 {
	t.Helper()
	var ids []int64
	for page := 1; ; page++ {
		res, err := svc.Search(context.Background(), officer, cases.Query{Page: page, PerPage: cases.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.Child.ID)
		}
		if len(res.Hits) == 0 || len(ids) >= res.Total {
			return ids
		}
	}
}

func input(c *cases.Child) cases.ChildInput {
	return cases.ChildInput{NationalRef: c.NationalRef, GivenNames: c.GivenNames, FamilyName: c.FamilyName, Aliases: c.Aliases,
		Sex: c.Sex, BirthDate: c.BirthDate, BirthPrecision: c.BirthPrecision, Assessments: c.Assessments,
		Citizenships: c.Citizenships, Languages: c.Languages, BirthPlace: c.BirthPlace, Notes: c.Notes}
}

// TestKeysRotateOnline rotates the keys of a node that keeps serving: a
// "server" with its own database connection and keys following the key
// file reads and edits records throughout. No call fails, nothing is lost,
// and afterwards every value opens with the new key alone.
func TestKeysRotateOnline(t *testing.T) {
	eachBackend(t, func(t *testing.T, vars map[string]string) {
		ctx := context.Background()
		r := testRegistry(t, vars, nil)
		const children = 60
		seedRegistry(t, r, children)
		authSvc := auth.NewService(store.NewAuthStore(r.db), r.keys.Sealer(crypto.PurposeTOTP), auth.Config{})
		u, password, err := authSvc.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: "anna", DisplayName: "Anna", Role: auth.RoleOfficer, Country: "SE"})
		if err != nil {
			t.Fatal(err)
		}
		secret := auth.NewTOTPSecret()
		if err := authSvc.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
			t.Fatal(err)
		}

		// The server.
		logger := node.NewLogger(r.cfg, &strings.Builder{})
		srvDB, err := node.OpenDB(ctx, r.cfg, r.keys, logger, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srvDB.Close() })
		live := node.NewLiveKeys(r.cfg.KeyFile, r.keys, logger)
		srv := cases.NewService(store.NewCaseStore(srvDB), live.Sealer(crypto.PurposeIdentity), live.Keyring(), cases.Config{Country: "SE"})
		ids := childIDs(t, srv)
		if len(ids) != children {
			t.Fatalf("%d children listed", len(ids))
		}
		wctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { live.Watch(wctx, 20*time.Millisecond) })
		var ops, failures atomic.Int64
		fail := func(format string, args ...any) {
			failures.Add(1)
			t.Errorf(format, args...)
		}
		// Editors own disjoint children; what each wrote last is what must be there.
		const editors = 3
		var mu sync.Mutex
		wantNotes := map[int64]string{}
		for w := range editors {
			wg.Go(func() {
				for n := 0; wctx.Err() == nil; n++ {
					id := ids[(n*editors+w)%len(ids)]
					c, err := srv.Child(ctx, officer, id)
					if err != nil {
						fail("read child %d during rotation: %v", id, err)
						return
					}
					in := input(c)
					in.Notes = fmt.Sprintf("edited by %d, round %d", w, n)
					if _, err := srv.UpdateChild(ctx, officer, id, c.Version, in); err != nil {
						fail("edit child %d during rotation: %v", id, err)
						return
					}
					mu.Lock()
					wantNotes[id] = in.Notes
					mu.Unlock()
					ks, err := srv.CasesOf(ctx, officer, id)
					if err == nil {
						_, err = srv.AddEvent(ctx, officer, ks[0].ID, cases.EventInput{Type: cases.EvPlaced, Notes: in.Notes})
					}
					if err != nil {
						fail("add event to child %d's case during rotation: %v", id, err)
						return
					}
					ops.Add(1)
				}
			})
		}
		wg.Go(func() { // a reader
			for n := 0; wctx.Err() == nil; n++ {
				if _, err := srv.Search(ctx, officer, cases.Query{Text: "Oleksandr Shevchenko" + fmt.Sprint(n%children)}); err != nil {
					fail("search during rotation: %v", err)
					return
				}
				ops.Add(1)
			}
		})

		time.Sleep(50 * time.Millisecond)
		before := ops.Load()
		code, stdout, stderr := runCLI(t, vars, "keys", "rotate", "--settle", "100ms", "--batch", "40")
		during := ops.Load() - before
		time.Sleep(50 * time.Millisecond)
		stop()
		wg.Wait()
		if code != 0 || !strings.Contains(stdout, "none is left under an older key") || !strings.Contains(stdout, "1 second-factor secrets") {
			t.Fatalf("keys rotate: exit %d\n%s%s", code, stdout, stderr)
		}
		if failures.Load() > 0 || during == 0 {
			t.Fatalf("%d failures; %d operations while the rotation ran", failures.Load(), during)
		}
		t.Logf("%d operations of the server while the rotation ran", during)

		code, stdout, stderr = runCLI(t, vars, "keys", "rotate", "--retire", "--settle", "0")
		if code != 0 || !strings.Contains(stdout, "retired data keys 1") {
			t.Fatalf("keys rotate --retire: exit %d\n%s%s", code, stdout, stderr)
		}

		// Only the new key is left, and it opens everything.
		r2 := testRegistry(t, vars, nil)
		if ks := r2.keys.Keys(); len(ks) != 1 || ks[0].ID != 2 {
			t.Fatalf("keys after retiring: %v", ks)
		}
		for i, id := range ids {
			c, err := r2.cases.Child(ctx, officer, id)
			if err != nil {
				t.Fatalf("child %d after rotation: %v", id, err)
			}
			want, edited := wantNotes[id]
			if !edited {
				want = strings.TrimPrefix(c.NationalRef, "R-")
				want = "note " + want
			}
			if c.Notes != want || c.GivenNames != "Oleksandr" || len(c.Aliases) != 1 || c.Aliases[0].Name != "Олександр" ||
				len(c.Assessments) != 1 || c.Assessments[0].AssessedBy != "Migrationsverket" || c.BirthPlace != "Kharkiv" {
				t.Errorf("child %d after rotation: %+v, want notes %q", id, c, want)
			}
			if i%10 == 0 {
				ks, err := r2.cases.CasesOf(ctx, officer, id)
				if err == nil {
					_, err = r2.cases.Timeline(ctx, officer, ks[0].ID)
				}
				if err != nil {
					t.Errorf("timeline of child %d after rotation: %v", id, err)
				}
			}
		}
		// The server follows the retirement and keeps working.
		if _, err := live.Reload(); err != nil {
			t.Errorf("server reload after retiring: %v", err)
		}
		if _, err := srv.Child(ctx, officer, ids[0]); err != nil {
			t.Errorf("server read after retiring: %v", err)
		}
		// The second factor still works, sealed under the new key.
		a2 := auth.NewService(store.NewAuthStore(r2.db), r2.keys.Sealer(crypto.PurposeTOTP), auth.Config{})
		token, _, err := a2.SignIn(ctx, "anna", password, "test")
		if err != nil {
			t.Fatal(err)
		}
		p, err := a2.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		code2, _ := auth.GenerateCode(auth.EncodeSecret(secret), time.Now())
		if _, err := a2.VerifySecondFactor(ctx, p, code2, "test"); err != nil {
			t.Errorf("second factor after rotation: %v", err)
		}

		acts := map[string]int{}
		if err := r2.db.WalkAudit(ctx, func(e audit.Entry) error { acts[e.Action]++; return nil }); err != nil {
			t.Fatal(err)
		}
		if acts[audit.ActKeysRotate] != 2 || acts[audit.ActKeysRetire] != 1 {
			t.Errorf("audit: %d keys.rotate, %d keys.retire; want 2 and 1", acts[audit.ActKeysRotate], acts[audit.ActKeysRetire])
		}
	})
}

// TestKeysRetireRefusedWhileOldValuesRemain rotates the key file without
// re-sealing: retiring must be refused until a --resume has re-sealed.
func TestKeysRetireRefusedWhileOldValuesRemain(t *testing.T) {
	eachBackend(t, func(t *testing.T, vars map[string]string) {
		r := testRegistry(t, vars, nil)
		seedRegistry(t, r, 3)
		checkFollowUp := seedFollowUp(t, r.db, r.keys)
		kr, err := crypto.LoadKeyring(r.cfg.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kr.Rotate(); err != nil {
			t.Fatal(err)
		}
		if err := kr.WriteFile(r.cfg.KeyFile); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, vars, "keys", "rotate", "--retire", "--settle", "0")
		if code != 1 || !strings.Contains(stderr, "still under an older key") || !strings.Contains(stderr, "children: 15") ||
			!strings.Contains(stderr, "followup: 4") {
			t.Fatalf("retire with old values: exit %d\n%s%s", code, stdout, stderr)
		}
		// The primary is too young to retire older keys with the default settle time.
		if code, _, stderr := runCLI(t, vars, "keys", "rotate", "--retire"); code != 1 || !strings.Contains(stderr, "give running servers") {
			t.Errorf("retire right after a rotation: exit %d %s", code, stderr)
		}
		if kr, _ := crypto.LoadKeyring(r.cfg.KeyFile); len(kr.Keys()) != 2 {
			t.Fatalf("a refused retire changed the key file: %v", kr.Keys())
		}
		if code, stdout, stderr := runCLI(t, vars, "keys", "rotate", "--resume", "--settle", "0"); code != 0 || !strings.Contains(stdout, "none is left") {
			t.Fatalf("resume: exit %d\n%s%s", code, stdout, stderr)
		}
		if code, stdout, stderr := runCLI(t, vars, "keys", "rotate", "--retire", "--settle", "0"); code != 0 {
			t.Fatalf("retire after resume: exit %d\n%s%s", code, stdout, stderr)
		}
		if code, stdout, _ := runCLI(t, vars, "keys", "rotate", "--retire", "--settle", "0"); code != 0 || !strings.Contains(stdout, "nothing to retire") {
			t.Errorf("second retire: exit %d %s", code, stdout)
		}
		r2 := testRegistry(t, vars, nil)
		for _, id := range childIDs(t, r2.cases) {
			if _, err := r2.cases.Child(context.Background(), officer, id); err != nil {
				t.Errorf("child %d after resume and retire: %v", id, err)
			}
		}
		checkFollowUp(r2.keys)
	})
}

func TestKeysRotateUsage(t *testing.T) {
	vars, _ := adminNode(t)
	keyFile := vars["CHILDCENTRE_KEY_FILE"]
	if err := os.WriteFile(keyFile+".lock", []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, vars, "keys", "rotate", "--settle", "0"); code != 1 || !strings.Contains(stderr, "another 'keys rotate'") {
		t.Errorf("rotate while locked: exit %d %s", code, stderr)
	}
	if kr, _ := crypto.LoadKeyring(keyFile); len(kr.Keys()) != 1 {
		t.Errorf("a locked rotation changed the key file")
	}
	os.Remove(keyFile + ".lock")
	if code, _, _ := runCLI(t, vars, "keys", "rotate", "--resume", "--retire"); code != 2 {
		t.Errorf("--resume with --retire: exit %d", code)
	}
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	envKeys := map[string]string{"CHILDCENTRE_KEYS": string(b), "CHILDCENTRE_DATABASE_URL": vars["CHILDCENTRE_DATABASE_URL"]}
	if code, _, stderr := runCLI(t, envKeys, "keys", "rotate"); code != 2 || !strings.Contains(stderr, "--key-file") {
		t.Errorf("rotate with keys from the environment: exit %d %s", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, vars, "keys", "rotate", "--settle", "0"); code != 0 || !strings.Contains(stdout, "added data key 2") {
		t.Errorf("rotate: exit %d %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(keyFile + ".lock"); !os.IsNotExist(err) {
		t.Errorf("the lock file is left behind: %v", err)
	}
}

// TestRotationWaitsOutABusyDatabase: a pass that fails because the
// database stayed locked is started again; any other error, or a lock that
// does not go away, ends the rotation.
func TestRotationWaitsOutABusyDatabase(t *testing.T) {
	busy := errs.E(errs.Unavailable, "the database is busy; please try again")
	for _, tc := range []struct {
		name      string
		fails     int
		err       error
		wantCalls int
		wantErr   bool
	}{
		{"busy twice, then done", 2, busy, 3, false},
		{"another error ends it", 1, errs.E(errs.Internal, "broken"), 1, true},
		{"busy for good", 100, busy, busyRetries + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r := &rotation{env: &Env{Stdout: &out}, busyPause: time.Millisecond}
			calls := 0
			err := r.whileBusy(context.Background(), func() error {
				calls++
				if calls <= tc.fails {
					return tc.err
				}
				return nil
			})
			if (err != nil) != tc.wantErr || calls != tc.wantCalls {
				t.Errorf("err = %v after %d calls; want error %v after %d", err, calls, tc.wantErr, tc.wantCalls)
			}
		})
	}
}
