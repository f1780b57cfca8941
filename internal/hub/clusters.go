package hub

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
)

func hitNotice(key, local, otherCountry, otherRef, band string, at time.Time) *exchange.Notice {
	return &exchange.Notice{Type: exchange.NoticeHit, CreatedAt: at, Hit: &exchange.Hit{
		ID: key, LocalRef: local, OtherCountry: otherCountry, OtherRef: otherRef, Band: band}}
}

// detach takes r out of its cluster and regroups the members left: without
// r they may no longer hold together under the solver's rules, and then the
// cluster splits. Hits between members that end in different clusters are
// withdrawn; r's own hits are left to its caller.
func (s *Service) detach(ctx context.Context, tx Tx, r *Record) error {
	members, err := tx.ClusterMembers(ctx, r.Cluster)
	if err != nil {
		return err
	}
	if err := tx.SetCluster(ctx, []int64{r.ID}, 0); err != nil {
		return err
	}
	rest := members[:0]
	for _, m := range members {
		if m.ID != r.ID {
			rest = append(rest, m)
		}
	}
	if err := s.regroup(ctx, tx, r.Cluster, rest); err != nil {
		return err
	}
	ids := make([]int64, len(rest))
	for i, m := range rest {
		ids[i] = m.ID
	}
	return s.reconcile(ctx, tx, ids, r.ID)
}

// regroup splits members (in id order) into groups every record of which
// the solver's rule admits with the others, and a record without a full
// date left alone joins the one group its pairs lead to (settleUndated);
// the first group of two or more keeps the cluster id, lone records are
// alone (cluster 0).
func (s *Service) regroup(ctx context.Context, tx Tx, cluster int64, members []*Record) error {
	if len(members) == 0 {
		return nil
	}
	score := s.scorer(members[0].KeyID) // a cluster holds records of one key
	var groups []*group
	for _, m := range members {
		f, err := s.words(m.Filter)
		if err != nil {
			return err
		}
		var joined bool
		for _, g := range groups {
			sc := make([]float64, len(g.recs))
			for i, o := range g.recs {
				sc[i] = score(f, o)
			}
			if s.model.CanJoin(sc) {
				g.recs, g.ids = append(g.recs, f), append(g.ids, m.ID)
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, &group{recs: [][]uint64{f}, ids: []int64{m.ID}})
		}
	}
	s.settleUndated(groups, score)
	kept := false
	for _, g := range groups {
		if len(g.ids) == 0 {
			continue // joined another group
		}
		id := int64(0)
		if len(g.ids) > 1 {
			if !kept {
				id, kept = cluster, true
			} else {
				var err error
				if id, err = tx.NewCluster(ctx, s.now()); err != nil {
					return err
				}
			}
		}
		if err := tx.SetCluster(ctx, g.ids, id); err != nil {
			return err
		}
	}
	return nil
}

// reconcile withdraws the hits of records ids that no longer hold: the
// other record is gone, in another cluster, or no longer shareable. Hits
// with skip are left alone.
func (s *Service) reconcile(ctx context.Context, tx Tx, ids []int64, skip int64) error {
	for _, id := range ids {
		hits, err := tx.HitsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, h := range hits {
			if h.A == skip || h.B == skip {
				continue
			}
			recs, err := tx.Records(ctx, []int64{h.A, h.B})
			if err != nil {
				return err
			}
			if len(recs) == 2 && recs[0].Cluster != 0 && recs[0].Cluster == recs[1].Cluster &&
				recs[0].Meta.Shareable && recs[1].Meta.Shareable {
				continue
			}
			if err := s.withdrawHit(ctx, tx, h); err != nil {
				return err
			}
		}
	}
	return nil
}
