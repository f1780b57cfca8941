package hub

import (
	"cmp"
	"context"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

// Run matches queued uploads until ctx ends: at once when this process
// accepted one, and every Poll for work other processes queued.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	defer s.release()
	yielded := 0
	for {
		// Accepting comes first: while nodes are uploading, the matcher
		// takes one batch in five rounds, and the backlog drains after.
		if yielded < 4 && s.accepting() {
			yielded++
			select {
			case <-ctx.Done():
				return
			case <-time.After(25 * time.Millisecond):
			}
			continue
		}
		yielded = 0
		n, err := s.MatchOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("hub: matching failed", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// accepting reports whether this process accepted a batch in the last
// 50 ms.
func (s *Service) accepting() bool {
	return time.Since(time.Unix(0, s.lastAccept.Load())) < 50*time.Millisecond
}

// release gives back this process's claims when it stops; a crashed
// process's claims wait for their lease to run out instead.
func (s *Service) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.st.Update(ctx, func(tx Tx) error { return tx.Release(ctx, s.cfg.Owner) })
	if err != nil {
		s.log.Warn("hub: claims not released; they return when their lease runs out", "err", err)
	}
}

// job is one upload being matched.
type job struct {
	w     Work
	rec   *Record
	f     []uint64
	cands []linkage.Candidate
}

// MatchOnce claims a batch of queued uploads, matches them, and reports how
// many it took. The expensive part, scanning the index, runs outside any
// transaction; the decisions are taken under the sequence lock against the
// database's current clusters, after scoring what other processes added
// meanwhile, so that two hub processes never place one pair twice.
func (s *Service) MatchOnce(ctx context.Context) (int, error) {
	now := s.now()
	var work []Work
	err := s.st.Update(ctx, func(tx Tx) error {
		var err error
		work, err = tx.Claim(ctx, s.cfg.Owner, now, now.Add(s.cfg.Lease), s.cfg.Batch)
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(work) == 0 {
		// Idle: follow what other processes changed meanwhile.
		return 0, s.refresh(ctx)
	}
	if err := s.refresh(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	seen := s.lastSeq
	s.mu.Unlock()
	jobs, err := s.candidates(ctx, work)
	if err != nil {
		return 0, err
	}
	var hits int
	err = s.st.Update(ctx, func(tx Tx) error {
		hits = 0
		if err := tx.LockSequence(ctx); err != nil {
			return err
		}
		delta, err := tx.Changes(ctx, seen, 1<<20)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			n, err := s.place(ctx, tx, j, delta)
			if err != nil {
				return err
			}
			hits += n
		}
		if err := s.alertSightings(ctx, tx, jobs); err != nil {
			return err
		}
		if hits > 0 {
			if err := tx.AddCounter(ctx, "hits_issued", int64(hits)); err != nil {
				return err
			}
		}
		ids := make([]int64, len(work))
		for i, w := range work {
			ids[i] = w.ID
		}
		return tx.Done(ctx, s.cfg.Owner, ids)
	})
	if err != nil {
		return 0, err
	}
	s.met.hits.Add(float64(hits))
	done := s.now()
	for _, w := range work {
		d := done.Sub(w.Received).Seconds()
		s.met.match.Observe(d)
		s.lat.add(d)
	}
	return len(work), nil
}

// candidates reads the claimed records and scans the index for each.
func (s *Service) candidates(ctx context.Context, work []Work) ([]*job, error) {
	ids := make([]int64, len(work))
	for i, w := range work {
		ids[i] = w.Record
	}
	var recs []*Record
	err := s.st.View(ctx, func(tx Tx) error {
		var err error
		recs, err = tx.Records(ctx, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Record, len(recs))
	for _, r := range recs {
		byID[r.ID] = r
	}
	var jobs []*job
	for _, w := range work {
		r := byID[w.Record]
		if r == nil || r.Version != w.Version {
			continue // withdrawn, or uploaded again: newer work follows
		}
		f, err := s.words(r.Filter)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, &job{w: w, rec: r, f: f})
	}
	// The scans are independent: they run in parallel, leaving one core
	// to accepting uploads, which must never wait for matching; while
	// nothing is being accepted (a backlog draining), on every core.
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if s.accepting() {
		workers = max(1, workers-1)
	}
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(jobs); i = int(next.Add(1)) - 1 {
				j := jobs[i]
				if ki := s.indexOf(j.rec.KeyID); ki != nil {
					j.cands = s.candidatesOf(ki, j.f)
				}
			}
		}()
	}
	wg.Wait()
	return jobs, nil
}

// place puts one record into a cluster, or leaves it alone, and issues the
// hits that follows from it. It reports the number of hits issued.
func (s *Service) place(ctx context.Context, tx Tx, j *job, delta []Change) (int, error) {
	cur, err := tx.Records(ctx, []int64{j.rec.ID})
	if err != nil {
		return 0, err
	}
	if len(cur) == 0 || cur[0].Version != j.w.Version || cur[0].Cluster != 0 {
		// Withdrawn, uploaded again, or already joined by another record's
		// placement: nothing left to do for this upload.
		return 0, nil
	}
	rec := cur[0]
	scores, err := s.candidateScores(j.f, rec, j.cands, delta)
	if err != nil {
		return 0, err
	}
	if len(scores) == 0 {
		return 0, s.reconcile(ctx, tx, []int64{rec.ID}, 0)
	}
	others, err := tx.Records(ctx, slices.Collect(maps.Keys(scores)))
	if err != nil {
		return 0, err
	}
	// Try the clusters (or lone records) of the candidates, best first.
	slices.SortFunc(others, func(a, b *Record) int {
		if c := cmp.Compare(scores[b.ID], scores[a.ID]); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	// Records without a date of birth, or with a year only, get the batch
	// link's second look (undated.go): an undated record with a strong
	// pair in another cluster stays alone, one that CanJoin admits nowhere
	// joins the one cluster all its candidates lead to under the
	// single-candidate rule.
	known := s.model.DateKnown(j.f)
	tried := map[int64]bool{}
	hits := 0
	var refused *target // the last cluster (or lone record) CanJoin refused
	placed := false
	for _, o := range others {
		if o.KeyID != rec.KeyID {
			continue
		}
		t := &target{o: o, members: []*Record{o}}
		if o.Cluster != 0 {
			if tried[o.Cluster] {
				continue
			}
			tried[o.Cluster] = true
			if t.members, err = tx.ClusterMembers(ctx, o.Cluster); err != nil {
				return 0, err
			}
		}
		if t.scores, err = s.scoreMembers(j.f, t.members); err != nil {
			return 0, err
		}
		if !s.model.CanJoin(t.scores) {
			refused = t
			continue
		}
		if known == linkage.DateNone {
			amb, err := s.ambiguous(rec, t, others, scores)
			if err != nil {
				return 0, err
			}
			if amb {
				placed = true // alone: it could be either child
				break
			}
		}
		n, err := s.join(ctx, tx, rec, t)
		if err != nil {
			return 0, err
		}
		hits, placed = n, true
		if known == linkage.DateFull {
			m, err := s.mergeFrom(ctx, tx, rec, j.f, append(slices.Clone(t.members), rec), others, scores)
			if err != nil {
				return 0, err
			}
			hits += m
		}
		break
	}
	if !placed && known < linkage.DateFull && refused != nil && oneTarget(rec, others) && s.model.CanJoinUndated(refused.scores) {
		n, err := s.join(ctx, tx, rec, refused)
		if err != nil {
			return 0, err
		}
		hits = n
	}
	if err := s.unsettle(ctx, tx, rec, known, others, scores); err != nil {
		return 0, err
	}
	n, err := s.settleLone(ctx, tx, rec, others, scores, delta)
	if err != nil {
		return 0, err
	}
	return hits + n, s.reconcile(ctx, tx, []int64{rec.ID}, 0)
}

// candidateScores returns the candidates of rec (filter f) by record id
// with their scores: those of the index's scan, cands, with what was
// indexed after the scan (delta) scored here.
func (s *Service) candidateScores(f []uint64, rec *Record, cands []linkage.Candidate, delta []Change) (map[int64]float64, error) {
	scores := map[int64]float64{}
	score := s.scorer(rec.KeyID)
	for _, c := range cands {
		id, _ := strconv.ParseInt(c.Ref, 10, 64)
		scores[id] = c.Score
	}
	for _, c := range delta {
		delete(scores, c.ID)
		if c.Record == nil || c.Record.KeyID != rec.KeyID {
			continue
		}
		g, err := s.words(c.Record.Filter)
		if err != nil {
			return nil, err
		}
		if sc := score(f, g); s.model.IsReview(sc) {
			scores[c.ID] = sc
		}
	}
	delete(scores, rec.ID)
	return scores, nil
}

// target is a cluster (or a lone record) a new record may join: o is the
// candidate through which it was found, members the cluster's records
// (o alone for a lone record), scores the new record's against each.
type target struct {
	o       *Record
	members []*Record
	scores  []float64
}

// scoreMembers scores f against each of members.
func (s *Service) scoreMembers(f []uint64, members []*Record) ([]float64, error) {
	ms := make([]float64, len(members))
	if len(members) == 0 {
		return ms, nil
	}
	score := s.scorer(members[0].KeyID)
	for i, m := range members {
		g, err := s.words(m.Filter)
		if err != nil {
			return nil, err
		}
		ms[i] = score(f, g)
	}
	return ms, nil
}

// join puts rec into t's cluster (a new one with a lone record) and issues
// the hits that follow: when the cluster first spans the record's country,
// to the record's node and each other country's. It reports the number of
// hits issued.
func (s *Service) join(ctx context.Context, tx Tx, rec *Record, t *target) (int, error) {
	cluster := t.o.Cluster
	if cluster == 0 {
		var err error
		if cluster, err = tx.NewCluster(ctx, s.now()); err != nil {
			return 0, err
		}
		if err := tx.SetCluster(ctx, []int64{t.o.ID}, cluster); err != nil {
			return 0, err
		}
		t.o.Cluster = cluster
	}
	if err := tx.SetCluster(ctx, []int64{rec.ID}, cluster); err != nil {
		return 0, err
	}
	rec.Cluster = cluster
	for _, m := range t.members {
		if m.Country == rec.Country {
			return 0, nil
		}
	}
	hits := 0
	for i, m := range t.members {
		ok, err := s.hit(ctx, tx, rec, m, t.scores[i])
		if err != nil {
			return 0, err
		}
		if ok {
			hits++
		}
	}
	return hits, nil
}

// hit issues the hit of a and b unless one is not shareable, a node
// rejected the pair, or it was issued before; it reports whether it did.
func (s *Service) hit(ctx context.Context, tx Tx, a, b *Record, score float64) (bool, error) {
	if a.Country == b.Country || !a.Meta.Shareable || !b.Meta.Shareable {
		return false, nil
	}
	p := pairOf(a.Country, a.Ref, b.Country, b.Ref)
	if rej, err := tx.IsRejected(ctx, p); err != nil || rej {
		return false, err
	}
	if p.ACountry != a.Country || p.ARef != a.Ref {
		a, b = b, a
	}
	band := "possible"
	if s.model.IsMatch(score) {
		band = "high"
	}
	h := &Hit{Key: newKey(), A: a.ID, ACountry: a.Country, ARef: a.Ref, B: b.ID, BCountry: b.Country, BRef: b.Ref,
		ScoreMilli: int64(score*1000 + 0.5), Band: band, Created: s.now()}
	if band == "possible" {
		// Only the pairs a person must judge carry how the records agree
		// (docs/security.md, "What a hit discloses").
		var err error
		if h.Explanation, err = s.explain(a, b); err != nil {
			return false, err
		}
	}
	added, err := tx.AddHit(ctx, h)
	if err != nil || !added {
		return false, err
	}
	na := hitNotice(h.Key, a.Ref, b.Country, b.Ref, band, h.Created)
	na.Hit.Explanation = h.Explanation
	if err := tx.AddNotice(ctx, a.Country, na); err != nil {
		return false, err
	}
	nb := hitNotice(h.Key, b.Ref, a.Country, a.Ref, band, h.Created)
	nb.Hit.Explanation = h.Explanation
	if err := tx.AddNotice(ctx, b.Country, nb); err != nil {
		return false, err
	}
	return true, nil
}
