package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TestInviteApproveEnrol is issue 10 H2: an administrator creates an
// account without learning its password; the new user sets it through a
// one-time link; a supervisor, administrator or auditor account cannot sign
// in until a second administrator approves it; every step is audited.
func TestInviteApproveEnrol(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adm1, _ := f.user("se.admin1", auth.RoleCountryAdmin, "SE")
		adm2, _ := f.user("se.admin2", auth.RoleCountryAdmin, "SE")
		net, _ := f.user("net.admin", auth.RoleNetworkAdmin, "")
		a1, a2, na := actor(adm1), actor(adm2), actor(net)

		// A country administrator cannot make an auditor: the network
		// level manages those who watch the administrators.
		_, _, err := f.svc.InviteUser(f.ctx, a1, auth.NewUser{Username: "se.aud", DisplayName: "A", Role: auth.RoleAuditor, Country: "SE"})
		wantCode(t, "auditor by a country admin", err, errs.Forbidden)

		sup, link, err := f.svc.InviteUser(f.ctx, a1, auth.NewUser{Username: "se.sup", DisplayName: "S", Role: auth.RoleSupervisor, Country: "SE"})
		if err != nil || !sup.Pending || link == "" || sup.EnrolHash != nil {
			t.Fatalf("invite: %+v %q %v", sup, link, err)
		}
		pw := "a long chosen passphrase 7"
		if _, err := f.svc.SetPasswordByLink(f.ctx, link, "short", "x"); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("the password policy applies: %v", err)
		}
		if _, err := f.svc.SetPasswordByLink(f.ctx, link, pw, "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPasswordByLink(f.ctx, link, pw+"x", "x"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a link works once: %v", err)
		}
		// Pending: the right password does not sign in, with the same answer
		// as a wrong one.
		_, _, err = f.svc.SignIn(f.ctx, "se.sup", pw, "x")
		wantCode(t, "pending account", err, errs.Unauthorized)

		// The creator cannot approve; the command line cannot either.
		wantCode(t, "own approval", f.svc.ApproveUser(f.ctx, a1, sup.ID), errs.Forbidden)
		wantCode(t, "system approval", f.svc.ApproveUser(f.ctx, auth.SystemActor, sup.ID), errs.Forbidden)
		if err := f.svc.ApproveUser(f.ctx, a2, sup.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "approved twice", f.svc.ApproveUser(f.ctx, na, sup.ID), errs.Conflict)
		if _, sess, err := f.svc.SignIn(f.ctx, "se.sup", pw, "x"); err != nil || sess.Stage != auth.StageEnrol {
			t.Fatalf("approved: %v", err)
		}

		// An officer needs no approval; an expired link does nothing.
		_, olink, err := f.svc.InviteUser(f.ctx, a1, auth.NewUser{Username: "se.off", DisplayName: "O", Role: auth.RoleOfficer, Country: "SE"})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Add(auth.EnrolLinkLifetime + time.Minute)
		if _, err := f.svc.SetPasswordByLink(f.ctx, olink, pw, "x"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("expired link: %v", err)
		}
		// Never set: no password signs in.
		_, _, err = f.svc.SignIn(f.ctx, "se.off", "", "y")
		wantCode(t, "no password yet", err, errs.Unauthorized)

		// An administrator reissues a link instead of learning a password.
		link2, err := f.svc.ReissueLink(f.ctx, a2, sup.ID)
		if err != nil || link2 == "" {
			t.Fatal(err)
		}
		_, _, err = f.svc.SignIn(f.ctx, "se.sup", pw, "z")
		wantCode(t, "after reissue the old password", err, errs.Unauthorized)

		var got []string
		for _, e := range f.audit() {
			if strings.HasPrefix(e.Action, "user.") || e.Action == "auth.password_set" {
				got = append(got, e.Action+" "+e.Detail)
			}
		}
		joined := strings.Join(got, "|")
		for _, want := range []string{"user.create role=ncp_supervisor enrol=link pending_approval", "auth.password_set enrolment_link",
			"user.approve role=ncp_supervisor created_by=user:", "user.reset_password sessions_ended=1 enrol=link"} {
			if !strings.Contains(joined, want) {
				t.Errorf("audit lacks %q: %s", want, joined)
			}
		}
	})
}

// TestBootstrapFirstAdmin: the operator creates a node's first
// administrator without approval (there is no second one yet); the next
// administrator, and a supervisor, need approval, which the first gives.
func TestBootstrapFirstAdmin(t *testing.T) {
	sqlite(t, func(t *testing.T, f *fixture) {
		first, _, err := f.svc.InviteUser(f.ctx, auth.SystemActor, auth.NewUser{Username: "first.admin", DisplayName: "F", Role: auth.RoleNetworkAdmin})
		if err != nil || first.Pending {
			t.Fatalf("first admin: %+v %v", first, err)
		}
		second, _, err := f.svc.InviteUser(f.ctx, auth.SystemActor, auth.NewUser{Username: "second.admin", DisplayName: "S", Role: auth.RoleCountryAdmin, Country: "SE"})
		if err != nil || !second.Pending {
			t.Fatalf("second admin: %+v %v", second, err)
		}
		if err := f.svc.ApproveUser(f.ctx, actor(first), second.ID); err != nil {
			t.Fatalf("the first approves the second: %v", err)
		}
		sup, _, err := f.svc.InviteUser(f.ctx, auth.SystemActor, auth.NewUser{Username: "a.sup", DisplayName: "S", Role: auth.RoleSupervisor, Country: "SE"})
		if err != nil || !sup.Pending {
			t.Fatalf("a supervisor from the command line: %+v %v", sup, err)
		}
	})
}
