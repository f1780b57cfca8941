package hub

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
)

var _ exchange.Backend = (*Service)(nil)

// Accept implements exchange.Backend: it stores a batch in one
// transaction, taking the origin from the peer's certificate. Uploads are
// queued for matching, which runs apart (Run), so that the hub answers as
// soon as the batch is safely stored.
func (s *Service) Accept(ctx context.Context, from exchange.Peer, msgs []exchange.Envelope, pending int) ([]exchange.Result, error) {
	results := make([]exchange.Result, len(msgs))
	now := s.now().UTC()
	s.lastAccept.Store(time.Now().UnixNano())
	queued := false
	err := s.st.Update(ctx, func(tx Tx) error {
		if err := tx.LockSequence(ctx); err != nil {
			return err
		}
		for i := 0; i < len(msgs); {
			if j := upsertRun(msgs, i); j-i > 1 {
				q, err := s.acceptUpserts(ctx, tx, from, msgs[i:j], results[i:j])
				if err != nil {
					return err
				}
				queued = queued || q
				i = j
				continue
			}
			res, q, err := s.acceptOne(ctx, tx, from, &msgs[i])
			if err != nil {
				return err
			}
			results[i] = res
			queued = queued || q
			i++
		}
		accepted := 0
		for _, r := range results {
			if r.Status == exchange.StatusAccepted {
				accepted++
			}
		}
		return tx.TouchNode(ctx, nodeOf(from, now, pending), false, accepted)
	})
	if err != nil {
		return nil, err
	}
	if queued {
		s.signal()
	}
	return results, nil
}

// nodeOf is the registry entry of a peer seen at now; pending -1 keeps the
// outbox depth the node last reported.
func nodeOf(p exchange.Peer, now time.Time, pending int) *Node {
	return &Node{Country: p.Country, Serial: p.Serial, Certificate: p.Certificate, NotAfter: p.NotAfter,
		LastContact: now, Pending: int64(pending)}
}

func refused(id, code, msg string) exchange.Result {
	return exchange.Result{ID: id, Status: exchange.StatusRefused, Code: code, Message: msg}
}

// acceptOne handles one message inside the batch's transaction and reports
// whether it queued matching work.
func (s *Service) acceptOne(ctx context.Context, tx Tx, from exchange.Peer, m *exchange.Envelope) (exchange.Result, bool, error) {
	// What any replay would be refused for is checked before the id is
	// recorded, so that a corrected resend is not mistaken for a replay.
	if m.Upsert != nil {
		if res, bad := s.refuseUpsert(m); bad {
			return res, false, nil
		}
	}
	if c := m.Checkpoint; c != nil {
		if code, reason, msg := checkCheckpoint(from, c); code != "" {
			return refused(m.ID, code, msg), false, s.refuseCheckpoint(ctx, tx, from, reason, -1, c.Seq)
		}
	}
	seen, err := tx.SeeMessage(ctx, from.Country, m.ID, s.now())
	if err != nil {
		return exchange.Result{}, false, err
	}
	if seen {
		return exchange.Result{ID: m.ID, Status: exchange.StatusDuplicate}, false, nil
	}
	ok := exchange.Result{ID: m.ID, Status: exchange.StatusAccepted}
	switch m.Type {
	case exchange.TypeUpsert:
		return ok, true, s.upsert(ctx, tx, from.Country, m.Upsert)
	case exchange.TypeWithdraw:
		return ok, false, s.withdraw(ctx, tx, from.Country, m.Withdraw)
	case exchange.TypeHitDecision:
		res, err := s.decide(ctx, tx, from.Country, m.ID, m.Decision)
		return res, false, err
	case exchange.TypeSealed:
		sl := *m.Sealed
		sl.From = from.Country
		s.al.relayed.Inc()
		return ok, false, tx.AddNotice(ctx, sl.To, &exchange.Notice{Type: exchange.NoticeSealed, CreatedAt: s.now(), Sealed: &sl})
	case exchange.TypeAlertRaise, exchange.TypeAlertCancel:
		res, err := s.acceptAlert(ctx, tx, from.Country, m)
		return res, false, err
	case exchange.TypeCheckpoint:
		res, err := s.witness(ctx, tx, from, m.ID, m.Checkpoint)
		return res, false, err
	}
	return refused(m.ID, exchange.CodeInvalid, "unknown message type"), false, nil
}

// refuseUpsert says whether an upload is refused whatever its id (an
// encoding of another schema or length), and how.
func (s *Service) refuseUpsert(m *exchange.Envelope) (exchange.Result, bool) {
	switch u := m.Upsert; {
	case u.Schema != s.cfg.Schema:
		return refused(m.ID, exchange.CodeSchema, "the encoding was not made with the network's current schema"), true
	case len(u.Filter) != 8*s.cfg.Words:
		return refused(m.ID, exchange.CodeInvalid, "the filter's length is not the schema's"), true
	}
	return exchange.Result{}, false
}

// upsertRun returns the end of the run of uploads that starts at msgs[i]:
// uploads of distinct message ids and references, which acceptUpserts
// takes together with the same effect as one by one.
func upsertRun(msgs []exchange.Envelope, i int) int {
	ids, refs := map[string]bool{}, map[string]bool{}
	j := i
	for ; j < len(msgs); j++ {
		m := &msgs[j]
		if m.Type != exchange.TypeUpsert || m.Upsert == nil || m.Checkpoint != nil || ids[m.ID] || refs[m.Upsert.Ref] {
			break
		}
		ids[m.ID], refs[m.Upsert.Ref] = true, true
	}
	return j
}

// acceptUpserts is acceptOne for a run of uploads (upsertRun), in a few
// multi-row statements instead of six statements an upload: accepting a
// batch was bound by the statements' fixed cost. It fills results and
// reports whether it queued matching work.
func (s *Service) acceptUpserts(ctx context.Context, tx Tx, from exchange.Peer, msgs []exchange.Envelope, results []exchange.Result) (bool, error) {
	var ids []string
	var valid []int
	for k := range msgs {
		m := &msgs[k]
		if res, bad := s.refuseUpsert(m); bad {
			results[k] = res
			continue
		}
		ids, valid = append(ids, m.ID), append(valid, k)
	}
	if len(ids) == 0 {
		return false, nil
	}
	seen, err := tx.SeeMessages(ctx, from.Country, ids, s.now())
	if err != nil {
		return false, err
	}
	var fresh []*exchange.Upsert
	var refs []string
	for _, k := range valid {
		m := &msgs[k]
		if seen[m.ID] {
			results[k] = exchange.Result{ID: m.ID, Status: exchange.StatusDuplicate}
			continue
		}
		results[k] = exchange.Result{ID: m.ID, Status: exchange.StatusAccepted}
		fresh, refs = append(fresh, m.Upsert), append(refs, m.Upsert.Ref)
	}
	if len(fresh) == 0 {
		return false, nil
	}
	old, err := tx.RecordsByRef(ctx, from.Country, refs)
	if err != nil {
		return false, err
	}
	for _, ref := range refs {
		if o := old[ref]; o == nil || o.Cluster == 0 {
			continue
		}
		// Read again: detaching an earlier record of the run regroups
		// its cluster, which may hold this one. (A record alone stays
		// alone: regrouping touches only a cluster's members.)
		cur, err := tx.RecordByRef(ctx, from.Country, ref)
		if err != nil {
			return false, err
		}
		if cur != nil && cur.Cluster != 0 {
			if err := s.detach(ctx, tx, cur); err != nil {
				return false, err
			}
		}
	}
	now := s.now()
	recs := make([]*Record, len(fresh))
	for i, u := range fresh {
		recs[i] = &Record{Country: from.Country, Ref: u.Ref, Schema: u.Schema, KeyID: u.KeyID, Filter: u.Filter,
			Meta: u.Metadata, Received: now}
	}
	return true, tx.PutRecords(ctx, recs)
}

func (s *Service) upsert(ctx context.Context, tx Tx, country string, u *exchange.Upsert) error {
	old, err := tx.RecordByRef(ctx, country, u.Ref)
	if err != nil {
		return err
	}
	if old != nil && old.Cluster != 0 {
		// The record is matched again from scratch; its hits stay until
		// then, so that an unchanged re-upload notifies nothing again.
		if err := s.detach(ctx, tx, old); err != nil {
			return err
		}
	}
	r := &Record{Country: country, Ref: u.Ref, Schema: u.Schema, KeyID: u.KeyID, Filter: u.Filter,
		Meta: u.Metadata, Received: s.now()}
	if err := tx.PutRecord(ctx, r); err != nil {
		return err
	}
	if err := tx.AddChange(ctx, r.ID); err != nil {
		return err
	}
	return tx.Enqueue(ctx, Work{Record: r.ID, Version: r.Version, Received: r.Received})
}

func (s *Service) withdraw(ctx context.Context, tx Tx, country string, w *exchange.Withdraw) error {
	r, err := tx.RecordByRef(ctx, country, w.Ref)
	if err != nil || r == nil {
		return err
	}
	hits, err := tx.HitsOf(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, h := range hits {
		if err := s.withdrawHit(ctx, tx, h); err != nil {
			return err
		}
	}
	if r.Cluster != 0 {
		if err := s.detach(ctx, tx, r); err != nil {
			return err
		}
	}
	if err := tx.DeleteRecord(ctx, r.ID); err != nil {
		return err
	}
	if err := tx.DropWork(ctx, r.ID); err != nil {
		return err
	}
	if w.Reason == "purge" {
		// Nothing of a purged record stays, not even the pairs rejected.
		if err := tx.ForgetRejections(ctx, country, w.Ref); err != nil {
			return err
		}
	}
	return tx.AddChange(ctx, r.ID)
}

func (s *Service) decide(ctx context.Context, tx Tx, country, id string, d *exchange.HitDecision) (exchange.Result, error) {
	h, err := tx.HitByKey(ctx, d.HitID)
	if err != nil {
		return exchange.Result{}, err
	}
	if h == nil {
		return refused(id, exchange.CodeUnknownHit, "no such hit"), nil
	}
	sideA := h.ACountry == country
	if !sideA && h.BCountry != country {
		return refused(id, exchange.CodeForbidden, "the hit concerns no record of the sender's country"), nil
	}
	if err := tx.SetDecision(ctx, h.ID, sideA, d.Decision); err != nil {
		return exchange.Result{}, err
	}
	if d.Decision == exchange.DecisionReject {
		if err := tx.Reject(ctx, Pair{h.ACountry, h.ARef, h.BCountry, h.BRef}, country, s.now()); err != nil {
			return exchange.Result{}, err
		}
	}
	return exchange.Result{ID: id, Status: exchange.StatusAccepted}, nil
}

// withdrawHit deletes a hit and tells both nodes it no longer holds; the
// notices not yet delivered are dropped.
func (s *Service) withdrawHit(ctx context.Context, tx Tx, h *Hit) error {
	if err := tx.DeleteHitNotices(ctx, h.Key); err != nil {
		return err
	}
	if err := tx.DeleteHit(ctx, h.ID); err != nil {
		return err
	}
	for _, c := range []string{h.ACountry, h.BCountry} {
		n := &exchange.Notice{Type: exchange.NoticeHitWithdrawn, CreatedAt: s.now(), Hit: &exchange.Hit{ID: h.Key}}
		if err := tx.AddNotice(ctx, c, n); err != nil {
			return err
		}
	}
	return nil
}

// Inbox implements exchange.Backend: the notices after seq after, and the
// ones up to it forgotten.
func (s *Service) Inbox(ctx context.Context, from exchange.Peer, after int64, limit int) (exchange.Inbox, error) {
	var in exchange.Inbox
	err := s.st.Update(ctx, func(tx Tx) error {
		if after > 0 {
			if err := tx.DeleteNotices(ctx, from.Country, after); err != nil {
				return err
			}
		}
		ns, err := tx.Notices(ctx, from.Country, after, limit+1)
		if err != nil {
			return err
		}
		if len(ns) > limit {
			ns, in.More = ns[:limit], true
		}
		// Sealed attachments are up to 11 MiB each: one answer carries
		// notices up to exchange.MaxInboxBytes of ciphertext (at least one),
		// the rest the next time.
		total := 0
		for i, n := range ns {
			if n.Sealed != nil {
				total += len(n.Sealed.Ciphertext)
			}
			if i > 0 && total > exchange.MaxInboxBytes {
				ns, in.More = ns[:i], true
				break
			}
		}
		in.Notices = ns
		return tx.TouchNode(ctx, nodeOf(from, s.now(), -1), false, 0)
	})
	return in, err
}

// Hello implements exchange.Backend.
func (s *Service) Hello(ctx context.Context, from exchange.Peer, h exchange.Hello) (exchange.Welcome, error) {
	w := exchange.Welcome{Country: from.Country, Schema: s.cfg.Schema, Time: s.now().UTC()}
	n := nodeOf(from, w.Time, h.Pending)
	n.Schema, n.KeyID, n.Software = h.Schema, h.KeyID, h.Software
	err := s.st.Update(ctx, func(tx Tx) error {
		if err := tx.TouchNode(ctx, n, true, 0); err != nil {
			return err
		}
		var err error
		w.InboxSeq, err = tx.LastNotice(ctx, from.Country)
		return err
	})
	return w, err
}

// Directory implements exchange.Backend.
func (s *Service) Directory(ctx context.Context, from exchange.Peer) (exchange.Directory, error) {
	nodes, err := s.Nodes(ctx)
	if err != nil {
		return exchange.Directory{}, err
	}
	var d exchange.Directory
	for _, n := range nodes {
		d.Nodes = append(d.Nodes, exchange.DirectoryEntry{Country: n.Country, Certificate: n.Certificate,
			NotAfter: n.NotAfter, LastContact: n.LastContact, Schema: n.Schema, KeyID: n.KeyID})
	}
	return d, nil
}

// Nodes lists the nodes that reached the hub.
func (s *Service) Nodes(ctx context.Context) ([]*Node, error) {
	var out []*Node
	err := s.st.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Nodes(ctx)
		return err
	})
	return out, err
}
