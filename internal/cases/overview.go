package cases

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

// Overview is what an officer's start page shows of the registry: counts
// only, no record, so reading it is not audited.
type Overview struct {
	// ByStatus counts the children with at least one case in each status
	// (a child with an open and a closed case counts in both).
	ByStatus map[Status]int
	// RetentionDue counts closed cases past the retention period, which
	// the next purge erases; -1 when no retention period is configured.
	RetentionDue int
}

// Overview counts the records of the actor's country for the start page.
func (s *Service) Overview(ctx context.Context, a auth.Actor) (*Overview, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	o := &Overview{ByStatus: map[Status]int{}, RetentionDue: -1}
	err = s.store.View(ctx, func(tx Tx) error {
		for _, st := range Statuses {
			_, n, err := tx.ListChildren(ctx, country, Query{Status: st}, 0, 0)
			if err != nil {
				return err
			}
			o.ByStatus[st] = n
		}
		if s.cfg.Retention > 0 {
			due, _, err := tx.Expired(ctx, country, s.now().Add(-s.cfg.Retention))
			if err != nil {
				return err
			}
			o.RetentionDue = len(due)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
