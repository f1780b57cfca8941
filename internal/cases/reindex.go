package cases

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Reindex recomputes every child's blind-index tokens and linkage encoding
// with the service's index keys, after the index key was rotated
// ('childcentre keys rotate-index', issue 10 M3). It opens each child's
// sealed identity (the data keys are unchanged), derives its tokens and
// encoding anew and writes the record back, batch children per
// transaction. The server must be stopped meanwhile: a search during the
// re-index would mix old and new tokens. Running it again is harmless. The
// caller audits the rotation. It returns how many children it re-indexed.
func (s *Service) Reindex(ctx context.Context, a auth.Actor, batch int, progress func(done int)) (int, error) {
	if !a.System {
		return 0, errs.E(errs.Forbidden, "only the operator on the server may re-index the registry")
	}
	if batch <= 0 {
		batch = DefaultResealBatch
	}
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		var ids []int64
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			ids, _, err = tx.ListChildren(ctx, AnyCountry, Query{}, batch, done)
			return err
		})
		if err != nil || len(ids) == 0 {
			return done, err
		}
		err = s.store.Update(ctx, func(tx Tx) error {
			recs, err := tx.Children(ctx, AnyCountry, ids)
			if err != nil {
				return err
			}
			for _, r := range recs {
				c, err := s.openChild(r)
				if err != nil {
					return err
				}
				nr, err := s.childRecord(c)
				if err != nil {
					return err
				}
				nr.ID, nr.Version, nr.CreatedAt, nr.UpdatedAt = r.ID, r.Version, r.CreatedAt, r.UpdatedAt
				if err := tx.UpdateChild(ctx, nr); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += len(ids)
		if progress != nil {
			progress(done)
		}
	}
}
