package auth

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Who manages whom. The System actor (the command line on the server) and
// the network administrator manage every account, administrators of any
// country included. A country administrator manages the officers and
// supervisors of their own country, and no administrator and no auditor:
// auditors watch the administrators, so they are the network level's
// (issue 10 H2);
// accounts of equal or higher privilege are the network administrator's,
// so that one compromised country administrator cannot create, lock out or
// take over the others. Nobody disables or resets their own account here
// (their own password and second factor are changed through the account
// functions, which ask for the current credentials).
func canManage(a Actor, role Role, country Country) bool {
	if a.System {
		return true
	}
	if !a.Can(PermUsersManage) {
		return false
	}
	switch a.Role {
	case RoleNetworkAdmin:
		return true
	case RoleCountryAdmin:
		return a.Country != "" && country == a.Country &&
			(role == RoleOfficer || role == RoleSupervisor)
	}
	return false
}

var (
	errForbidden    = errs.E(errs.Forbidden, "You are not allowed to manage user accounts.")
	errNoSuchUser   = errs.E(errs.NotFound, "No such user.")
	errSelf         = errs.E(errs.Forbidden, "You cannot do this to your own account here; use your account page.")
	errCannotCreate = errs.E(errs.Forbidden, "You are not allowed to create an account with this role or country.")
)

// Validation of account fields.
var (
	usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
)

const maxDisplayName = 100

// validateNewUser normalises and checks nu in place.
func validateNewUser(nu *NewUser) error {
	nu.Username = normalizeUsername(nu.Username)
	if !usernamePattern.MatchString(nu.Username) {
		return errs.Field("username", "The user name must be 3 to 64 characters: lower-case letters a–z, digits, dots, hyphens and underscores, starting with a letter or digit.")
	}
	nu.DisplayName = norm.NFC.String(strings.TrimSpace(nu.DisplayName))
	if nu.DisplayName == "" || utf8.RuneCountInString(nu.DisplayName) > maxDisplayName {
		return errs.Field("display_name", "The display name must be 1 to %d characters.", maxDisplayName)
	}
	if !utf8.ValidString(nu.DisplayName) || strings.IndexFunc(nu.DisplayName, unicode.IsControl) >= 0 {
		return errs.Field("display_name", "The display name contains characters that are not allowed.")
	}
	if !nu.Role.Valid() {
		return errs.Field("role", "Choose one of the roles.")
	}
	return validateCountry(nu.Role, &nu.Country)
}

// validateCountry checks the country of an account of role r: an ISO 3166-1
// alpha-2 code in upper case, and none for the network administrator.
func validateCountry(r Role, c *Country) error {
	*c = Country(strings.ToUpper(strings.TrimSpace(string(*c))))
	if r == RoleNetworkAdmin {
		if *c != "" {
			return errs.Field("country", "A network administrator has no country.")
		}
		return nil
	}
	if !countryPattern.MatchString(string(*c)) {
		return errs.Field("country", "The country must be a two-letter ISO 3166 code, such as SE or LT.")
	}
	return nil
}

// CreateUser creates an account and returns it with its initial password:
// nu.Password if given (it must pass the policy), otherwise a generated one.
// The account enrols its second factor at first sign-in.
func (s *Service) CreateUser(ctx context.Context, a Actor, nu NewUser) (*User, string, error) {
	if !a.Can(PermUsersManage) {
		return nil, "", errForbidden
	}
	if err := validateNewUser(&nu); err != nil {
		return nil, "", err
	}
	if !canManage(a, nu.Role, nu.Country) {
		return nil, "", errCannotCreate
	}
	password := NormalizePassword(nu.Password)
	if password == "" {
		password = GeneratePassword()
	} else if err := CheckPassword(password, nu.Username); err != nil {
		return nil, "", err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	u := &User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, Country: nu.Country,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if errs.Is(err, errs.Conflict) {
				return &errs.Error{Code: errs.Conflict, Field: "username", Message: "This user name is already taken."}
			}
			return errs.Wrap(err, "auth: create user")
		}
		return tx.AppendAudit(ctx, s.record(a, "user.create", userRef(u.ID), u.Country, "ok", "role="+string(u.Role)))
	})
	if err != nil {
		return nil, "", err
	}
	return scrub(u), password, nil
}

// ListUsers lists the users the actor may manage, ordered by username. A
// country administrator's list is their own country's; asking for another
// country is errs.Forbidden.
func (s *Service) ListUsers(ctx context.Context, a Actor, f UserFilter) ([]*User, error) {
	if !a.Can(PermUsersManage) {
		return nil, errForbidden
	}
	if !a.System && a.Role != RoleNetworkAdmin {
		if f.Country != "" && f.Country != a.Country {
			return nil, errs.E(errs.Forbidden, "You may only list the users of your own country.")
		}
		f.Country = a.Country
	}
	var users []*User
	err := s.store.View(ctx, func(tx Tx) error {
		all, err := tx.ListUsers(ctx, f)
		if err != nil {
			return errs.Wrap(err, "auth: list users")
		}
		for _, u := range all {
			if canManage(a, u.Role, u.Country) {
				users = append(users, scrub(u))
			}
		}
		return nil
	})
	return users, err
}

// User returns one user the actor may manage; any other is errs.NotFound,
// so that an administrator cannot probe for accounts outside their scope.
func (s *Service) User(ctx context.Context, a Actor, id int64) (*User, error) {
	if !a.Can(PermUsersManage) {
		return nil, errForbidden
	}
	var u *User
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		u, err = s.managed(ctx, tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return scrub(u), nil
}

// managed reads user id inside tx if a may manage them.
func (s *Service) managed(ctx context.Context, tx Tx, a Actor, id int64) (*User, error) {
	u, err := tx.UserByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, errNoSuchUser, "auth: read user")
	}
	if !canManage(a, u.Role, u.Country) {
		return nil, errNoSuchUser
	}
	return u, nil
}

// adminAct runs an administrative act on user id: the checks every act
// shares (permission, not oneself, scope), then fn inside the transaction.
func (s *Service) adminAct(ctx context.Context, a Actor, id int64, fn func(tx Tx, u *User) error) error {
	if !a.Can(PermUsersManage) {
		return errForbidden
	}
	if !a.System && a.UserID == id {
		return errSelf
	}
	return s.store.Update(ctx, func(tx Tx) error {
		u, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		return fn(tx, u)
	})
}

// SetDisabled disables or enables an account; disabling ends its sessions
// at once (Authenticate also refuses a disabled account's sessions).
func (s *Service) SetDisabled(ctx context.Context, a Actor, id int64, disabled bool) error {
	return s.adminAct(ctx, a, id, func(tx Tx, u *User) error {
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		if u.Disabled != disabled {
			u.Disabled, u.UpdatedAt = disabled, s.now()
			if err := tx.UpdateUser(ctx, u); err != nil {
				return errs.Wrap(err, "auth: update user")
			}
		}
		detail := ""
		if disabled {
			n, err := tx.DeleteUserSessions(ctx, u.ID)
			if err != nil {
				return errs.Wrap(err, "auth: end sessions")
			}
			detail = sessionsDetail(n)
		}
		return tx.AppendAudit(ctx, s.record(a, action, userRef(u.ID), u.Country, "ok", detail))
	})
}

// ResetSecondFactor clears a user's TOTP enrolment and recovery codes and
// ends their sessions; they enrol again at their next sign-in.
func (s *Service) ResetSecondFactor(ctx context.Context, a Actor, id int64) error {
	return s.adminAct(ctx, a, id, func(tx Tx, u *User) error {
		u.TOTPSecret, u.TOTPEnrolled, u.TOTPLastStep, u.UpdatedAt = nil, false, 0, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: update user")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return errs.Wrap(err, "auth: clear recovery codes")
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return errs.Wrap(err, "auth: end sessions")
		}
		return tx.AppendAudit(ctx, s.record(a, "user.reset_second_factor", userRef(u.ID), u.Country, "ok", sessionsDetail(n)))
	})
}

// ResetPassword sets a new generated password, returned once, and ends the
// user's sessions.
func (s *Service) ResetPassword(ctx context.Context, a Actor, id int64) (string, error) {
	// Check before hashing, so that a refused request costs no hash; the
	// act re-checks inside its transaction.
	if !a.Can(PermUsersManage) {
		return "", errForbidden
	}
	if !a.System && a.UserID == id {
		return "", errSelf
	}
	if err := s.store.View(ctx, func(tx Tx) error { _, err := s.managed(ctx, tx, a, id); return err }); err != nil {
		return "", err
	}
	password := GeneratePassword()
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	err = s.adminAct(ctx, a, id, func(tx Tx, u *User) error {
		u.PasswordHash, u.UpdatedAt = hash, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: update user")
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return errs.Wrap(err, "auth: end sessions")
		}
		return tx.AppendAudit(ctx, s.record(a, "user.reset_password", userRef(u.ID), u.Country, "ok", sessionsDetail(n)))
	})
	if err != nil {
		return "", err
	}
	return password, nil
}

func sessionsDetail(n int) string { return "sessions_ended=" + strconv.Itoa(n) }
