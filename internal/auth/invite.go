package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Accounts are enrolled by a one-time link, and accounts with rights over
// others' data or accounts need a second administrator's approval (issue
// 10 H2). An administrator who creates an account never learns its
// password or second factor: the new user opens the link, chooses their
// own password, and enrols their second factor at their first sign-in. A
// supervisor (who approves closures and exports), an administrator or an
// auditor cannot sign in until another administrator than its creator has
// approved it, so that one administrator alone cannot make an account that
// reaches the data or watches the log.

// EnrolLinkLifetime is how long an enrolment link works.
const EnrolLinkLifetime = 72 * time.Hour

// RequiresApproval reports whether an account of role r needs a second
// administrator's approval before it can sign in.
func RequiresApproval(r Role) bool {
	switch r {
	case RoleSupervisor, RoleCountryAdmin, RoleNetworkAdmin, RoleAuditor:
		return true
	}
	return false
}

var (
	errLinkInvalid  = errs.E(errs.NotFound, "This enrolment link is not valid: it was used already, has expired, or was never issued. Ask your administrator for a new one.")
	errNotPending   = errs.E(errs.Conflict, "This account does not await approval.")
	errOwnApproval  = errs.E(errs.Forbidden, "An account is approved by another administrator than the one who created it.")
	errSystemApprov = errs.E(errs.Forbidden, "An account is approved by an administrator, not by the command line.")
)

// InviteUser creates an account without a password and returns it with the
// token of its one-time enrolment link (/welcome/TOKEN), valid for
// EnrolLinkLifetime. An account of a role that RequiresApproval is created
// pending, except the first administrator of a node, made by the operator
// on the command line when the node has no administrator yet (bootstrap:
// there is no second administrator to approve it). Audited as user.create.
func (s *Service) InviteUser(ctx context.Context, a Actor, nu NewUser) (*User, string, error) {
	if !a.Can(PermUsersManage) {
		return nil, "", errForbidden
	}
	if err := validateNewUser(&nu); err != nil {
		return nil, "", err
	}
	if !canManage(a, nu.Role, nu.Country) {
		return nil, "", errCannotCreate
	}
	token, hash := newToken()
	now := s.now()
	u := &User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, Country: nu.Country,
		CreatedAt: now, UpdatedAt: now, CreatedBy: a.UserID, EnrolHash: hash, EnrolExpires: now.Add(EnrolLinkLifetime)}
	err := s.store.Update(ctx, func(tx Tx) error {
		if RequiresApproval(nu.Role) {
			boot, err := s.bootstrap(ctx, tx, a, nu.Role)
			if err != nil {
				return err
			}
			u.Pending = !boot
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			if errs.Is(err, errs.Conflict) {
				return &errs.Error{Code: errs.Conflict, Field: "username", Message: "This user name is already taken."}
			}
			return errs.Wrap(err, "auth: create user")
		}
		detail := "role=" + string(u.Role) + " enrol=link"
		if u.Pending {
			detail += " pending_approval"
		} else if RequiresApproval(u.Role) {
			detail += " bootstrap"
		}
		return tx.AppendAudit(ctx, s.record(a, "user.create", userRef(u.ID), u.Country, "ok", detail))
	})
	if err != nil {
		return nil, "", err
	}
	return scrub(u), token, nil
}

// bootstrap reports whether a, the command line, is creating the first
// administrator of a node: an administrator role, and no approved, enabled
// administrator on the node.
func (s *Service) bootstrap(ctx context.Context, tx Tx, a Actor, r Role) (bool, error) {
	if !a.System || (r != RoleCountryAdmin && r != RoleNetworkAdmin) {
		return false, nil
	}
	users, err := tx.ListUsers(ctx, UserFilter{})
	if err != nil {
		return false, errs.Wrap(err, "auth: list users")
	}
	for _, u := range users {
		if (u.Role == RoleCountryAdmin || u.Role == RoleNetworkAdmin) && !u.Pending && !u.Disabled {
			return false, nil
		}
	}
	return true, nil
}

// ApproveUser approves a pending account: by an administrator who may
// manage its role (auditors: the network administrator), other than the
// one who created it, never by the command line. Audited as user.approve.
func (s *Service) ApproveUser(ctx context.Context, a Actor, id int64) error {
	if a.System {
		return errSystemApprov
	}
	return s.adminAct(ctx, a, id, func(tx Tx, u *User) error {
		if !u.Pending {
			return errNotPending
		}
		if u.CreatedBy == a.UserID {
			return errOwnApproval
		}
		u.Pending, u.UpdatedAt = false, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: approve user")
		}
		return tx.AppendAudit(ctx, s.record(a, "user.approve", userRef(u.ID), u.Country, "ok",
			"role="+string(u.Role)+" created_by=user:"+strconv.FormatInt(u.CreatedBy, 10)))
	})
}

// SetPasswordByLink is the new user's side of an enrolment link: it checks
// the link's token and sets the password the user chose (the policy
// applies), and spends the link. The user then signs in and enrols their
// second factor. Audited as auth.password_set.
func (s *Service) SetPasswordByLink(ctx context.Context, token, password, addr string) (*User, error) {
	if len(token) == 0 || len(token) > 128 {
		return nil, errLinkInvalid
	}
	var user *User
	err := s.store.View(ctx, func(tx Tx) error {
		u, err := tx.UserByEnrolHash(ctx, hashToken(token))
		if err != nil {
			return notFoundAs(err, errLinkInvalid, "auth: read enrolment link")
		}
		user = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !s.now().Before(user.EnrolExpires) || user.Disabled {
		return nil, errLinkInvalid
	}
	password = NormalizePassword(password)
	if err := CheckPassword(password, user.Username); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByEnrolHash(ctx, hashToken(token))
		if err != nil {
			return notFoundAs(err, errLinkInvalid, "auth: read enrolment link") // spent meanwhile
		}
		u.PasswordHash, u.EnrolHash, u.EnrolExpires, u.UpdatedAt = hash, nil, time.Time{}, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: set password")
		}
		user = u
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.password_set", userRef(u.ID), u.Country, "ok", "enrolment_link"))
	})
	if err != nil {
		return nil, err
	}
	return scrub(user), nil
}

// ReissueLink replaces an account's password by a new enrolment link: the
// administrator never learns the password the user then chooses. The
// user's sessions end. Audited as user.reset_password.
func (s *Service) ReissueLink(ctx context.Context, a Actor, id int64) (string, error) {
	token, hash := newToken()
	err := s.adminAct(ctx, a, id, func(tx Tx, u *User) error {
		now := s.now()
		u.PasswordHash, u.EnrolHash, u.EnrolExpires, u.UpdatedAt = "", hash, now.Add(EnrolLinkLifetime), now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: update user")
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return errs.Wrap(err, "auth: end sessions")
		}
		return tx.AppendAudit(ctx, s.record(a, "user.reset_password", userRef(u.ID), u.Country, "ok", sessionsDetail(n)+" enrol=link"))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}
