package cases

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// DefaultResealBatch is the number of rows Reseal reads and rewrites per
// transaction when given no batch size.
const DefaultResealBatch = 500

// resealPasses bounds how often Reseal walks the tables again for values
// that a concurrent edit changed under it.
const resealPasses = 5

// Reseal re-seals under the primary data key every sealed value that
// NeedsRotation, after a key rotation. It walks every table with sealed
// values in batches of batch rows: each batch is read in a read-only
// transaction, re-sealed outside any transaction, and written in a short
// transaction that replaces a value only if the row still holds the value
// that was read (compare and swap; versions and times are not touched, so
// the records' users see no change and no false edit conflict). A value
// that a user changed meanwhile was sealed anew by that change; Reseal
// walks again until a pass finds nothing left to swap, so nothing is lost
// and no record is locked longer than one batch's write. progress, if not
// nil, is called after each batch with the number of values examined so
// far. It returns how many values were re-sealed. System actor only; the
// caller (keys rotate) audits the rotation.
func (s *Service) Reseal(ctx context.Context, a auth.Actor, batch int, progress func(done int)) (resealed int, err error) {
	if !a.System {
		return 0, errs.E(errs.Forbidden, "only the operator on the server may re-seal the registry")
	}
	if batch <= 0 {
		batch = DefaultResealBatch
	}
	done := 0
	for range resealPasses {
		missed := 0
		for _, table := range SealedTables {
			n, m, err := s.resealTable(ctx, table, batch, &done, progress)
			resealed += n
			missed += m
			if err != nil {
				return resealed, err
			}
		}
		if missed == 0 {
			return resealed, nil
		}
	}
	return resealed, errs.E(errs.Conflict, "sealed values kept changing while they were re-sealed: run the re-sealing again")
}

// resealTable re-seals one table; it returns how many values it replaced
// and how many it could not because they changed meanwhile.
func (s *Service) resealTable(ctx context.Context, table string, batch int, done *int, progress func(int)) (n, missed int, err error) {
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return n, missed, err
		}
		var vals []SealedValue
		var last int64
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			vals, last, err = tx.SealedValues(ctx, table, after, batch)
			return err
		})
		if err != nil || last == 0 {
			return n, missed, err
		}
		var olds []SealedValue
		var news [][]byte
		for _, v := range vals {
			if !s.sealer.NeedsRotation(v.Value) {
				continue
			}
			aad := Binding(v)
			pt, err := s.sealer.Open(v.Value, aad)
			if err != nil {
				return n, missed, errs.Wrap(err, "cases: reseal: open "+v.Table+"."+v.Column)
			}
			nv, err := s.sealer.Seal(pt, aad)
			clear(pt)
			if err != nil {
				return n, missed, errs.Wrap(err, "cases: reseal: seal")
			}
			olds, news = append(olds, v), append(news, nv)
		}
		if len(olds) > 0 {
			var swapped, lost int
			err = s.store.Update(ctx, func(tx Tx) error {
				swapped, lost = 0, 0
				for i, v := range olds {
					ok, err := tx.SwapSealed(ctx, v, news[i])
					if err != nil {
						return err
					}
					if ok {
						swapped++
					} else {
						lost++
					}
				}
				return nil
			})
			if err != nil {
				return n, missed, err
			}
			n, missed = n+swapped, missed+lost
		}
		*done += len(vals)
		if progress != nil {
			progress(*done)
		}
		after = last
	}
}
