// Package auth holds accounts, roles, sessions and the sign-in flow of
// Childcentre: who may enter, with which role, for which country.
//
// The package defines the domain types and the storage interface it needs
// (Store, Tx); internal/store implements it on SQLite and PostgreSQL.
package auth

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
)

// Role is what a user may do. Country roles are scoped to the user's country.
type Role string

// Roles. The values are stored in the database: never rename one.
const (
	RoleOfficer      Role = "ncp_officer"    // works on cases of their country
	RoleSupervisor   Role = "ncp_supervisor" // officer who also approves (closing cases, disclosures)
	RoleCountryAdmin Role = "country_admin"  // manages the users of their own country
	RoleAuditor      Role = "auditor"        // reads the audit log of their country
	RoleNetworkAdmin Role = "network_admin"  // manages every country's administrators; no case access
)

// Roles of the public knowledge site on the hub (internal/site). Their
// country is where the account sits; only a coordinator is limited by it.
const (
	RoleSiteEditor      Role = "secretariat_editor"   // writes and publishes every item of the site
	RoleSiteCoordinator Role = "national_coordinator" // writes their own country's pages, contact points and news
	RoleSiteReviewer    Role = "site_reviewer"        // reviews drafts; publishes or returns what is in review
)

// Roles lists every role, in the order they are shown.
var Roles = []Role{RoleOfficer, RoleSupervisor, RoleCountryAdmin, RoleAuditor, RoleNetworkAdmin,
	RoleSiteEditor, RoleSiteCoordinator, RoleSiteReviewer}

// Country is an ISO 3166-1 alpha-2 code in upper case ("SE", "LT").
type Country string

// User is an account of a professional.
type User struct {
	ID           int64
	Username     string // sign-in name; lower case, [a-z0-9._-]
	DisplayName  string // shown in the interface; a professional's name, never logged
	Role         Role
	Country      Country // empty only for RoleNetworkAdmin
	Language     string  // preferred interface language ("" = the browser's)
	PasswordHash string  // PHC string of an Argon2id hash
	TOTPSecret   []byte  // sealed (internal/crypto) second-factor secret; nil until enrolled
	TOTPEnrolled bool
	TOTPLastStep int64 // last accepted RFC 6238 time step: a code is accepted once
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Pending is true until a second administrator approves the account
	// (RequiresApproval); it cannot sign in meanwhile.
	Pending   bool
	CreatedBy int64 // the administrator who created it; 0 for the command line
	// EnrolHash is the SHA-256 of the one-time enrolment link's token, nil
	// once used; EnrolExpires is when the link stops working.
	EnrolHash    []byte
	EnrolExpires time.Time
}

// Stage is how far a session has come through sign-in.
type Stage string

// Session stages.
const (
	StageSecondFactor Stage = "second_factor" // password checked, TOTP code pending
	StageEnrol        Stage = "enrol"         // password checked, TOTP must be enrolled first
	StageFull         Stage = "full"          // signed in
)

// Session is a server-side session. The client holds a random 256-bit token;
// the database holds only its SHA-256 hash.
type Session struct {
	ID         int64
	TokenHash  []byte
	UserID     int64
	Stage      Stage
	CreatedAt  time.Time
	LastSeenAt time.Time
	Addr       string // pseudonymised client address (keyed hash), never the address itself
}

// UserFilter selects users for listing.
type UserFilter struct {
	Country Country // "" = every country
	Role    Role    // "" = every role
}

// Store is the persistence auth needs. Every audit record appended through a
// Tx commits or rolls back with the change it records.
type Store interface {
	// Update runs fn in a read-write transaction, committed if fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// SessionUser reads the session with the given token hash and its
	// user, errs.NotFound when either is absent. Every request signed in
	// reads them: a store answers in one statement, without a
	// transaction.
	SessionUser(ctx context.Context, tokenHash []byte) (*Session, *User, error)
}

// Tx is one transaction. Lookups of absent records return an errs.NotFound
// error; a unique username violation returns errs.Conflict.
type Tx interface {
	audit.Appender

	CreateUser(ctx context.Context, u *User) error // sets ID, CreatedAt, UpdatedAt from u or now
	UpdateUser(ctx context.Context, u *User) error // writes every field but ID and CreatedAt
	UserByID(ctx context.Context, id int64) (*User, error)
	UserByName(ctx context.Context, username string) (*User, error)
	// UserByEnrolHash reads the user whose enrolment token hashes to hash.
	UserByEnrolHash(ctx context.Context, hash []byte) (*User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]*User, error) // ordered by username
	CountUsers(ctx context.Context) (int, error)
	// Usernames returns the usernames of the users ids, in one query; ids
	// that name no user are left out.
	Usernames(ctx context.Context, ids []int64) (map[int64]string, error)

	// ReplaceRecoveryCodes stores new hashed one-time recovery codes, removing old ones.
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error
	// UseRecoveryCode deletes a matching unused code and reports whether there was one.
	UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (bool, error)
	CountRecoveryCodes(ctx context.Context, userID int64) (int, error)
	// UseTOTPStep records step as the user's last accepted TOTP step, at,
	// only if it is later than the step recorded, and reports whether it
	// did: a code is used once even when two server processes check it at
	// the same moment.
	UseTOTPStep(ctx context.Context, userID, step int64, at time.Time) (bool, error)

	CreateSession(ctx context.Context, s *Session) error // sets ID
	SessionByHash(ctx context.Context, tokenHash []byte) (*Session, error)
	UpdateSession(ctx context.Context, s *Session) error // stage and last seen
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions ends every session of a user and returns how many there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	// DeleteExpiredSessions removes sessions idle since before idle or created before absolute.
	DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error)
}
