package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Sealer encrypts secrets at rest (TOTP secrets), bound to a context string
// given as associated data. internal/crypto implements it.
type Sealer interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
}

// Config tunes the service. Zero values take the documented defaults.
type Config struct {
	IdleTimeout     time.Duration // default 30 minutes
	AbsoluteTimeout time.Duration // default 12 hours
	// PendingTimeout bounds a session between the password and the second
	// factor (or enrolment); default 15 minutes.
	PendingTimeout time.Duration
	Issuer         string // shown in authenticator apps, e.g. "Childcentre SE"; default "Childcentre"
	Now            func() time.Time

	// Password holds the Argon2id parameters of new hashes; zero means
	// DefaultPasswordParams. Tests use small ones.
	Password PasswordParams
	// MaxConcurrentHashes bounds the password hashes computed at once;
	// zero means GOMAXPROCS.
	MaxConcurrentHashes int
	// AccountLimit bounds wrong second-factor codes per account and
	// AddressLimit failures per source; zero means DefaultAccountLimit and
	// DefaultAddressLimit.
	AccountLimit Limit
	AddressLimit Limit
	// AccountDelay and SourceDelay are the progressive delays after wrong
	// passwords per account and per account and source; zero means
	// DefaultAccountDelay and DefaultSourceDelay.
	AccountDelay Delay
	SourceDelay  Delay
}

// Default timeouts (ASVS 5.0 V7.3: idle and absolute session timeouts).
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultPendingTimeout  = 15 * time.Minute
	DefaultIssuer          = "Childcentre"
)

// lastSeenResolution is how stale a session's LastSeenAt may get before
// Authenticate writes it: at most one write a minute per session instead of
// one per request. A session may so end up to a minute before its idle
// timeout, never after it.
const lastSeenResolution = time.Minute

// Principal is the signed-in user as handlers see it. User carries no
// password hash and no TOTP secret: the service reads those itself.
type Principal struct {
	User    *User
	Session *Session
}

// Enrolment is what a user needs to add Childcentre to an authenticator app.
type Enrolment struct {
	Secret string // base32, for typing in by hand
	URI    string // otpauth:// URI, drawn as a QR code by the web layer
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username    string
	DisplayName string
	Role        Role
	Country     Country
	Password    string // optional: a strong one is generated when empty
}

// Service is the sign-in flow and account administration. It checks
// authorisation itself: handlers pass the Actor or Principal and the
// service decides.
type Service struct {
	store  Store
	sealer Sealer
	cfg    Config

	hasher   *Hasher
	dummy    string   // PHC string verified for unknown accounts
	accounts *Backoff // wrong passwords, keyed by accountKey(username)
	pairs    *Backoff // wrong passwords, keyed by account and source
	codes    *Limiter // wrong second-factor codes, keyed by accountKey(username)
	addrs    *Limiter // keyed by pseudonymised address (IPv6: its /64)
	// limiterKey keys the hash of usernames held by the account limiter, so
	// that memory never holds what was typed as a username (often a name,
	// sometimes a password typed into the wrong field).
	limiterKey []byte
	// userLocks serialise second-factor checks per user within the process,
	// so that one TOTP code cannot be accepted twice by concurrent requests
	// even where the database runs transactions at READ COMMITTED.
	userLocks [64]sync.Mutex
}

// NewService returns a Service on store, sealing TOTP secrets with sealer.
func NewService(store Store, sealer Sealer, cfg Config) *Service {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AbsoluteTimeout <= 0 {
		cfg.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if cfg.PendingTimeout <= 0 {
		cfg.PendingTimeout = DefaultPendingTimeout
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccountLimit.Max <= 0 || cfg.AccountLimit.Window <= 0 {
		cfg.AccountLimit = DefaultAccountLimit
	}
	if cfg.AddressLimit.Max <= 0 || cfg.AddressLimit.Window <= 0 {
		cfg.AddressLimit = DefaultAddressLimit
	}
	s := &Service{store: store, sealer: sealer, cfg: cfg}
	s.hasher = NewHasher(cfg.Password, cfg.MaxConcurrentHashes)
	s.dummy = s.hasher.dummyHash()
	if cfg.AccountDelay.Base <= 0 || cfg.AccountDelay.Forget <= 0 {
		cfg.AccountDelay = DefaultAccountDelay
	}
	if cfg.SourceDelay.Base <= 0 || cfg.SourceDelay.Forget <= 0 {
		cfg.SourceDelay = DefaultSourceDelay
	}
	s.accounts = NewBackoff(cfg.AccountDelay, 0, cfg.Now)
	s.pairs = NewBackoff(cfg.SourceDelay, 0, cfg.Now)
	s.codes = NewLimiter(cfg.AccountLimit, 0, cfg.Now)
	s.addrs = NewLimiter(cfg.AddressLimit, 0, cfg.Now)
	s.limiterKey = make([]byte, 32)
	rand.Read(s.limiterKey)
	return s
}

// Actor returns the principal as an actor, with the pseudonymised address addr.
func (p *Principal) Actor(addr string) Actor {
	return Actor{UserID: p.User.ID, Role: p.User.Role, Country: p.User.Country, Addr: addr}
}

// Full reports whether the principal has completed sign-in (both factors).
// Every page but sign-in, enrolment and sign-out requires it.
func (p *Principal) Full() bool {
	return p != nil && p.User != nil && p.Session != nil && p.Session.Stage == StageFull
}

// Errors the web layer may compare codes of; messages are safe to show.
var (
	errBadCredentials = errs.E(errs.Unauthorized, "The user name or password is not correct.")
	errSessionEnded   = errs.E(errs.Unauthorized, "Your session has ended. Please sign in again.")
	errBadCode        = &errs.Error{Code: errs.Unauthorized, Field: FieldCode, Message: "The code is not correct, or it has already been used."}
	errNotFull        = errs.E(errs.Forbidden, "Complete sign-in with your second factor first.")
	errNoSealer       = errs.E(errs.Internal, "auth: no sealer configured")
)

func tooMany(retry time.Duration) error {
	if retry < 2*time.Minute {
		seconds := int((retry + time.Second - 1) / time.Second)
		return errs.E(errs.TooMany, "Too many failed attempts. Please try again in %d seconds.", max(seconds, 1))
	}
	minutes := int((retry + time.Minute - 1) / time.Minute)
	return errs.E(errs.TooMany, "Too many failed attempts. Please try again in %d minutes.", minutes)
}

// now is the service's clock, in UTC to the microsecond like every stored time.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// accountKey is the limiter key of a (normalised) username.
func (s *Service) accountKey(username string) string {
	m := hmac.New(sha256.New, s.limiterKey)
	m.Write([]byte(username))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// userLock returns the mutex serialising second-factor checks of user id.
func (s *Service) userLock(id int64) *sync.Mutex {
	return &s.userLocks[uint64(id)%uint64(len(s.userLocks))]
}

func userRef(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// totpAAD binds a sealed TOTP secret to its user: copied to another user's
// row it does not open.
func totpAAD(id int64) string { return "totp:user:" + strconv.FormatInt(id, 10) }

// record returns the audit record of an act by a.
func (s *Service) record(a Actor, action, target string, country Country, outcome, detail string) audit.Record {
	return audit.Record{Time: s.now(), Actor: a.Ref(), Role: string(a.Role), Country: string(country),
		Action: action, Target: target, Outcome: outcome, Addr: a.Addr, Detail: detail}
}

// userActor is the user acting on their own account.
func userActor(u *User, addr string) Actor {
	return Actor{UserID: u.ID, Role: u.Role, Country: u.Country, Addr: addr}
}

// scrub returns a copy of u without its password hash and TOTP secret, for
// handing outside the package.
func scrub(u *User) *User {
	c := *u
	c.PasswordHash = ""
	c.TOTPSecret = nil
	c.EnrolHash = nil
	return &c
}

// notFoundAs maps a store NotFound onto err, and wraps anything else.
func notFoundAs(err, as error, op string) error {
	if errs.Is(err, errs.NotFound) {
		return as
	}
	return errs.Wrap(err, op)
}

// principalSession re-reads the principal's session and user inside tx and
// checks the session is still at stage want (any stage when want is "").
func (s *Service) principalSession(ctx context.Context, tx Tx, p *Principal, want Stage) (*Session, *User, error) {
	if p == nil || p.Session == nil {
		return nil, nil, errSessionEnded
	}
	sess, err := tx.SessionByHash(ctx, p.Session.TokenHash)
	if err != nil {
		return nil, nil, notFoundAs(err, errSessionEnded, "auth: read session")
	}
	u, err := tx.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, notFoundAs(err, errSessionEnded, "auth: read user")
	}
	if u.Disabled {
		return nil, nil, errSessionEnded
	}
	if want != "" && sess.Stage != want {
		if want == StageFull {
			return nil, nil, errNotFull
		}
		return nil, nil, errs.E(errs.Conflict, "This step of sign-in is not expected now. Please sign in again.")
	}
	return sess, u, nil
}
