package auth

import (
	"slices"
	"strconv"
)

// Permission is a capability checked on the server for every route and every
// record. Routes name the permission they need; roles grant permissions
// to people, scopes to API tokens (Actor.Perms).
type Permission string

// Permissions. Country scoping (a user acts only on their own country) is
// checked separately, on every record, by Actor.InScope.
const (
	PermAccount       Permission = "account"        // own account: password, second factor, sessions
	PermUsersManage   Permission = "users.manage"   // create, disable, reset users
	PermAuditRead     Permission = "audit.read"     // read the audit log
	PermCasesRead     Permission = "cases.read"     // read children and cases
	PermCasesWrite    Permission = "cases.write"    // register and edit children and cases
	PermCasesApprove  Permission = "cases.approve"  // approve closing a case, disclosures
	PermCasesExport   Permission = "cases.export"   // export the country's records
	PermSystemMonitor Permission = "system.monitor" // operational pages
	// PermNetworkMonitor: the hub's pages of the network (nodes, matching
	// health). The hub holds no personal data; these show only counts.
	PermNetworkMonitor Permission = "network.monitor"
)

// grants is the one table of what each role may do. Country administrators
// manage accounts but see no case; auditors read the log but change nothing;
// the network administrator manages administrators across countries.
var grants = map[Role][]Permission{
	RoleOfficer:      {PermAccount, PermCasesRead, PermCasesWrite},
	RoleSupervisor:   {PermAccount, PermCasesRead, PermCasesWrite, PermCasesApprove, PermCasesExport},
	RoleCountryAdmin: {PermAccount, PermUsersManage, PermSystemMonitor},
	RoleAuditor:      {PermAccount, PermAuditRead},
	RoleNetworkAdmin: {PermAccount, PermUsersManage, PermAuditRead, PermSystemMonitor, PermNetworkMonitor},
}

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, ok := grants[r]
	return ok
}

// Actor is who performs an act: a signed-in user, an API token or the
// command line (System). Services take an Actor and check it themselves, so
// that authorisation does not depend on the handler remembering to.
type Actor struct {
	UserID int64
	Role   Role
	// TokenID is the API token acting (0 for people and the system). A
	// token is the account of a national system, not of a person: it has
	// no user id and no role, and what it records is written by the token
	// (Ref "token:3"; cases.Change.ByToken), so that history and audit log
	// tell a system's act from a person's.
	TokenID int64
	// Perms, when non-nil, are exactly what the actor may do, in place of
	// the role's grants. A token's permissions follow from its scopes
	// (internal/api/tokens): a token is not a role, and borrowing one
	// (the least role that grants a scope's permission) would hand it
	// that role's other permissions too. Nil for people and the system.
	Perms []Permission
	// Country is the country the actor acts for: a user's or a token's
	// one country ("" only for the network administrator and the system).
	Country Country
	Addr    string // pseudonymised client address
	System  bool   // the command line on the server: every permission, every country
}

// SystemActor is the command line run by the operator on the server.
var SystemActor = Actor{System: true}

// Can reports whether the actor has permission p: the system has every
// one, an actor with Perms exactly those, anyone else their role's. A
// token never falls back to a role: without Perms it may do nothing.
func (a Actor) Can(p Permission) bool {
	switch {
	case a.System:
		return true
	case a.Perms != nil || a.TokenID != 0:
		return slices.Contains(a.Perms, p)
	default:
		return a.Role.Can(p)
	}
}

// InScope reports whether the actor may act on data of country c: their own
// country, or any country for the system and the network administrator.
// A token is always scoped to its one country, whatever role it carries:
// a national system speaks for its own country only.
func (a Actor) InScope(c Country) bool {
	return a.System || (a.TokenID == 0 && a.Role == RoleNetworkAdmin) || (a.Country != "" && a.Country == c)
}

// Ref is the actor as written in the audit log ("user:12", "token:3",
// "system").
func (a Actor) Ref() string {
	switch {
	case a.System:
		return "system"
	case a.TokenID != 0:
		return "token:" + strconv.FormatInt(a.TokenID, 10)
	default:
		return "user:" + strconv.FormatInt(a.UserID, 10)
	}
}
