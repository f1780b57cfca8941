package hub

import (
	"context"
	"maps"
	"slices"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

// The undated records' second look, incrementally. The batch link
// revisits the records without a full date of birth after clustering
// (linkage resolveUndated, docs/linkage.md "Undated records"); the hub
// applies the same two rules as records arrive:
//
//   - Ambiguity: a record without a date that has a pair at the match
//     threshold with a dated record of another cluster (or a dated record
//     alone) could be either child. A new one stays alone rather than
//     join (place, ambiguous); one already in a cluster leaves it when
//     such a dated record arrives (unsettle).
//   - A single candidate: a new record without a full date that CanJoin
//     admits nowhere, whose candidates all lie in one cluster (or are one
//     record alone), joins it under Model.CanJoinUndated (place); so does
//     one already alone when a new record's arrival leaves all its
//     candidates in one place (settleLone), and one that a cluster holds
//     only by this rule leaves it when a new record is a candidate
//     elsewhere (unsettle); a cluster regrouped after a record left keeps
//     such a record when its pairs within the cluster still lead into one
//     group (regroup).
//
// Pairs are scored as place finds them: the candidates' scores (with the
// index's name frequencies) decide what is a pair at the match threshold,
// as the batch link's pair scores do; the member scores CanJoin sees decide
// the joining. For the record-level child schema every record counts as
// dated (Model.DateKnown) and nothing here applies.

// ambiguous reports whether undated rec, about to join t, has a pair at
// the match threshold with a dated record outside t among others (the
// candidates, with their scores).
func (s *Service) ambiguous(rec *Record, t *target, others []*Record, scores map[int64]float64) (bool, error) {
	for _, x := range others {
		if x.KeyID != rec.KeyID || !s.model.IsMatch(scores[x.ID]) {
			continue
		}
		if x.ID == t.o.ID || (t.o.Cluster != 0 && x.Cluster == t.o.Cluster) {
			continue
		}
		f, err := s.words(x.Filter)
		if err != nil {
			return false, err
		}
		if s.model.DateKnown(f) != linkage.DateNone {
			return true, nil
		}
	}
	return false, nil
}

// oneTarget reports whether the candidates of rec among others all lie in
// one cluster, or are one record alone.
func oneTarget(rec *Record, others []*Record) bool {
	var first *Record
	for _, o := range others {
		if o.KeyID != rec.KeyID {
			continue
		}
		switch {
		case first == nil:
			first = o
		case first.Cluster == 0 || o.Cluster != first.Cluster:
			return false
		}
	}
	return first != nil
}

// unsettle takes out of their clusters the records without a full date
// among others (the candidates of rec, just placed; known is how much of
// a date rec holds) that rec's arrival leaves in doubt, in a cluster other
// than rec's:
//
//   - an undated record with a pair at the match threshold with rec, which
//     is dated: it could be either child (the ambiguity rule);
//   - a record that CanJoin would not admit into its cluster, which holds
//     it only by the single-candidate rule: rec is a candidate elsewhere.
//
// Their hits are withdrawn, and the clusters they leave regrouped
// (detach).
func (s *Service) unsettle(ctx context.Context, tx Tx, rec *Record, known linkage.DateKnown, others []*Record, scores map[int64]float64) error {
	if !s.model.HasDates() {
		return nil // every record counts as dated
	}
	for _, r := range others {
		if r.KeyID != rec.KeyID {
			continue
		}
		f, err := s.words(r.Filter)
		if err != nil {
			return err
		}
		rk := s.model.DateKnown(f)
		if rk == linkage.DateFull {
			continue
		}
		// Read again: rec's joining, or an earlier detach, may have
		// moved it.
		cur, err := tx.Records(ctx, []int64{r.ID})
		if err != nil {
			return err
		}
		if len(cur) == 0 || cur[0].Cluster == 0 || cur[0].Cluster == rec.Cluster {
			continue
		}
		leave := rk == linkage.DateNone && known != linkage.DateNone && s.model.IsMatch(scores[r.ID])
		if !leave {
			members, err := tx.ClusterMembers(ctx, cur[0].Cluster)
			if err != nil {
				return err
			}
			members = slices.DeleteFunc(members, func(m *Record) bool { return m.ID == r.ID })
			ms, err := s.scoreMembers(f, members)
			if err != nil {
				return err
			}
			leave = !s.model.CanJoin(ms)
		}
		if !leave {
			continue
		}
		if err := s.detach(ctx, tx, cur[0]); err != nil {
			return err
		}
		if err := s.reconcile(ctx, tx, []int64{r.ID}, 0); err != nil {
			return err
		}
	}
	return nil
}

// group is a set of records regroup keeps together.
type group struct {
	recs [][]uint64
	ids  []int64
}

// settleUndated is regroup's single-candidate rule: a record without a
// full date left alone, whose pairs from the review probability with the
// records regrouped all lead into one group, joins it under
// Model.CanJoinUndated. The record was in the cluster before, and what
// lies outside it did not keep it out then.
func (s *Service) settleUndated(groups []*group, score func(a, b []uint64) float64) {
	for _, g := range groups {
		if len(g.ids) != 1 || s.model.DateKnown(g.recs[0]) == linkage.DateFull {
			continue
		}
		f := g.recs[0]
		var to *group
		var sc []float64
		one := true
		for _, h := range groups {
			if h == g || len(h.ids) == 0 {
				continue
			}
			hs := make([]float64, len(h.recs))
			for i, o := range h.recs {
				hs[i] = score(f, o)
				if !s.model.IsReview(hs[i]) {
					continue
				}
				if to != nil && to != h {
					one = false
				}
				to, sc = h, hs
			}
		}
		if !one || to == nil || !s.model.CanJoinUndated(sc) {
			continue
		}
		to.recs, to.ids = append(to.recs, f), append(to.ids, g.ids[0])
		g.recs, g.ids = nil, nil
	}
}

// maxSettle bounds how many lone records without a full date one
// placement looks at again (settleLone).
const maxSettle = 3

// settleLone gives the lone records without a full date among others (the
// candidates of rec, just placed, best first) the single-candidate rule again: rec's
// arrival may have made one cluster, or one record, the place all their
// candidates lie in, as the batch link would see it whatever the order of
// arrival. Their candidates are found as a new record's are: a scan of the
// index, and what was indexed after it (delta) scored here. It reports the
// number of hits issued.
//
// Each look is a scan of that record's candidates inside the matching
// transaction, which uploads wait for; on a hub of many lone records
// without a full date (most children are registered once, a third of
// them with an assessed date) looking at every one made each placement
// cost seconds at 20,000 records. So only the records rec's own pair
// could carry under the single-candidate rule (scores: rec's against
// each of others) are looked at, the best maxSettle of them.
func (s *Service) settleLone(ctx context.Context, tx Tx, rec *Record, others []*Record, scores map[int64]float64, delta []Change) (int, error) {
	ki := s.indexOf(rec.KeyID)
	if ki == nil || !s.model.HasDates() {
		return 0, nil // every record counts as dated
	}
	hits, looked := 0, 0
	for _, o := range others { // best first (place sorted them)
		if looked == maxSettle || !s.model.CanJoinUndated([]float64{scores[o.ID]}) {
			break // the rest score lower still
		}
		if o.KeyID != rec.KeyID || o.Cluster != 0 {
			continue
		}
		f, err := s.words(o.Filter)
		if err != nil {
			return 0, err
		}
		if s.model.DateKnown(f) == linkage.DateFull {
			continue
		}
		looked++
		cur, err := tx.Records(ctx, []int64{o.ID})
		if err != nil {
			return 0, err
		}
		if len(cur) == 0 || cur[0].Cluster != 0 {
			continue
		}
		r := cur[0]
		scores, err := s.candidateScores(f, r, s.candidatesOf(ki, f), delta)
		if err != nil {
			return 0, err
		}
		cands, err := tx.Records(ctx, slices.Collect(maps.Keys(scores)))
		if err != nil {
			return 0, err
		}
		if !oneTarget(r, cands) {
			continue
		}
		i := slices.IndexFunc(cands, func(c *Record) bool { return c.KeyID == r.KeyID })
		t := &target{o: cands[i], members: []*Record{cands[i]}}
		if t.o.Cluster != 0 {
			if t.members, err = tx.ClusterMembers(ctx, t.o.Cluster); err != nil {
				return 0, err
			}
		}
		if t.scores, err = s.scoreMembers(f, t.members); err != nil {
			return 0, err
		}
		if !s.model.CanJoin(t.scores) && !s.model.CanJoinUndated(t.scores) {
			continue
		}
		n, err := s.join(ctx, tx, r, t)
		if err != nil {
			return 0, err
		}
		hits += n
	}
	return hits, nil
}
