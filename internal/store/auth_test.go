package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// t0 is the fixed clock of these tests, with nanoseconds the store must
// drop (it keeps microseconds) and a zone it must convert from.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

func fixedClock() func() time.Time { return func() time.Time { return t0 } }

func newUser(name string, role auth.Role, country auth.Country) *auth.User {
	return &auth.User{
		Username: name, DisplayName: "Display " + name, Role: role, Country: country,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
	}
}

func update(t *testing.T, s *store.AuthStore, fn func(tx auth.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		alice := newUser("alice", auth.RoleOfficer, "SE")
		alice.Language = "sv"
		update(t, s, func(tx auth.Tx) error { return tx.CreateUser(ctx, alice) })
		if alice.ID == 0 || alice.CreatedAt.IsZero() || !alice.UpdatedAt.Equal(alice.CreatedAt) {
			t.Fatalf("CreateUser left ID %d, CreatedAt %v, UpdatedAt %v", alice.ID, alice.CreatedAt, alice.UpdatedAt)
		}
		if want := t0.UTC().Truncate(time.Microsecond); !alice.CreatedAt.Equal(want) || alice.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt = %v, want the clock in UTC to the microsecond %v", alice.CreatedAt, want)
		}
		users := []*auth.User{
			newUser("bob", auth.RoleSupervisor, "SE"),
			newUser("carla", auth.RoleOfficer, "LT"),
			newUser("dana", auth.RoleNetworkAdmin, ""),
		}
		update(t, s, func(tx auth.Tx) error {
			for _, u := range users {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})

		// Read back exactly what was written, by id and by name.
		err := s.View(ctx, func(tx auth.Tx) error {
			for _, get := range []func() (*auth.User, error){
				func() (*auth.User, error) { return tx.UserByID(ctx, alice.ID) },
				func() (*auth.User, error) { return tx.UserByName(ctx, "alice") },
			} {
				got, err := get()
				if err != nil {
					return err
				}
				if err := sameUser(got, alice); err != nil {
					t.Error(err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Update every field.
		later := t0.Add(time.Hour)
		alice.DisplayName, alice.Role, alice.Country, alice.Language = "New name", auth.RoleCountryAdmin, "LT", "lt"
		alice.PasswordHash, alice.TOTPSecret, alice.TOTPEnrolled, alice.TOTPLastStep = "$argon2id$new", []byte{0, 1, 2, 255}, true, 58000000
		alice.Disabled, alice.UpdatedAt = true, later
		update(t, s, func(tx auth.Tx) error { return tx.UpdateUser(ctx, alice) })
		err = s.View(ctx, func(tx auth.Tx) error {
			got, err := tx.UserByID(ctx, alice.ID)
			if err != nil {
				return err
			}
			return sameUser(got, alice)
		})
		if err != nil {
			t.Error(err)
		}

		tests := []struct {
			name string
			f    auth.UserFilter
			want []string
		}{
			{"all", auth.UserFilter{}, []string{"alice", "bob", "carla", "dana"}},
			{"country", auth.UserFilter{Country: "SE"}, []string{"bob"}},
			{"country LT", auth.UserFilter{Country: "LT"}, []string{"alice", "carla"}},
			{"role", auth.UserFilter{Role: auth.RoleOfficer}, []string{"carla"}},
			{"both", auth.UserFilter{Country: "LT", Role: auth.RoleCountryAdmin}, []string{"alice"}},
			{"none", auth.UserFilter{Country: "PL"}, nil},
		}
		for _, tt := range tests {
			err := s.View(ctx, func(tx auth.Tx) error {
				list, err := tx.ListUsers(ctx, tt.f)
				if err != nil {
					return err
				}
				var names []string
				for _, u := range list {
					names = append(names, u.Username)
				}
				if fmt.Sprint(names) != fmt.Sprint(tt.want) {
					t.Errorf("ListUsers(%s) = %v, want %v", tt.name, names, tt.want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err = s.View(ctx, func(tx auth.Tx) error {
			n, err := tx.CountUsers(ctx)
			if n != 4 {
				t.Errorf("CountUsers = %d, want 4", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// Usernames sort by bytes on both databases, whatever the locale.
		update(t, s, func(tx auth.Tx) error {
			for _, name := range []string{"a_b", "ab", "a.b", "a-c", "a0"} {
				if err := tx.CreateUser(ctx, newUser(name, auth.RoleAuditor, "PL")); err != nil {
					return err
				}
			}
			return nil
		})
		err = s.View(ctx, func(tx auth.Tx) error {
			list, err := tx.ListUsers(ctx, auth.UserFilter{Country: "PL"})
			var names []string
			for _, u := range list {
				names = append(names, u.Username)
			}
			if want := "[a-c a.b a0 a_b ab]"; fmt.Sprint(names) != want {
				t.Errorf("ListUsers order %v, want %s", names, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}, storetest.WithNow(fixedClock()))
}

func sameUser(got, want *auth.User) error {
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		return fmt.Errorf("times: got %v/%v, want %v/%v", g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt)
	}
	if !bytes.Equal(g.TOTPSecret, w.TOTPSecret) || (g.TOTPSecret == nil) != (w.TOTPSecret == nil) {
		return fmt.Errorf("TOTPSecret: got %v, want %v", g.TOTPSecret, w.TOTPSecret)
	}
	g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.TOTPSecret, w.TOTPSecret = nil, nil
	if !reflect.DeepEqual(g, w) {
		return fmt.Errorf("user read back as %+v, want %+v", g, w)
	}
	return nil
}

func TestUserErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		a, b := newUser("alice", auth.RoleOfficer, "SE"), newUser("bob", auth.RoleOfficer, "SE")
		update(t, s, func(tx auth.Tx) error {
			if err := tx.CreateUser(ctx, a); err != nil {
				return err
			}
			return tx.CreateUser(ctx, b)
		})
		tests := []struct {
			name  string
			fn    func(tx auth.Tx) error
			code  errs.Code
			field string
		}{
			{"duplicate username", func(tx auth.Tx) error {
				return tx.CreateUser(ctx, newUser("alice", auth.RoleAuditor, "LT"))
			}, errs.Conflict, "username"},
			{"rename onto a taken username", func(tx auth.Tx) error {
				u := *b
				u.Username = "alice"
				return tx.UpdateUser(ctx, &u)
			}, errs.Conflict, "username"},
			{"update a missing user", func(tx auth.Tx) error {
				u := *b
				u.ID = 9999
				return tx.UpdateUser(ctx, &u)
			}, errs.NotFound, ""},
			{"missing id", func(tx auth.Tx) error { _, err := tx.UserByID(ctx, 9999); return err }, errs.NotFound, ""},
			{"missing name", func(tx auth.Tx) error { _, err := tx.UserByName(ctx, "nobody"); return err }, errs.NotFound, ""},
			{"name is exact", func(tx auth.Tx) error { _, err := tx.UserByName(ctx, "ALICE"); return err }, errs.NotFound, ""},
			{"codes of a missing user", func(tx auth.Tx) error {
				return tx.ReplaceRecoveryCodes(ctx, 9999, [][]byte{{1}})
			}, errs.NotFound, ""},
			{"session of a missing user", func(tx auth.Tx) error {
				return tx.CreateSession(ctx, &auth.Session{TokenHash: []byte("t"), UserID: 9999, Stage: auth.StageFull})
			}, errs.NotFound, ""},
		}
		for _, tt := range tests {
			err := s.Update(ctx, tt.fn)
			if errs.CodeOf(err) != tt.code || errs.FieldOf(err) != tt.field {
				t.Errorf("%s: %v (code %q, field %q); want code %q, field %q", tt.name, err, errs.CodeOf(err), errs.FieldOf(err), tt.code, tt.field)
			}
		}
		// The failed transactions changed nothing.
		err := s.View(ctx, func(tx auth.Tx) error {
			got, err := tx.UserByID(ctx, b.ID)
			if err == nil && got.Username != "bob" {
				t.Errorf("failed rename left username %q", got.Username)
			}
			n, _ := tx.CountUsers(ctx)
			if n != 2 {
				t.Errorf("CountUsers = %d after failed creates, want 2", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestViewIsReadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		err := s.View(ctx, func(tx auth.Tx) error { return tx.CreateUser(ctx, newUser("eve", auth.RoleOfficer, "SE")) })
		if err == nil {
			t.Fatal("CreateUser in View succeeded")
		}
		err = s.View(ctx, func(tx auth.Tx) error { return tx.AppendAudit(ctx, rec("x.y", "SE")) })
		if err == nil {
			t.Fatal("AppendAudit in View succeeded")
		}
	})
}

func TestUpdateRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		boom := errors.New("boom")
		err := s.Update(ctx, func(tx auth.Tx) error {
			if err := tx.CreateUser(ctx, newUser("alice", auth.RoleOfficer, "SE")); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("Update returned %v, want fn's error unchanged", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic in fn was swallowed")
				}
			}()
			s.Update(ctx, func(tx auth.Tx) error {
				if err := tx.CreateUser(ctx, newUser("bob", auth.RoleOfficer, "SE")); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		err = s.View(ctx, func(tx auth.Tx) error {
			n, err := tx.CountUsers(ctx)
			if n != 0 {
				t.Errorf("%d users after rolled-back transactions, want 0", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The write connection is usable after the panic.
		update(t, s, func(tx auth.Tx) error { return tx.CreateUser(ctx, newUser("carla", auth.RoleOfficer, "SE")) })
	})
}

func TestRecoveryCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		a, b := newUser("alice", auth.RoleOfficer, "SE"), newUser("bob", auth.RoleOfficer, "SE")
		codes := [][]byte{[]byte("h1"), []byte("h2"), []byte("h3")}
		update(t, s, func(tx auth.Tx) error {
			for _, u := range []*auth.User{a, b} {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			if err := tx.ReplaceRecoveryCodes(ctx, a.ID, [][]byte{[]byte("old")}); err != nil {
				return err
			}
			if err := tx.ReplaceRecoveryCodes(ctx, a.ID, codes); err != nil {
				return err
			}
			return tx.ReplaceRecoveryCodes(ctx, b.ID, [][]byte{[]byte("h1")})
		})
		use := func(uid int64, h string) bool {
			var ok bool
			update(t, s, func(tx auth.Tx) (err error) { ok, err = tx.UseRecoveryCode(ctx, uid, []byte(h)); return err })
			return ok
		}
		count := func(uid int64) int {
			var n int
			if err := s.View(ctx, func(tx auth.Tx) (err error) { n, err = tx.CountRecoveryCodes(ctx, uid); return err }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(a.ID); n != 3 {
			t.Fatalf("CountRecoveryCodes = %d, want 3", n)
		}
		steps := []struct {
			uid  int64
			code string
			want bool
		}{
			{a.ID, "old", false}, // replaced
			{a.ID, "h2", true},
			{a.ID, "h2", false}, // single use
			{a.ID, "nope", false},
			{b.ID, "h2", false}, // another user's code
			{b.ID, "h1", true},
			{a.ID, "h1", true}, // b's use did not consume a's
		}
		for i, st := range steps {
			if got := use(st.uid, st.code); got != st.want {
				t.Errorf("step %d: UseRecoveryCode(%d, %s) = %v, want %v", i, st.uid, st.code, got, st.want)
			}
		}
		if n := count(a.ID); n != 1 {
			t.Errorf("CountRecoveryCodes after use = %d, want 1", n)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		a, b := newUser("alice", auth.RoleOfficer, "SE"), newUser("bob", auth.RoleOfficer, "SE")
		base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
		mk := func(uid int64, tok string, created, seen time.Duration) *auth.Session {
			return &auth.Session{TokenHash: []byte(tok), UserID: uid, Stage: auth.StageSecondFactor,
				CreatedAt: base.Add(created), LastSeenAt: base.Add(seen), Addr: "addr-" + tok}
		}
		var sess []*auth.Session
		update(t, s, func(tx auth.Tx) error {
			for _, u := range []*auth.User{a, b} {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			sess = []*auth.Session{
				mk(a.ID, "fresh", 0, 0),
				mk(a.ID, "idle", -2*time.Hour, -time.Hour),        // idle for an hour
				mk(b.ID, "old", -13*time.Hour, -time.Minute),      // older than 12 hours
				mk(b.ID, "b-fresh", -time.Hour, -10*time.Minute),  // fine
				mk(b.ID, "b-other", -time.Minute, -time.Minute/2), // fine
			}
			for _, x := range sess {
				if err := tx.CreateSession(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		lookup := func(tok string) (*auth.Session, error) {
			var got *auth.Session
			err := s.View(ctx, func(tx auth.Tx) (err error) { got, err = tx.SessionByHash(ctx, []byte(tok)); return err })
			return got, err
		}
		got, err := lookup("fresh")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != sess[0].ID || got.UserID != a.ID || got.Stage != auth.StageSecondFactor ||
			!got.CreatedAt.Equal(base) || !got.LastSeenAt.Equal(base) || got.Addr != "addr-fresh" || string(got.TokenHash) != "fresh" {
			t.Errorf("SessionByHash = %+v", got)
		}
		if _, err := lookup("absent"); !errs.Is(err, errs.NotFound) {
			t.Errorf("SessionByHash(absent) = %v, want NotFound", err)
		}
		// The session with its user, in one statement.
		for _, tc := range []struct {
			tok  string
			user *auth.User
		}{{"fresh", a}, {"b-other", b}} {
			gs, gu, err := s.SessionUser(ctx, []byte(tc.tok))
			want, _ := lookup(tc.tok)
			if err != nil || gs.ID != want.ID || gs.UserID != tc.user.ID || gs.Stage != want.Stage || !gs.CreatedAt.Equal(want.CreatedAt) ||
				!gs.LastSeenAt.Equal(want.LastSeenAt) || gs.Addr != want.Addr || string(gs.TokenHash) != tc.tok {
				t.Errorf("SessionUser(%s) session = %+v, %v; want %+v", tc.tok, gs, err, want)
				continue
			}
			if gu.ID != tc.user.ID || gu.Username != tc.user.Username || gu.Role != tc.user.Role || gu.Country != tc.user.Country ||
				gu.PasswordHash != tc.user.PasswordHash || !gu.CreatedAt.Equal(tc.user.CreatedAt) {
				t.Errorf("SessionUser(%s) user = %+v, want %+v", tc.tok, gu, tc.user)
			}
		}
		if _, _, err := s.SessionUser(ctx, []byte("absent")); !errs.Is(err, errs.NotFound) {
			t.Errorf("SessionUser(absent) = %v, want NotFound", err)
		}
		err = s.Update(ctx, func(tx auth.Tx) error { return tx.CreateSession(ctx, mk(a.ID, "fresh", 0, 0)) })
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("duplicate token: %v, want Conflict", err)
		}

		// Update stage and last seen.
		got.Stage, got.LastSeenAt = auth.StageFull, base.Add(5*time.Minute+time.Nanosecond)
		update(t, s, func(tx auth.Tx) error { return tx.UpdateSession(ctx, got) })
		again, err := lookup("fresh")
		if err != nil || again.Stage != auth.StageFull || !again.LastSeenAt.Equal(base.Add(5*time.Minute)) {
			t.Errorf("after UpdateSession: %+v, %v", again, err)
		}
		missing := *got
		missing.ID = 9999
		if err := s.Update(ctx, func(tx auth.Tx) error { return tx.UpdateSession(ctx, &missing) }); !errs.Is(err, errs.NotFound) {
			t.Errorf("UpdateSession(missing) = %v, want NotFound", err)
		}

		// Sweep: idle since before base-30m, or created before base-12h.
		var n int
		update(t, s, func(tx auth.Tx) (err error) {
			n, err = tx.DeleteExpiredSessions(ctx, base.Add(-30*time.Minute), base.Add(-12*time.Hour))
			return err
		})
		if n != 2 {
			t.Errorf("DeleteExpiredSessions removed %d, want 2", n)
		}
		for tok, want := range map[string]bool{"fresh": true, "idle": false, "old": false, "b-fresh": true, "b-other": true} {
			if _, err := lookup(tok); (err == nil) != want {
				t.Errorf("after sweep, session %s: %v; want present=%v", tok, err, want)
			}
		}

		// Delete one; deleting it again is NotFound.
		update(t, s, func(tx auth.Tx) error { return tx.DeleteSession(ctx, sess[0].ID) })
		if err := s.Update(ctx, func(tx auth.Tx) error { return tx.DeleteSession(ctx, sess[0].ID) }); !errs.Is(err, errs.NotFound) {
			t.Errorf("DeleteSession twice: %v, want NotFound", err)
		}
		// Sign out everywhere.
		update(t, s, func(tx auth.Tx) (err error) { n, err = tx.DeleteUserSessions(ctx, b.ID); return err })
		if n != 2 {
			t.Errorf("DeleteUserSessions removed %d, want 2", n)
		}
		for _, tok := range []string{"fresh", "b-fresh", "b-other"} {
			if _, err := lookup(tok); !errs.Is(err, errs.NotFound) {
				t.Errorf("session %s still there: %v", tok, err)
			}
		}
	})
}
