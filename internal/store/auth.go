package store

import (
	"context"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// AuthStore implements auth.Store on the database.
type AuthStore struct{ db *DB }

// NewAuthStore returns the auth.Store of db.
func NewAuthStore(db *DB) *AuthStore { return &AuthStore{db: db} }

var (
	_ auth.Store = (*AuthStore)(nil)
	_ auth.Tx    = authTx{}
)

// Update implements auth.Store.
func (s *AuthStore) Update(ctx context.Context, fn func(auth.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(authTx{tx}) })
}

// View implements auth.Store.
func (s *AuthStore) View(ctx context.Context, fn func(auth.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(authTx{tx}) })
}

// SessionUser implements auth.Store: one statement on the read pool,
// outside any transaction (a single statement sees one snapshot). Read
// in a transaction of its own, with the user read apart, it was four
// round trips to PostgreSQL on every request.
func (s *AuthStore) SessionUser(ctx context.Context, tokenHash []byte) (*auth.Session, *auth.User, error) {
	var sess auth.Session
	var stage string
	row := s.db.read.QueryRowContext(ctx, s.db.d.rebind(sessionUserQuery), tokenHash)
	u, err := scanUser(prefixScan{row, []any{&sess.ID, &sess.TokenHash, &sess.UserID, &stage,
		scanTime{&sess.CreatedAt}, scanTime{&sess.LastSeenAt}, &sess.Addr}})
	if err != nil {
		return nil, nil, s.db.settle(false, notFound(err, "session", "store: read session"))
	}
	sess.Stage = auth.Stage(stage)
	return &sess, u, nil
}

// prefixScan scans a row whose first columns go to pre, the rest to the
// destinations Scan is given.
type prefixScan struct {
	row interface{ Scan(...any) error }
	pre []any
}

func (p prefixScan) Scan(dest ...any) error {
	return p.row.Scan(append(p.pre[:len(p.pre):len(p.pre)], dest...)...)
}

// sessionUserQuery reads a session and its user (userColumns, each
// qualified by the users table's alias).
var sessionUserQuery = func() string {
	cols := strings.Split(userColumns, ",")
	for i, c := range cols {
		cols[i] = "u." + strings.TrimSpace(c)
	}
	return `SELECT s.id, s.token_hash, s.user_id, s.stage, s.created_at, s.last_seen_at, s.addr, ` +
		strings.Join(cols, ", ") + ` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`
}()

// authTx is a transaction seen as an auth.Tx.
type authTx struct{ *Tx }

const userColumns = `id, username, display_name, role, country, language, password_hash,
	totp_secret, totp_enrolled, totp_last_step, disabled, created_at, updated_at,
	pending, created_by, enrol_token_hash, enrol_expires_at`

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	var u auth.User
	var role, country string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &country, &u.Language, &u.PasswordHash,
		&u.TOTPSecret, &u.TOTPEnrolled, &u.TOTPLastStep, &u.Disabled, scanTime{&u.CreatedAt}, scanTime{&u.UpdatedAt},
		&u.Pending, &u.CreatedBy, &u.EnrolHash, scanTime{&u.EnrolExpires})
	if err != nil {
		return nil, err
	}
	u.Role, u.Country = auth.Role(role), auth.Country(country)
	return &u, nil
}

// userConflict reports a unique violation as a taken username.
func userConflict(err error, op string) error {
	if classify(err) == errUnique {
		return &errs.Error{Code: errs.Conflict, Field: "username", Message: "this username is already taken", Err: err}
	}
	return dbErr(err, op)
}

// CreateUser inserts u and sets u.ID. Zero CreatedAt and UpdatedAt are set
// to now; all times are kept in UTC to the microsecond.
func (tx authTx) CreateUser(ctx context.Context, u *auth.User) error {
	created := tx.timeOr(&u.CreatedAt)
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = created
	}
	updated := tx.timeOr(&u.UpdatedAt)
	err := tx.queryRow(ctx, `INSERT INTO users (username, display_name, role, country, language, password_hash,
		totp_secret, totp_enrolled, totp_last_step, disabled, created_at, updated_at,
		pending, created_by, enrol_token_hash, enrol_expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.DisplayName, string(u.Role), string(u.Country), u.Language, u.PasswordHash,
		u.TOTPSecret, tx.b(u.TOTPEnrolled), u.TOTPLastStep, tx.b(u.Disabled), tx.t(created), tx.t(updated),
		tx.b(u.Pending), u.CreatedBy, nilIfEmpty(u.EnrolHash), tokensTx{tx.Tx}.orNull(u.EnrolExpires),
	).Scan(&u.ID)
	return userConflict(err, "store: create user")
}

// UpdateUser writes every field of u but ID and CreatedAt. A zero
// UpdatedAt is set to now.
func (tx authTx) UpdateUser(ctx context.Context, u *auth.User) error {
	updated := tx.timeOr(&u.UpdatedAt)
	// The last TOTP step never goes back while the secret stays the same:
	// a copy of the user read before another request accepted a code must
	// not, written back, make that code valid again. A new secret (enrolment,
	// reset) starts its own count.
	n, err := tx.execN(ctx, `UPDATE users SET username = ?, display_name = ?, role = ?, country = ?, language = ?,
		password_hash = ?,
		totp_last_step = CASE WHEN totp_secret IS NOT DISTINCT FROM ? AND totp_last_step > ? THEN totp_last_step ELSE ? END,
		totp_secret = ?, totp_enrolled = ?, disabled = ?, updated_at = ?,
		pending = ?, enrol_token_hash = ?, enrol_expires_at = ?
		WHERE id = ?`,
		u.Username, u.DisplayName, string(u.Role), string(u.Country), u.Language, u.PasswordHash,
		u.TOTPSecret, u.TOTPLastStep, u.TOTPLastStep,
		u.TOTPSecret, tx.b(u.TOTPEnrolled), tx.b(u.Disabled), tx.t(updated),
		tx.b(u.Pending), nilIfEmpty(u.EnrolHash), tokensTx{tx.Tx}.orNull(u.EnrolExpires), u.ID)
	if err != nil {
		return userConflict(err, "store: update user")
	}
	if n == 0 {
		return errs.E(errs.NotFound, "user not found")
	}
	return nil
}

// UserByID implements auth.Tx.
func (tx authTx) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "user", "store: read user")
	}
	return u, nil
}

// UserByName implements auth.Tx. The name is matched exactly: auth
// normalises usernames to lower case before they reach the store.
func (tx authTx) UserByName(ctx context.Context, username string) (*auth.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if err != nil {
		return nil, notFound(err, "user", "store: read user")
	}
	return u, nil
}

// UserByEnrolHash implements auth.Tx.
func (tx authTx) UserByEnrolHash(ctx context.Context, hash []byte) (*auth.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE enrol_token_hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "user", "store: read user")
	}
	return u, nil
}

// nilIfEmpty stores an empty byte slice as NULL.
func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// ListUsers implements auth.Tx.
func (tx authTx) ListUsers(ctx context.Context, f auth.UserFilter) ([]*auth.User, error) {
	const op = "store: list users"
	var conds []string
	var args []any
	if f.Country != "" {
		conds, args = append(conds, "country = ?"), append(args, string(f.Country))
	}
	if f.Role != "" {
		conds, args = append(conds, "role = ?"), append(args, string(f.Role))
	}
	q := `SELECT ` + userColumns + ` FROM users`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, " AND ")
	}
	rows, err := tx.query(ctx, q+` ORDER BY username`+tx.db.d.byteOrder, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanUser)
}

// CountUsers implements auth.Tx.
func (tx authTx) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, dbErr(err, "store: count users")
}

// ReplaceRecoveryCodes implements auth.Tx.
func (tx authTx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	const op = "store: replace recovery codes"
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return dbErr(err, op)
	}
	now := tx.t(tx.Now())
	for _, h := range hashes {
		_, err := tx.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)`, userID, h, now)
		if classify(err) == errForeignKey {
			return errs.E(errs.NotFound, "user not found")
		}
		if err != nil {
			return dbErr(err, op)
		}
	}
	return nil
}

// UseRecoveryCode implements auth.Tx. Deleting the code is what makes it
// single-use: of two concurrent uses, only one deletes a row.
func (tx authTx) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (bool, error) {
	n, err := tx.execN(ctx, `DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?`, userID, hash)
	return n == 1, dbErr(err, "store: use recovery code")
}

// UseTOTPStep implements auth.Tx. The condition is in the UPDATE itself so
// that the database decides: on PostgreSQL a second transaction recording
// the same step waits for the first, then finds the condition false, in
// whichever process it runs.
func (tx authTx) UseTOTPStep(ctx context.Context, userID, step int64, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `UPDATE users SET totp_last_step = ?, updated_at = ? WHERE id = ? AND totp_last_step < ?`,
		step, tx.t(at), userID, step)
	return n == 1, dbErr(err, "store: record second-factor code use")
}

// CountRecoveryCodes implements auth.Tx.
func (tx authTx) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = ?`, userID).Scan(&n)
	return n, dbErr(err, "store: count recovery codes")
}

// CreateSession inserts s and sets s.ID. Zero CreatedAt and LastSeenAt are
// set to now.
func (tx authTx) CreateSession(ctx context.Context, s *auth.Session) error {
	created := tx.timeOr(&s.CreatedAt)
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = created
	}
	seen := tx.timeOr(&s.LastSeenAt)
	err := tx.queryRow(ctx, `INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, addr)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		s.TokenHash, s.UserID, string(s.Stage), tx.t(created), tx.t(seen), s.Addr).Scan(&s.ID)
	switch classify(err) {
	case errForeignKey:
		return errs.E(errs.NotFound, "user not found")
	case errUnique:
		return &errs.Error{Code: errs.Conflict, Message: "the session token is already in use", Err: err}
	}
	return dbErr(err, "store: create session")
}

// SessionByHash implements auth.Tx.
func (tx authTx) SessionByHash(ctx context.Context, tokenHash []byte) (*auth.Session, error) {
	var s auth.Session
	var stage string
	err := tx.queryRow(ctx, `SELECT id, token_hash, user_id, stage, created_at, last_seen_at, addr
		FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.ID, &s.TokenHash, &s.UserID, &stage, scanTime{&s.CreatedAt}, scanTime{&s.LastSeenAt}, &s.Addr)
	if err != nil {
		return nil, notFound(err, "session", "store: read session")
	}
	s.Stage = auth.Stage(stage)
	return &s, nil
}

// UpdateSession writes s's stage and last use; a zero LastSeenAt is set
// to now.
func (tx authTx) UpdateSession(ctx context.Context, s *auth.Session) error {
	seen := tx.timeOr(&s.LastSeenAt)
	n, err := tx.execN(ctx, `UPDATE sessions SET stage = ?, last_seen_at = ? WHERE id = ?`,
		string(s.Stage), tx.t(seen), s.ID)
	if err != nil {
		return dbErr(err, "store: update session")
	}
	if n == 0 {
		return errs.E(errs.NotFound, "session not found")
	}
	return nil
}

// DeleteSession implements auth.Tx; an absent session is errs.NotFound.
func (tx authTx) DeleteSession(ctx context.Context, id int64) error {
	n, err := tx.execN(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return dbErr(err, "store: delete session")
	}
	if n == 0 {
		return errs.E(errs.NotFound, "session not found")
	}
	return nil
}

// DeleteUserSessions implements auth.Tx.
func (tx authTx) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	n, err := tx.execN(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return n, dbErr(err, "store: delete user sessions")
}

// DeleteExpiredSessions implements auth.Tx.
func (tx authTx) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error) {
	n, err := tx.execN(ctx, `DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`,
		tx.t(idleBefore), tx.t(createdBefore))
	return n, dbErr(err, "store: delete expired sessions")
}
