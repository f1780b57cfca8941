package cases

import (
	"context"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// PurgeResult says what a purge erased, or would erase (dry run).
type PurgeResult struct {
	Cases    []int64 // closed cases past the retention period
	Children []int64 // children left without any case, erased with them
}

// Purge erases the cases closed more than Config.Retention ago, with their
// events and history, and the children left without any case, with their
// aliases, assessments, blind-index tokens, encodings and history. With
// dryRun it only lists them. The purge is audited as one retention.purge
// record giving the counts: the audit log keeps that records were erased,
// not what they held. System actor only (the operator's command or the
// server's scheduled job).
func (s *Service) Purge(ctx context.Context, a auth.Actor, dryRun bool) (*PurgeResult, error) {
	if !a.System {
		return nil, errs.E(errs.Forbidden, "only the operator on the server may purge the registry")
	}
	if s.cfg.Retention <= 0 {
		return nil, errs.Field("retention", "no retention period is configured: nothing is purged")
	}
	country, err := s.allow(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	before := s.now().Add(-s.cfg.Retention)
	res := &PurgeResult{}
	run := s.store.Update
	if dryRun {
		run = s.store.View
	}
	err = run(ctx, func(tx Tx) error {
		var err error
		if res.Cases, res.Children, err = tx.Expired(ctx, country, before); err != nil {
			return err
		}
		if dryRun || len(res.Cases) == 0 {
			return nil
		}
		if err := s.unshareErased(ctx, tx, res.Children); err != nil {
			return err
		}
		if err := tx.Erase(ctx, res.Cases, res.Children); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, country, audit.ActRetentionPurge, "",
			"cases="+strconv.Itoa(len(res.Cases))+" children="+strconv.Itoa(len(res.Children))))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
