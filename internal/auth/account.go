package auth

import (
	"context"
	"regexp"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// FieldCurrentPassword is the field of a wrong current password in
// ChangePassword (errs.Unauthorized); policy errors on the new one are
// errs.Invalid on FieldPassword.
const FieldCurrentPassword = "current_password"

// ChangePassword replaces the principal's password and ends their other
// sessions; this session stays signed in under the same token. A wrong
// current password counts against the account's rate limit, so that a
// hijacked session cannot be used to guess it.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, addr string) error {
	if !p.Full() {
		return errNotFull
	}
	acctKey := s.accountKey(p.User.Username)
	if err := s.limited(acctKey, addr); err != nil {
		return err
	}
	current, next = NormalizePassword(current), NormalizePassword(next)
	if err := CheckPassword(next, p.User.Username); err != nil {
		return err
	}
	if next == current {
		return errs.Field(FieldPassword, "The new password must differ from the current one.")
	}
	var stored string
	err := s.store.View(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageFull)
		if err == nil {
			stored = u.PasswordHash
		}
		return err
	})
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, current, stored)
	if err != nil {
		return err
	}
	if !ok {
		rec := s.record(p.Actor(addr), "auth.password_change", userRef(p.User.ID), p.User.Country, "failed", "bad_password"+s.recordFailure(acctKey, addr))
		if err := s.store.Update(ctx, func(tx Tx) error { return tx.AppendAudit(ctx, rec) }); err != nil {
			return errs.Wrap(err, "auth: audit password change")
		}
		return &errs.Error{Code: errs.Unauthorized, Field: FieldCurrentPassword, Message: "The current password is not correct."}
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	now := s.now()
	var keep Session
	err = s.store.Update(ctx, func(tx Tx) error {
		sess, u, err := s.principalSession(ctx, tx, p, StageFull)
		if err != nil {
			return err
		}
		if u.PasswordHash != stored {
			return errs.E(errs.Conflict, "The password was changed meanwhile. Please sign in again.")
		}
		u.PasswordHash, u.UpdatedAt = hash, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: store password")
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return errs.Wrap(err, "auth: end sessions")
		}
		// Recreate this session under the same token hash (its ID changes).
		keep = *sess
		keep.LastSeenAt = now
		if err := tx.CreateSession(ctx, &keep); err != nil {
			return errs.Wrap(err, "auth: keep session")
		}
		return tx.AppendAudit(ctx, s.record(userActor(u, addr), "auth.password_change", userRef(u.ID), u.Country, "ok", "other_sessions_ended="+strconv.Itoa(n-1)))
	})
	if err != nil {
		return err
	}
	*p.Session = keep
	s.resetFailures(acctKey, addr)
	return nil
}

// languageTag accepts BCP 47 tags of the simple kind catalogues use:
// "en", "et", "pt-BR", "sr-Latn".
var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$`)

// SetLanguage stores the principal's preferred interface language, a
// BCP 47 tag such as "et" or "pt-BR", or "" for the browser's choice.
func (s *Service) SetLanguage(ctx context.Context, p *Principal, lang string) error {
	if !p.Full() {
		return errNotFull
	}
	if lang != "" && !languageTag.MatchString(lang) {
		return errs.Field("language", "The language is not a valid language tag.")
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		_, u, err := s.principalSession(ctx, tx, p, StageFull)
		if err != nil {
			return err
		}
		if u.Language == lang {
			return nil
		}
		u.Language, u.UpdatedAt = lang, s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return errs.Wrap(err, "auth: store language")
		}
		return tx.AppendAudit(ctx, s.record(p.Actor(p.Session.Addr), "user.language", userRef(u.ID), u.Country, "ok", ""))
	})
	if err == nil {
		p.User.Language = lang
	}
	return err
}
