package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// BeginEnrolment returns the pending TOTP secret of a session at
// StageEnrol, creating it on first call: reloading the enrolment page
// shows the same secret until enrolment completes or the user signs in
// again (SignIn drops a pending secret).
func (s *Service) BeginEnrolment(ctx context.Context, p *Principal) (Enrolment, error) {
	if s.sealer == nil {
		return Enrolment{}, errNoSealer
	}
	var enr Enrolment
	err := s.store.Update(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageEnrol)
		if err != nil {
			return err
		}
		if u.TOTPEnrolled {
			return errs.E(errs.Conflict, "The second factor is already set up. Please sign in again.")
		}
		var secret []byte
		if u.TOTPSecret == nil {
			secret = NewTOTPSecret()
			if u.TOTPSecret, err = s.sealer.Seal(secret, totpAAD(u.ID)); err != nil {
				return errs.Wrap(err, "auth: seal second-factor secret")
			}
			u.UpdatedAt = s.now()
			if err := tx.UpdateUser(ctx, u); err != nil {
				return errs.Wrap(err, "auth: store second-factor secret")
			}
		} else if secret, err = s.sealer.Open(u.TOTPSecret, totpAAD(u.ID)); err != nil {
			return errs.Wrap(err, "auth: open second-factor secret")
		}
		enr = Enrolment{Secret: EncodeSecret(secret), URI: OTPAuthURI(s.cfg.Issuer, u.Username, secret)}
		return nil
	})
	return enr, err
}

// ConfirmEnrolment checks a first code, completes enrolment, returns the
// one-time recovery codes (shown once) and a new session token at
// StageFull. Every other session of the user ends: the old token is
// worthless from here on.
func (s *Service) ConfirmEnrolment(ctx context.Context, p *Principal, code, addr string) (token string, recovery []string, err error) {
	if s.sealer == nil {
		return "", nil, errNoSealer
	}
	if p == nil || p.User == nil {
		return "", nil, errSessionEnded
	}
	acctKey := s.accountKey(p.User.Username)
	if err := s.limited(acctKey, addr); err != nil {
		return "", nil, err
	}
	mu := s.userLock(p.User.ID)
	mu.Lock()
	defer mu.Unlock()

	token, hash := newToken()
	codes, hashes := newRecoveryCodes()
	now := s.now()
	failed := false
	err = s.store.Update(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageEnrol)
		if err != nil {
			return err
		}
		if u.TOTPEnrolled || u.TOTPSecret == nil {
			return errs.E(errs.Conflict, "Enrolment has not been started, or is already complete. Please sign in again.")
		}
		secret, err := s.sealer.Open(u.TOTPSecret, totpAAD(u.ID))
		if err != nil {
			return errs.Wrap(err, "auth: open second-factor secret")
		}
		step, ok := validateTOTP(secret, code, now, u.TOTPLastStep)
		if !ok {
			failed = true
			return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.enrol", userRef(u.ID), u.Country, "failed", "bad_code"+s.recordCodeFailure(acctKey, addr)))
		}
		u.TOTPEnrolled, u.TOTPLastStep, u.UpdatedAt = true, step, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: complete enrolment")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return errs.Wrap(err, "auth: store recovery codes")
		}
		if err := s.rotate(ctx, tx, u, hash, now, addr); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.enrol", userRef(u.ID), u.Country, "ok", "recovery_codes="+strconv.Itoa(len(hashes))))
	})
	if err != nil {
		return "", nil, err
	}
	if failed {
		return "", nil, errBadCode
	}
	s.resetFailures(acctKey, addr)
	return token, codes, nil
}

// rotate ends every session of u and starts one at StageFull under the
// token whose hash is given: a new session identifier at every change of
// privilege (ASVS 7.2.4), so that a token seen before the second factor is
// worthless after it.
func (s *Service) rotate(ctx context.Context, tx Tx, u *User, hash []byte, now time.Time, addr string) error {
	if _, err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
		return errs.Wrap(err, "auth: end sessions")
	}
	sess := &Session{TokenHash: hash, UserID: u.ID, Stage: StageFull, CreatedAt: now, LastSeenAt: now, Addr: addr}
	return errs.Wrap(tx.CreateSession(ctx, sess), "auth: create session")
}

// VerifySecondFactor checks a TOTP code (each accepted once) or a recovery
// code and returns a new session token at StageFull; the session at
// StageSecondFactor ends. Failures count against the account's and the
// address's rate limits like wrong passwords, and only a complete sign-in
// clears the account's count, so a stolen password does not buy unlimited
// code guesses.
func (s *Service) VerifySecondFactor(ctx context.Context, p *Principal, code, addr string) (token string, err error) {
	if s.sealer == nil {
		return "", errNoSealer
	}
	if p == nil || p.User == nil {
		return "", errSessionEnded
	}
	acctKey := s.accountKey(p.User.Username)
	if err := s.limited(acctKey, addr); err != nil {
		return "", err
	}
	mu := s.userLock(p.User.ID)
	mu.Lock()
	defer mu.Unlock()

	token, hash := newToken()
	now := s.now()
	failed := false
	err = s.store.Update(ctx, func(tx Tx) error {
		sess, u, err := s.principalSession(ctx, tx, p, StageSecondFactor)
		if err != nil {
			return err
		}
		if !u.TOTPEnrolled || u.TOTPSecret == nil {
			return errSessionEnded // reset by an administrator meanwhile
		}
		method, ok, err := s.checkCode(ctx, tx, u, code, now)
		if err != nil {
			return err
		}
		if !ok {
			failed = true
			return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.second_factor", userRef(u.ID), u.Country, "failed", method+s.recordCodeFailure(acctKey, addr)))
		}
		// Only this session is replaced: the user's other devices stay
		// signed in.
		if err := tx.DeleteSession(ctx, sess.ID); err != nil {
			return notFoundAs(err, errSessionEnded, "auth: end session")
		}
		next := &Session{TokenHash: hash, UserID: u.ID, Stage: StageFull, CreatedAt: now, LastSeenAt: now, Addr: addr}
		if err := tx.CreateSession(ctx, next); err != nil {
			return errs.Wrap(err, "auth: create session")
		}
		if err := tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.second_factor", userRef(u.ID), u.Country, "ok", method)); err != nil {
			return err
		}
		if method != "recovery" {
			return nil
		}
		left, err := tx.CountRecoveryCodes(ctx, u.ID)
		if err != nil {
			return errs.Wrap(err, "auth: count recovery codes")
		}
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.recovery_used", userRef(u.ID), u.Country, "ok", "remaining="+strconv.Itoa(left)))
	})
	if err != nil {
		return "", err
	}
	if failed {
		return "", errBadCode
	}
	s.resetFailures(acctKey, addr)
	return token, nil
}

// checkCode checks a TOTP code or a recovery code of u inside tx, recording
// its use (the TOTP step, or the deleted recovery code). method is "totp"
// or "recovery".
func (s *Service) checkCode(ctx context.Context, tx Tx, u *User, code string, now time.Time) (method string, ok bool, err error) {
	if isTOTPCode(code) {
		secret, err := s.sealer.Open(u.TOTPSecret, totpAAD(u.ID))
		if err != nil {
			return "totp", false, errs.Wrap(err, "auth: open second-factor secret")
		}
		step, ok := validateTOTP(secret, code, now, u.TOTPLastStep)
		if !ok {
			return "totp", false, nil
		}
		used, err := tx.UseTOTPStep(ctx, u.ID, step, now)
		if err != nil || !used {
			return "totp", false, errs.Wrap(err, "auth: record code use")
		}
		u.TOTPLastStep, u.UpdatedAt = step, now
		return "totp", true, nil
	}
	canon := normalizeRecoveryCode(code)
	if canon == "" {
		return "recovery", false, nil
	}
	used, err := tx.UseRecoveryCode(ctx, u.ID, hashRecoveryCode(canon))
	return "recovery", used, errs.Wrap(err, "auth: use recovery code")
}

// RegenerateRecoveryCodes replaces the recovery codes after a valid TOTP
// code (not a recovery code: whoever holds only those must not mint more)
// and returns the new ones, shown once.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, p *Principal, code, addr string) ([]string, error) {
	if s.sealer == nil {
		return nil, errNoSealer
	}
	if p == nil || p.User == nil {
		return nil, errSessionEnded
	}
	acctKey := s.accountKey(p.User.Username)
	if err := s.limited(acctKey, addr); err != nil {
		return nil, err
	}
	mu := s.userLock(p.User.ID)
	mu.Lock()
	defer mu.Unlock()

	codes, hashes := newRecoveryCodes()
	now := s.now()
	failed := false
	err := s.store.Update(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageFull)
		if err != nil {
			return err
		}
		ok := false
		if isTOTPCode(code) && u.TOTPSecret != nil {
			_, ok, err = s.checkCode(ctx, tx, u, code, now)
			if err != nil {
				return err
			}
		}
		if !ok {
			failed = true
			return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.recovery_regenerate", userRef(u.ID), u.Country, "failed", "bad_code"+s.recordCodeFailure(acctKey, addr)))
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return errs.Wrap(err, "auth: store recovery codes")
		}
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.recovery_regenerate", userRef(u.ID), u.Country, "ok", "recovery_codes="+strconv.Itoa(len(hashes))))
	})
	if err != nil {
		return nil, err
	}
	if failed {
		return nil, errBadCode
	}
	return codes, nil
}

// SeedSecondFactor enrols user id with a known TOTP secret, without
// recovery codes. Only the System actor may: `childcentre demo` uses it to
// pre-enrol its demo users so that their codes can be printed.
func (s *Service) SeedSecondFactor(ctx context.Context, a Actor, id int64, secret []byte) error {
	if !a.System {
		return errs.E(errs.Forbidden, "Only the command line on the server may set a second-factor secret.")
	}
	if s.sealer == nil {
		return errNoSealer
	}
	if len(secret) < 16 {
		return errs.Field("secret", "The secret must be at least 16 bytes long.")
	}
	return s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return notFoundAs(err, errs.E(errs.NotFound, "No such user."), "auth: read user")
		}
		if u.TOTPSecret, err = s.sealer.Seal(secret, totpAAD(u.ID)); err != nil {
			return errs.Wrap(err, "auth: seal second-factor secret")
		}
		u.TOTPEnrolled, u.TOTPLastStep, u.UpdatedAt = true, 0, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: store second-factor secret")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return errs.Wrap(err, "auth: clear recovery codes")
		}
		return tx.AppendAudit(ctx, s.record(a, "auth.enrol", userRef(u.ID), u.Country, "ok", "seeded"))
	})
}
