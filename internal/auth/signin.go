package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// tokenLen is the length of a session token: 32 random bytes (256 bits,
// ASVS 7.2.3 asks for at least 128) in unpadded base64url.
const tokenLen = 43

// newToken returns a fresh session token and the hash the database keeps.
// A token only ever exists in the client's cookie and in this response.
func newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken is SHA-256 of a token. A fast hash suffices: the token has 256
// bits of entropy, and the hash only keeps a database reader from riding
// the sessions it can read.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func wellFormedToken(token string) bool {
	if len(token) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// maxPasswordBytes bounds the input taken from a sign-in form: room for
// MaxPasswordLen characters of up to 8 bytes each before NFKC (a letter
// with combining marks typed as separate code points).
const maxPasswordBytes = 8 * MaxPasswordLen

// normalizeUsername is how usernames are compared: trimmed and lower case.
func normalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SignIn checks a username and password from a pseudonymised address and
// starts a session at StageSecondFactor or StageEnrol. Unknown users, wrong
// passwords and disabled accounts get the same errs.Unauthorized error
// after the same work (one Argon2id hash, one read, one audit write); rate
// limits give errs.TooMany, keyed by the typed username whether or not the
// account exists, so that locking does not reveal existence either.
func (s *Service) SignIn(ctx context.Context, username, password, addr string) (token string, sess *Session, err error) {
	name := normalizeUsername(username)
	acctKey := s.accountKey(name)
	if err := s.limited(acctKey, addr); err != nil {
		return "", nil, err
	}

	// An over-long password cannot match (the policy never stored one), but
	// it is still hashed, cut short, so that it costs the same time. The cut
	// comes first, so that normalising a huge input costs nothing either.
	tooLong := len(password) > maxPasswordBytes
	if tooLong {
		password = password[:maxPasswordBytes]
	}
	password = NormalizePassword(password)
	tooLong = tooLong || utf8.RuneCountInString(password) > MaxPasswordLen

	var u *User
	err = s.store.View(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByName(ctx, name)
		if errs.Is(err, errs.NotFound) {
			u, err = nil, nil
		}
		return err
	})
	if err != nil {
		return "", nil, errs.Wrap(err, "auth: read user")
	}
	phc := s.dummy
	if u != nil && u.PasswordHash != "" {
		phc = u.PasswordHash
	}
	ok, rehash, err := s.hasher.Verify(ctx, password, phc)
	if err != nil {
		return "", nil, err
	}

	// An account without a password yet (its enrolment link not used) is
	// checked against the dummy hash, which nothing matches; a pending one
	// awaits a second administrator's approval (invite.go).
	if u != nil && u.PasswordHash == "" {
		ok = false
	}
	if u == nil || !ok || u.Disabled || u.Pending || tooLong {
		rec := audit.Record{Time: s.now(), Actor: "anonymous", Action: "auth.signin_failed", Outcome: "failed", Addr: addr}
		switch {
		case u == nil:
			rec.Detail = "unknown_account" // never the typed name: it may be a password
		case u.Disabled:
			rec.Target, rec.Country, rec.Detail = userRef(u.ID), string(u.Country), "disabled"
		case u.Pending && ok:
			rec.Target, rec.Country, rec.Detail = userRef(u.ID), string(u.Country), "pending_approval"
		default:
			rec.Target, rec.Country, rec.Detail = userRef(u.ID), string(u.Country), "bad_password"
		}
		rec.Detail += s.recordFailure(acctKey, addr)
		if err := s.store.Update(ctx, func(tx Tx) error { return tx.AppendAudit(ctx, rec) }); err != nil {
			return "", nil, errs.Wrap(err, "auth: audit failed sign-in")
		}
		return "", nil, errBadCredentials
	}

	newHash := ""
	if rehash {
		// The stored hash predates the current parameters: replace it now
		// that the password is at hand. A failure here must not stop the
		// sign-in; the next one tries again.
		if h, err := s.hasher.Hash(ctx, password); err == nil {
			newHash = h
		}
	}
	token, hash := newToken()
	now := s.now()
	err = s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return notFoundAs(err, errBadCredentials, "auth: read user")
		}
		if cur.Disabled || cur.PasswordHash != u.PasswordHash {
			return errBadCredentials // changed while we were hashing
		}
		detail, changed := "password", false
		if newHash != "" {
			cur.PasswordHash, changed = newHash, true
			detail += ",rehashed"
		}
		stage := StageSecondFactor
		if !cur.TOTPEnrolled {
			// Enrolment starts afresh at every sign-in: a pending secret
			// shown to an earlier session (perhaps not the user's) is
			// dropped with that session.
			stage = StageEnrol
			if _, err := tx.DeleteUserSessions(ctx, cur.ID); err != nil {
				return errs.Wrap(err, "auth: end pending sessions")
			}
			if cur.TOTPSecret != nil {
				cur.TOTPSecret, changed = nil, true
			}
		}
		if changed {
			cur.UpdatedAt = now
			if err := tx.UpdateUser(ctx, cur); err != nil {
				return errs.Wrap(err, "auth: update user")
			}
		}
		sess = &Session{TokenHash: hash, UserID: cur.ID, Stage: stage, CreatedAt: now, LastSeenAt: now, Addr: addr}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return errs.Wrap(err, "auth: create session")
		}
		return tx.AppendAudit(ctx, s.record(userActor(cur, addr), "auth.signin", userRef(cur.ID), cur.Country, "ok", detail))
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// recordFailure counts a wrong password against the account, the account
// from this source, and the source, and returns the audit detail suffix
// naming any delay or lock it caused.
func (s *Service) recordFailure(acctKey, addr string) string {
	d := ""
	if s.accounts.Fail(acctKey) {
		d += ",account_delayed"
	}
	if addr != "" && s.pairs.Fail(acctKey+"|"+addr) {
		d += ",source_delayed"
	}
	if addr != "" && s.addrs.Fail(addr) {
		d += ",address_locked"
	}
	return d
}

// recordCodeFailure counts a wrong second-factor code. Only someone who
// holds the password can get that far, so codes keep a hard limit per
// account: locking the second factor after five wrong codes is no denial
// of service an outsider can cause.
func (s *Service) recordCodeFailure(acctKey, addr string) string {
	d := ""
	if s.codes.Fail(acctKey) {
		d += ",codes_locked"
	}
	if addr != "" && s.addrs.Fail(addr) {
		d += ",address_locked"
	}
	return d
}

// resetFailures forgets an account's failures after a complete sign-in.
func (s *Service) resetFailures(acctKey, addr string) {
	s.accounts.Reset(acctKey)
	s.codes.Reset(acctKey)
	if addr != "" {
		s.pairs.Reset(acctKey + "|" + addr)
	}
}

// limited returns errs.TooMany while the account, the account from this
// source, or the source must wait, and while the account's second factor
// is locked. The answer does not depend on whether the account exists.
func (s *Service) limited(acctKey, addr string) error {
	if ok, retry := s.codes.Allow(acctKey); !ok {
		return tooMany(retry)
	}
	if addr != "" {
		if ok, retry := s.pairs.Allow(acctKey + "|" + addr); !ok {
			return tooMany(retry)
		}
		if ok, retry := s.addrs.Allow(addr); !ok {
			return tooMany(retry)
		}
	}
	if ok, retry := s.accounts.Allow(acctKey); !ok {
		return tooMany(retry)
	}
	return nil
}

// Authenticate resolves a session token, enforcing idle and absolute
// timeouts (and the shorter one of sessions between password and second
// factor) and disabled accounts, and refreshes the session's last use at
// most once a minute. Every failure is errs.Unauthorized; expired sessions
// are deleted.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if !wellFormedToken(token) {
		return nil, errSessionEnded
	}
	sess, u, err := s.store.SessionUser(ctx, hashToken(token))
	if err != nil {
		return nil, notFoundAs(err, errSessionEnded, "auth: read session")
	}
	now := s.now()
	if s.expired(sess, now) || u.Disabled {
		err := s.store.Update(ctx, func(tx Tx) error {
			if err := tx.DeleteSession(ctx, sess.ID); err != nil && !errs.Is(err, errs.NotFound) {
				return errs.Wrap(err, "auth: delete expired session")
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return nil, errSessionEnded
	}
	if now.Sub(sess.LastSeenAt) >= lastSeenResolution {
		sess.LastSeenAt = now
		err := s.store.Update(ctx, func(tx Tx) error {
			return notFoundAs(tx.UpdateSession(ctx, sess), errSessionEnded, "auth: update session")
		})
		if err != nil {
			return nil, err
		}
	}
	return &Principal{User: scrub(u), Session: sess}, nil
}

// expired reports whether sess has passed a timeout at now.
func (s *Service) expired(sess *Session, now time.Time) bool {
	if now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout || now.Sub(sess.CreatedAt) >= s.cfg.AbsoluteTimeout {
		return true
	}
	return sess.Stage != StageFull && now.Sub(sess.CreatedAt) >= s.cfg.PendingTimeout
}

// SignOut ends the principal's session. Ending a session that has already
// ended is not an error.
func (s *Service) SignOut(ctx context.Context, p *Principal, addr string) error {
	if p == nil || p.Session == nil || p.User == nil {
		return errSessionEnded
	}
	return s.store.Update(ctx, func(tx Tx) error {
		err := tx.DeleteSession(ctx, p.Session.ID)
		if errs.Is(err, errs.NotFound) {
			return nil // nothing ended, nothing to record
		}
		if err != nil {
			return errs.Wrap(err, "auth: delete session")
		}
		return tx.AppendAudit(ctx, s.record(p.Actor(addr), "auth.signout", userRef(p.User.ID), p.User.Country, "ok", ""))
	})
}

// SignOutEverywhere ends every session of the principal's user, this one
// included, and returns how many there were.
func (s *Service) SignOutEverywhere(ctx context.Context, p *Principal, addr string) (int, error) {
	var n int
	err := s.store.Update(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageFull)
		if err != nil {
			return err
		}
		if n, err = tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return errs.Wrap(err, "auth: delete sessions")
		}
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.signout_all", userRef(u.ID), u.Country, "ok", "sessions="+strconv.Itoa(n)))
	})
	return n, err
}

// DeleteExpired removes sessions past their idle or absolute timeout and
// forgets rate-limit entries outside their window; run it periodically.
// Sessions that stopped between password and second factor go with the
// idle ones (Authenticate refuses them after PendingTimeout already). It is
// housekeeping, not an act, and writes no audit record.
func (s *Service) DeleteExpired(ctx context.Context) (int, error) {
	now := s.now()
	var n int
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		n, err = tx.DeleteExpiredSessions(ctx, now.Add(-s.cfg.IdleTimeout), now.Add(-s.cfg.AbsoluteTimeout))
		return errs.Wrap(err, "auth: delete expired sessions")
	})
	s.accounts.Sweep()
	s.pairs.Sweep()
	s.codes.Sweep()
	s.addrs.Sweep()
	return n, err
}
