package store

import (
	"context"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// TokenStore implements tokens.Store on the database (the api_tokens
// table of 0004_api_tokens.sql). It holds only hashes of tokens.
type TokenStore struct{ db *DB }

// NewTokenStore returns the tokens.Store of db.
func NewTokenStore(db *DB) *TokenStore { return &TokenStore{db: db} }

var (
	_ tokens.Store = (*TokenStore)(nil)
	_ tokens.Tx    = tokensTx{}
)

// Update implements tokens.Store.
func (s *TokenStore) Update(ctx context.Context, fn func(tokens.Tx) error) error {
	return s.db.Update(ctx, func(tx *Tx) error { return fn(tokensTx{tx}) })
}

// View implements tokens.Store.
func (s *TokenStore) View(ctx context.Context, fn func(tokens.Tx) error) error {
	return s.db.View(ctx, func(tx *Tx) error { return fn(tokensTx{tx}) })
}

// tokensTx is a transaction seen as an tokens.Tx.
type tokensTx struct{ *Tx }

const tokenColumns = `id, name, country, scopes, token_hash, created_at, last_used_at, revoked_at, expires_at`

func scanToken(row interface{ Scan(...any) error }) (*tokens.Token, error) {
	var t tokens.Token
	var country, scopes string
	err := row.Scan(&t.ID, &t.Name, &country, &scopes, &t.Hash,
		scanTime{&t.CreatedAt}, scanTime{&t.LastUsedAt}, scanTime{&t.RevokedAt}, scanTime{&t.ExpiresAt})
	if err != nil {
		return nil, err
	}
	t.Country = auth.Country(country)
	for _, s := range strings.Fields(scopes) {
		t.Scopes = append(t.Scopes, tokens.Scope(s))
	}
	return &t, nil
}

// orNull stores a zero time as NULL.
func (tx tokensTx) orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.t(t)
}

// CreateToken implements tokens.Tx.
func (tx tokensTx) CreateToken(ctx context.Context, t *tokens.Token) error {
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	created := tx.timeOr(&t.CreatedAt)
	err := tx.queryRow(ctx, `INSERT INTO api_tokens (name, country, scopes, token_hash, created_at, last_used_at, revoked_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.Name, string(t.Country), strings.Join(scopes, " "), t.Hash, tx.t(created),
		tx.orNull(t.LastUsedAt), tx.orNull(t.RevokedAt), tx.orNull(t.ExpiresAt)).Scan(&t.ID)
	return dbErr(err, "store: create token")
}

// TokenByHash implements tokens.Tx.
func (tx tokensTx) TokenByHash(ctx context.Context, hash []byte) (*tokens.Token, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "token", "store: read token")
	}
	return t, nil
}

// TokenByID implements tokens.Tx.
func (tx tokensTx) TokenByID(ctx context.Context, id int64) (*tokens.Token, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "token", "store: read token")
	}
	return t, nil
}

// ListTokens implements tokens.Tx.
func (tx tokensTx) ListTokens(ctx context.Context, country auth.Country) ([]*tokens.Token, error) {
	const op = "store: list tokens"
	q, args := `SELECT `+tokenColumns+` FROM api_tokens`, []any(nil)
	if country != "" {
		q, args = q+` WHERE country = ?`, append(args, string(country))
	}
	rows, err := tx.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, dbErr(err, op)
	}
	return scanAll(rows, op, scanToken)
}

// RevokeToken implements tokens.Tx.
func (tx tokensTx) RevokeToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	n, err := tx.execN(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, tx.t(at), id)
	if err != nil {
		return false, dbErr(err, "store: revoke token")
	}
	if n == 0 {
		if _, err := tx.TokenByID(ctx, id); err != nil {
			return false, err
		}
	}
	return n == 1, nil
}

// TouchToken implements tokens.Tx.
func (tx tokensTx) TouchToken(ctx context.Context, id int64, at time.Time) error {
	n, err := tx.execN(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.t(at), id)
	if err != nil {
		return dbErr(err, "store: touch token")
	}
	if n == 0 {
		return errs.E(errs.NotFound, "token not found")
	}
	return nil
}
