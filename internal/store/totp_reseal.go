package store

import (
	"context"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// This file re-seals the users' second-factor secrets after a key rotation
// (childcentre keys rotate): the auth service seals them with
// crypto.PurposeTOTP but has no re-sealing of its own, and a rotation must
// reach every sealed value before the old key can be retired.

// TOTPSealer is what re-sealing needs of the TOTP sealer; *crypto.Sealer
// implements it.
type TOTPSealer interface {
	// NeedsRotation reports whether a value is sealed under a data key
	// other than the primary.
	NeedsRotation(sealed []byte) bool
	// Reseal opens a value and seals it again under the primary with the
	// same binding.
	Reseal(sealed []byte, aad string) ([]byte, bool, error)
}

// totpBinding is the associated data the auth service seals a user's
// second-factor secret with (auth's totpAAD). The keys rotate test
// checks that a re-sealed secret still verifies codes through auth.
func totpBinding(userID int64) string { return "totp:user:" + strconv.FormatInt(userID, 10) }

// DefaultTOTPBatch is the number of users ResealTOTP reads and rewrites
// per transaction when given no batch size.
const DefaultTOTPBatch = 200

// totpPasses bounds how often ResealTOTP walks the users again for
// secrets that changed under it (a user enrolling anew meanwhile).
const totpPasses = 5

type sealedSecret struct {
	id    int64
	value []byte
}

// ResealTOTP re-seals under the primary data key every second-factor
// secret sealed under an older one. Users are walked in batches: a batch
// is read in a read-only transaction, re-sealed outside any transaction
// and written in a short transaction that replaces a secret only if the
// row still holds the value that was read (compare and swap; updated_at is
// not touched, so re-sealing is invisible to the account's users). A
// secret that changed meanwhile was sealed anew by that change; ResealTOTP
// walks again until a pass swaps everything it found. progress, if not
// nil, is called after each batch with the number of secrets examined so
// far. It returns how many secrets were re-sealed.
func (db *DB) ResealTOTP(ctx context.Context, s TOTPSealer, batch int, progress func(done int)) (int, error) {
	if batch <= 0 {
		batch = DefaultTOTPBatch
	}
	resealed, done := 0, 0
	for range totpPasses {
		missed := 0
		var after int64
		for {
			if err := ctx.Err(); err != nil {
				return resealed, err
			}
			secrets, last, err := db.totpSecrets(ctx, after, batch)
			if err != nil || last == 0 {
				if err != nil {
					return resealed, err
				}
				break
			}
			var olds []sealedSecret
			var news [][]byte
			for _, v := range secrets {
				if !s.NeedsRotation(v.value) {
					continue
				}
				nv, _, err := s.Reseal(v.value, totpBinding(v.id))
				if err != nil {
					return resealed, errs.Wrap(err, "store: reseal second-factor secret of user "+strconv.FormatInt(v.id, 10))
				}
				olds, news = append(olds, v), append(news, nv)
			}
			if len(olds) > 0 {
				var swapped int
				err := db.Update(ctx, func(tx *Tx) error {
					swapped = 0
					for i, v := range olds {
						n, err := tx.execN(ctx, `UPDATE users SET totp_secret = ? WHERE id = ? AND totp_secret = ?`, news[i], v.id, v.value)
						if err != nil {
							return dbErr(err, "store: swap second-factor secret")
						}
						swapped += n
					}
					return nil
				})
				if err != nil {
					return resealed, err
				}
				resealed += swapped
				missed += len(olds) - swapped
			}
			done += len(secrets)
			if progress != nil {
				progress(done)
			}
			after = last
		}
		if missed == 0 {
			return resealed, nil
		}
	}
	return resealed, errs.E(errs.Conflict, "second-factor secrets kept changing while they were re-sealed: run the re-sealing again")
}

// TOTPNeedingRotation counts the second-factor secrets sealed under a data
// key other than the primary: zero before an old key may be retired.
func (db *DB) TOTPNeedingRotation(ctx context.Context, s TOTPSealer) (int, error) {
	n := 0
	var after int64
	for {
		secrets, last, err := db.totpSecrets(ctx, after, DefaultTOTPBatch*5)
		if err != nil || last == 0 {
			return n, err
		}
		for _, v := range secrets {
			if s.NeedsRotation(v.value) {
				n++
			}
		}
		after = last
	}
}

// totpSecrets reads the sealed secrets of up to limit users with ids above
// after, in id order, and the last id read (0 when none).
func (db *DB) totpSecrets(ctx context.Context, after int64, limit int) ([]sealedSecret, int64, error) {
	var out []sealedSecret
	var last int64
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, totp_secret FROM users WHERE id > ? AND totp_secret IS NOT NULL ORDER BY id LIMIT ?`, after, limit)
		if err != nil {
			return dbErr(err, "store: read second-factor secrets")
		}
		defer rows.Close()
		for rows.Next() {
			var v sealedSecret
			if err := rows.Scan(&v.id, &v.value); err != nil {
				return dbErr(err, "store: read second-factor secrets")
			}
			out, last = append(out, v), v.id
		}
		return dbErr(rows.Err(), "store: read second-factor secrets")
	})
	return out, last, err
}
