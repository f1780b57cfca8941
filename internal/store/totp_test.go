package store_test

import (
	"context"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestTOTPStepOnlyAdvances checks the two guards that make a TOTP code
// single-use across processes: UseTOTPStep records a step only if it is
// later than the one recorded, and UpdateUser with a stale copy of the user
// does not move the step back while the secret is unchanged.
func TestTOTPStepOnlyAdvances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		ctx := context.Background()
		s := store.NewAuthStore(db)
		u := newUser("alice", auth.RoleOfficer, "SE")
		u.TOTPSecret, u.TOTPEnrolled = []byte("sealed secret"), true
		update(t, s, func(tx auth.Tx) error { return tx.CreateUser(ctx, u) })
		stale := *u // read before any code was used

		for _, tt := range []struct {
			step int64
			want bool
		}{{5, true}, {5, false}, {4, false}, {6, true}, {0, false}} {
			var used bool
			update(t, s, func(tx auth.Tx) (err error) {
				used, err = tx.UseTOTPStep(ctx, u.ID, tt.step, t0)
				return err
			})
			if used != tt.want {
				t.Errorf("UseTOTPStep(%d) = %v, want %v", tt.step, used, tt.want)
			}
		}
		step := func() int64 {
			t.Helper()
			var got *auth.User
			update(t, s, func(tx auth.Tx) (err error) { got, err = tx.UserByID(ctx, u.ID); return err })
			return got.TOTPLastStep
		}
		if got := step(); got != 6 {
			t.Fatalf("last step %d, want 6", got)
		}

		stale.Language = "sv"
		update(t, s, func(tx auth.Tx) error { return tx.UpdateUser(ctx, &stale) })
		if got := step(); got != 6 {
			t.Fatalf("a stale copy written back moved the last step to %d, want 6", got)
		}

		reset := stale
		reset.TOTPSecret, reset.TOTPEnrolled, reset.TOTPLastStep = nil, false, 0
		update(t, s, func(tx auth.Tx) error { return tx.UpdateUser(ctx, &reset) })
		if got := step(); got != 0 {
			t.Fatalf("after a second-factor reset the last step is %d, want 0", got)
		}
		var used bool
		update(t, s, func(tx auth.Tx) (err error) { used, err = tx.UseTOTPStep(ctx, 999, 7, t0); return err })
		if used {
			t.Fatal("UseTOTPStep on an unknown user reported use")
		}
	})
}
