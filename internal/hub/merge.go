package hub

import "context"

// mergeFrom merges into rec's cluster (rec has just joined it: members
// are its records, rec included) the other clusters, and lone records,
// with which rec has a pair at the match threshold, each when every
// cross pair together admits it (linkage.Model.CanMerge): the rule on
// which the batch solver merges two clusters. Without it the hub only
// ever added a record to one cluster, and a child whose first
// registrations had formed two clusters stayed in two. f is rec's filter,
// others are rec's candidates, best first, scores their scores against
// rec. The caller merges only from a record with a full date of birth: one
// without could be either of two children (the undated records'
// ambiguity, undated.go), and merging through it would chain them. It
// reports the hits issued.
func (s *Service) mergeFrom(ctx context.Context, tx Tx, rec *Record, f []uint64, members []*Record, others []*Record, scores map[int64]float64) (int, error) {
	if rec.Cluster == 0 {
		return 0, nil
	}
	score := s.scorer(rec.KeyID)
	filters := map[int64][]uint64{rec.ID: f}
	filter := func(r *Record) ([]uint64, error) {
		if f, ok := filters[r.ID]; ok {
			return f, nil
		}
		f, err := s.words(r.Filter)
		filters[r.ID] = f
		return f, err
	}
	tried := map[int64]bool{rec.Cluster: true}
	in := map[int64]bool{}
	for _, x := range members {
		in[x.ID] = true
	}
	hits := 0
	for _, c := range others {
		if c.KeyID != rec.KeyID || in[c.ID] || !s.model.IsMatch(scores[c.ID]) {
			continue
		}
		// Read again: an earlier merge of this loop may have moved it.
		cur, err := tx.Records(ctx, []int64{c.ID})
		if err != nil {
			return 0, err
		}
		if len(cur) == 0 || cur[0].Cluster == rec.Cluster {
			continue
		}
		o := cur[0]
		key := o.Cluster
		if key == 0 {
			key = -o.ID // a lone record
		}
		if tried[key] {
			continue
		}
		tried[key] = true
		other := []*Record{o}
		if o.Cluster != 0 {
			if other, err = tx.ClusterMembers(ctx, o.Cluster); err != nil {
				return 0, err
			}
		}
		cross := make([]float64, 0, len(members)*len(other))
		for _, x := range members {
			fx, err := filter(x)
			if err != nil {
				return 0, err
			}
			for _, y := range other {
				fy, err := filter(y)
				if err != nil {
					return 0, err
				}
				cross = append(cross, score(fx, fy))
			}
		}
		if !s.model.CanMerge(cross, len(members)+len(other)) {
			continue
		}
		ids := make([]int64, len(other))
		for i, y := range other {
			ids[i] = y.ID
		}
		if err := tx.SetCluster(ctx, ids, rec.Cluster); err != nil {
			return 0, err
		}
		// Notices as when each record of the other cluster joins this one
		// (join): a record whose country the cluster did not span yet gets
		// a hit with each member; every new pair of countries gets one.
		spanned := map[string]bool{}
		for _, x := range members {
			spanned[x.Country] = true
		}
		for j, y := range other {
			if spanned[y.Country] {
				continue
			}
			for i, x := range members {
				ok, err := s.hit(ctx, tx, y, x, cross[i*len(other)+j])
				if err != nil {
					return 0, err
				}
				if ok {
					hits++
				}
			}
		}
		for _, y := range other {
			y.Cluster = rec.Cluster
			in[y.ID] = true
		}
		members = append(members, other...)
	}
	return hits, nil
}
