// Package tokens holds the API tokens of national systems: random 256-bit
// secrets shown once and stored only as SHA-256, each belonging to one
// system, one country and a set of scopes. It defines the persistence it
// needs (Store, Tx); internal/store implements it. internal/api
// authenticates requests with it; the token commands of the CLI manage it.
package tokens

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Scope is what a token may do. A route names the one scope it needs.
type Scope string

// Scopes. The values are stored in the database: never rename one.
const (
	ScopeRead   Scope = "read"   // read children, cases and timelines; search
	ScopeWrite  Scope = "write"  // register, update, add cases and events, batch upserts
	ScopeExport Scope = "export" // export every record of the country
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeExport}

// scopePerms is the one table of what each scope lets a token do in the
// services: a token acts with exactly these permissions (auth.Actor.Perms),
// never with a role's. Writing and exporting include reading: a system
// that writes reads back what it wrote, and an export reads every record.
// No scope grants cases.approve (closing a case takes two people),
// users.manage or audit.read: a national system never gets them.
var scopePerms = map[Scope][]auth.Permission{
	ScopeRead:   {auth.PermCasesRead},
	ScopeWrite:  {auth.PermCasesRead, auth.PermCasesWrite},
	ScopeExport: {auth.PermCasesRead, auth.PermCasesExport},
}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return slices.Contains(Scopes, s) }

// ParseScopes parses a comma- or space-separated list of scopes, sorted
// and without repetition.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		sc := Scope(strings.ToLower(f))
		if !sc.Valid() {
			return nil, errs.Field("scopes", "the scopes must be some of read, write, export")
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, errs.Field("scopes", "at least one scope (read, write, export) is required")
	}
	slices.Sort(out)
	return out, nil
}

// JoinScopes writes scopes as "read,write".
func JoinScopes(scopes []Scope) string {
	s := make([]string, len(scopes))
	for i, sc := range scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ",")
}

// Token is the API token of one national system. The secret itself is
// never stored: only its SHA-256.
type Token struct {
	ID         int64
	Name       string // the national system, e.g. "Migrationsverket case system"; never a person
	Country    auth.Country
	Scopes     []Scope // sorted
	Hash       []byte  // SHA-256 of the secret
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used; kept to the minute (see touchEvery)
	RevokedAt  time.Time // zero: active
	// ExpiresAt is when the token stops working; zero for a token made
	// before tokens expired, which expires MaxLifetime after CreatedAt.
	ExpiresAt time.Time
}

// Token lifetimes (issue 10 L6): a token expires DefaultLifetime after it
// is made unless a shorter or longer one is asked for, never later than
// MaxLifetime. A national system's operators renew it by making a new
// one and revoking the old, as docs/api.md describes.
const (
	DefaultLifetime = 90 * 24 * time.Hour
	MaxLifetime     = 365 * 24 * time.Hour
	MinLifetime     = time.Hour
)

// Expiry returns when the token stops working.
func (t *Token) Expiry() time.Time {
	if t.ExpiresAt.IsZero() {
		return t.CreatedAt.Add(MaxLifetime)
	}
	return t.ExpiresAt
}

// Expired reports whether the token has expired at now.
func (t *Token) Expired(now time.Time) bool { return !now.Before(t.Expiry()) }

// Has reports whether the token has scope s.
func (t *Token) Has(s Scope) bool { return slices.Contains(t.Scopes, s) }

// Permissions returns what the token may do in the services: the
// permissions of its scopes (see scopePerms), sorted, never nil, so that
// an auth.Actor with them checks exactly these.
func (t *Token) Permissions() []auth.Permission {
	out := []auth.Permission{}
	for _, s := range t.Scopes {
		out = append(out, scopePerms[s]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Revoked reports whether the token has been revoked.
func (t *Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Ref is the token as written in the audit log: "token:3", as the
// auth.Actor of its requests names it.
func (t *Token) Ref() string { return auth.Actor{TokenID: t.ID}.Ref() }

// AuditRole is the token as written in the role column of the audit log:
// "api:read,write".
func (t *Token) AuditRole() string { return "api:" + JoinScopes(t.Scopes) }

// Store is the persistence tokens need; internal/store implements it
// (store.TokenStore).
type Store interface {
	// Update runs fn in a read-write transaction, committed if fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction. Lookups of absent tokens return errs.NotFound.
type Tx interface {
	audit.Appender

	// CreateToken inserts t and sets its ID (and CreatedAt when zero).
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash reads the token whose secret hashes to hash.
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	// TokenByID reads a token.
	TokenByID(ctx context.Context, id int64) (*Token, error)
	// ListTokens returns the tokens of country (every country for ""), by id.
	ListTokens(ctx context.Context, country auth.Country) ([]*Token, error)
	// RevokeToken sets the revocation time of a token not yet revoked and
	// reports whether it did.
	RevokeToken(ctx context.Context, id int64, at time.Time) (bool, error)
	// TouchToken sets a token's last use.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	// TokenNames returns the names of the tokens ids, revoked ones
	// included, in one query; ids that name no token are left out.
	TokenNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Secret format: the prefix, then base32 (lower case, no padding) of 32
// random bytes followed by the CRC-32 of those bytes. The prefix lets
// secret scanners recognise a leaked token; the checksum lets them (and
// the server, before any database lookup) tell a token from random text.
const (
	// SecretPrefix begins every token.
	SecretPrefix = "cct_"
	secretBytes  = 32
	secretLen    = len(SecretPrefix) + (8*(secretBytes+4)+4)/5
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newSecret returns a fresh token secret.
func newSecret() string {
	b := make([]byte, secretBytes, secretBytes+4)
	rand.Read(b) // never fails (crypto/rand)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return SecretPrefix + strings.ToLower(b32.EncodeToString(b))
}

// wellFormed reports whether s has the form of a token secret and its
// checksum holds.
func wellFormed(s string) bool {
	if len(s) != secretLen || !strings.HasPrefix(s, SecretPrefix) {
		return false
	}
	b, err := b32.DecodeString(strings.ToUpper(s[len(SecretPrefix):]))
	if err != nil || len(b) != secretBytes+4 {
		return false
	}
	return binary.BigEndian.Uint32(b[secretBytes:]) == crc32.ChecksumIEEE(b[:secretBytes])
}

// HashSecret returns the SHA-256 of a secret, the form it is stored in.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// touchEvery is how stale a token's last use may get before a request
// writes it again: a busy system does not write on every call.
const touchEvery = time.Minute

// maxTokenName bounds a token's name, in characters.
const maxTokenName = 100

// Service manages API tokens: creation, listing, revocation, and the
// authentication of requests.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns the token service on st; now is its clock (time.Now when nil).
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

func (t *Service) clock() time.Time { return t.now().UTC().Truncate(time.Microsecond) }

// mayManage checks that a may manage the tokens of country: the operator
// on the server, or an administrator of users of that country (tokens are
// the accounts of national systems).
func mayManage(a auth.Actor, country auth.Country) error {
	if a.System || (a.Can(auth.PermUsersManage) && a.InScope(country)) {
		return nil
	}
	return errs.E(errs.Forbidden, "your role does not allow managing API tokens of this country")
}

// Create makes a token for a national system of country and returns it
// with its secret, which is shown this once and never again. Audited as
// token.create.
func (t *Service) Create(ctx context.Context, a auth.Actor, name string, country auth.Country, scopes []Scope) (*Token, string, error) {
	return t.CreateFor(ctx, a, name, country, scopes, 0)
}

// CreateFor is Create with a lifetime: 0 means DefaultLifetime; it must
// lie between MinLifetime and MaxLifetime.
func (t *Service) CreateFor(ctx context.Context, a auth.Actor, name string, country auth.Country, scopes []Scope, lifetime time.Duration) (*Token, string, error) {
	name = strings.TrimSpace(name)
	var problems []error
	if lifetime == 0 {
		lifetime = DefaultLifetime
	}
	if lifetime < MinLifetime || lifetime > MaxLifetime {
		problems = append(problems, errs.Field("lifetime", "a token lives between 1 hour and 365 days"))
	}
	switch {
	case name == "":
		problems = append(problems, errs.Field("name", "the name of the national system is required"))
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		problems = append(problems, errs.Field("name", "the name contains characters that are not text"))
	case utf8.RuneCountInString(name) > maxTokenName:
		problems = append(problems, errs.Field("name", "the name is longer than %d characters", maxTokenName))
	}
	if !validCountry(country) {
		problems = append(problems, errs.Field("country", "the country must be an ISO 3166-1 alpha-2 code in upper case, e.g. SE"))
	}
	scopes = slices.Clone(scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	if len(scopes) == 0 {
		problems = append(problems, errs.Field("scopes", "at least one scope (read, write, export) is required"))
	}
	for _, s := range scopes {
		if !s.Valid() {
			problems = append(problems, errs.Field("scopes", "the scopes must be some of read, write, export"))
			break
		}
	}
	if len(problems) > 0 {
		return nil, "", errors.Join(problems...)
	}
	if err := mayManage(a, country); err != nil {
		return nil, "", err
	}
	secret := newSecret()
	now := t.clock()
	tok := &Token{Name: name, Country: country, Scopes: scopes, Hash: HashSecret(secret), CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err := t.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateToken(ctx, tok); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record{Time: t.clock(), Actor: a.Ref(), Role: string(a.Role),
			Country: string(country), Action: audit.ActTokenCreate, Target: tok.Ref(), Outcome: "ok",
			Addr: a.Addr, Detail: "scopes=" + JoinScopes(scopes) + " expires=" + tok.ExpiresAt.Format(time.RFC3339)})
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

// List returns the tokens of country (every country for "", for the
// operator only), without their hashes.
func (t *Service) List(ctx context.Context, a auth.Actor, country auth.Country) ([]*Token, error) {
	if country == "" && !a.System {
		return nil, errs.E(errs.Forbidden, "only the operator may list the tokens of every country")
	}
	if err := mayManage(a, country); country != "" && err != nil {
		return nil, err
	}
	var out []*Token
	err := t.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListTokens(ctx, country)
		return err
	})
	for _, tok := range out {
		tok.Hash = nil
	}
	return out, err
}

// Revoke revokes a token: from now on it authenticates nothing. Revoking
// a revoked token is errs.Conflict. Audited as token.revoke.
func (t *Service) Revoke(ctx context.Context, a auth.Actor, id int64) error {
	if !a.System && !a.Can(auth.PermUsersManage) {
		return mayManage(a, "")
	}
	return t.store.Update(ctx, func(tx Tx) error {
		tok, err := tx.TokenByID(ctx, id)
		if err != nil {
			return err
		}
		if mayManage(a, tok.Country) != nil {
			return errs.E(errs.NotFound, "token not found") // another country's token does not exist for a
		}
		now := t.clock()
		ok, err := tx.RevokeToken(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "the token is already revoked")
		}
		return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: a.Ref(), Role: string(a.Role),
			Country: string(tok.Country), Action: audit.ActTokenRevoke, Target: tok.Ref(), Outcome: "ok", Addr: a.Addr})
	})
}

// TokenNames returns the names of the tokens ids (revoked ones too), for
// the pages that name who made a change or recorded an event: "API:
// Migrationsverket case system". A token's name is a national system's,
// never a person's. Ids that name no token are left out. Not audited: it
// reads no child's data.
func (t *Service) TokenNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	var out map[int64]string
	err := t.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.TokenNames(ctx, ids)
		return err
	})
	return out, err
}

// ErrBadToken is the one answer to every secret that does not name an
// active token: unknown, malformed or revoked alike.
var ErrBadToken = errs.E(errs.Unauthorized, "the token is not valid")

// Authenticate returns the active token whose secret is secret, and
// records its use (at most once every touchEvery). A revoked or expired
// token is returned with ErrBadToken, so that the caller can audit its use
// (Revoked tells which).
func (t *Service) Authenticate(ctx context.Context, secret string) (*Token, error) {
	if !wellFormed(secret) {
		return nil, ErrBadToken
	}
	var tok *Token
	err := t.store.View(ctx, func(tx Tx) error {
		var err error
		tok, err = tx.TokenByHash(ctx, HashSecret(secret))
		return err
	})
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, ErrBadToken
	case err != nil:
		return nil, err
	case tok.Revoked(), tok.Expired(t.clock()):
		return tok, ErrBadToken
	}
	if now := t.clock(); now.Sub(tok.LastUsedAt) >= touchEvery {
		err := t.store.Update(ctx, func(tx Tx) error { return tx.TouchToken(ctx, tok.ID, now) })
		if err != nil {
			return nil, err
		}
		tok.LastUsedAt = now
	}
	return tok, nil
}

func validCountry(c auth.Country) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}
