package cases

import (
	"context"
	"errors"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// auditStale records an edit refused because the record changed since the
// editor read it, then returns err unchanged. The refused write rolled back
// with its transaction, audit entry and all, so the refusal is written in
// a transaction of its own: an attempt to overwrite someone else's change
// is an act the auditor should see (issue 10 L1). Other errors pass through.
func (s *Service) auditStale(ctx context.Context, a auth.Actor, country auth.Country, action, target string, err error) error {
	if !errors.Is(err, ErrStale) {
		return err
	}
	rec := s.record(a, country, action, target, "stale_version")
	rec.Outcome = "refused"
	if aerr := s.store.Update(ctx, func(tx Tx) error { return tx.AppendAudit(ctx, rec) }); aerr != nil {
		return aerr
	}
	return err
}
