package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The sharing rules decide what of the registry the network's hub learns:
// a child's linkage encoding under the network's secret and coded metadata,
// never a name, a date or a narrative. They run inside the transaction of
// every change to a child or its cases, and write what the hub must learn
// into the outbox in that same transaction (the transactional outbox): the
// change and its upload commit or roll back together, and a sender
// (internal/nodesync) delivers the outbox whenever the hub can be reached.
//
// A child is uploaded when its current case (the newest open one, else the
// newest) is established beyond suspicion, or when a supervisor decided
// that a case based on suspicion only may be shared (DecideSharing,
// audited, recorded in the case's history). A child that stops qualifying,
// or is purged, is withdrawn.

// Sharing makes the messages of the outbox; internal/nodesync implements it
// with the network's current linkage secret. The registry works the same
// without one (a node without a hub).
type Sharing interface {
	// KeyID is the fingerprint of the current linkage secret, "" while the
	// node holds none (nothing can be uploaded yet).
	KeyID() string
	// Upload returns the message uploading child c under the reference ref
	// with metadata m, made with the secret KeyID names.
	Upload(ref string, c *Child, m SharedMeta) (*OutboxMessage, error)
	// Withdrawal returns the message withdrawing ref from the hub.
	Withdrawal(ref, reason string) *OutboxMessage
}

// Withdrawal reasons (exchange.Withdraw.Reason).
const (
	WithdrawPurge    = "purge"
	WithdrawUnshare  = "unshare"
	WithdrawRotation = "rotation"
	WithdrawMerge    = "merge"
)

// SharedMeta is what the sharing rules take from a child's current case
// for the coded metadata of an upload.
type SharedMeta struct {
	Sex        Sex
	BirthYear  int // 0 when unknown
	Category   Category
	Evidence   Evidence
	Registered time.Time
	Shareable  bool
	// Case is the case that describes the child to the network, from which
	// the sharer derives the record's codes for the regional statistics.
	Case *Case
}

// OutboxMessage is one message waiting for the hub. ID is the envelope's
// ID, chosen once: a re-send after a crash carries it again and the hub
// answers duplicate. Body is the JSON of the message.
type OutboxMessage struct {
	ID   string
	Type string
	Ref  string // the record it concerns; a newer message for it supersedes a pending one
	Body []byte
}

// NewMessageID returns a fresh random message ID.
func NewMessageID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ShareState is what the hub holds of a child, as far as the node knows.
type ShareState struct {
	ChildID  int64
	Ref      string // pseudonymous reference on the hub
	KeyID    string // secret the state was brought up to date under
	Uploaded bool
}

// SetSharing connects the registry to the network. Call it before the
// service is used.
func (s *Service) SetSharing(sh Sharing) { s.sharing = sh }

// shareItem is one child whose shared record must be brought up to date.
type shareItem struct {
	child *Child  // opened; nil: read it in the transaction
	cases []*Case // nil: read them in the transaction
	id    int64
}

// share brings the hub's view of the children items up to date inside tx.
func (s *Service) share(ctx context.Context, tx Tx, country auth.Country, items ...shareItem) error {
	if s.sharing == nil || len(items) == 0 {
		return nil
	}
	keyID := s.sharing.KeyID()
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.id
	}
	states, err := tx.ShareStates(ctx, ids)
	if err != nil {
		return err
	}
	if err := s.fillShareItems(ctx, tx, country, items); err != nil {
		return err
	}
	var caseIDs []int64
	for _, it := range items {
		if k := currentCase(it.cases); k != nil && k.Evidence == EvidenceSuspicion {
			caseIDs = append(caseIDs, k.ID)
		}
	}
	decisions, err := tx.ShareDecisions(ctx, caseIDs)
	if err != nil {
		return err
	}
	msgs := make([]*OutboxMessage, len(items))
	put := make([]*ShareState, 0, len(items))
	var uploads []int
	metas := make([]SharedMeta, len(items))
	sts := make([]*ShareState, len(items))
	for i, it := range items {
		st := states[it.id]
		if st == nil {
			st = &ShareState{ChildID: it.id, Ref: NewMessageID()}
		}
		sts[i] = st
		m, ok := sharedMeta(it.child, it.cases, decisions)
		switch {
		case ok && keyID == "":
			continue // no secret yet: Resync uploads it once one arrives
		case ok:
			metas[i] = m
			uploads = append(uploads, i)
			st.Uploaded = true
		case st.Uploaded:
			reason := WithdrawUnshare
			if st.KeyID != "" && st.KeyID != keyID {
				reason = WithdrawRotation // uploaded under the old secret, not under the new one
			}
			msgs[i] = s.sharing.Withdrawal(st.Ref, reason)
			st.Uploaded = false
		}
		st.KeyID = keyID
		put = append(put, st)
	}
	// Encoding is the costly part (a resync or an import brings thousands
	// of children at once): every core takes a share.
	if err := parallel(len(uploads), func(j int) error {
		i := uploads[j]
		msg, err := s.sharing.Upload(sts[i].Ref, items[i].child, metas[i])
		msgs[i] = msg
		return err
	}); err != nil {
		return err
	}
	if err := tx.PutShareStates(ctx, put); err != nil {
		return err
	}
	out := msgs[:0]
	for _, m := range msgs {
		if m != nil {
			out = append(out, m)
		}
	}
	return tx.Enqueue(ctx, out)
}

// parallel runs fn(0..n-1) on every core and returns the errors joined.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errList := make([]error, n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				errList[i] = fn(i)
			}
		})
	}
	wg.Wait()
	return errors.Join(errList...)
}

// fillShareItems reads the children and cases the items lack.
func (s *Service) fillShareItems(ctx context.Context, tx Tx, country auth.Country, items []shareItem) error {
	var need, needCases []int64
	for _, it := range items {
		if it.child == nil {
			need = append(need, it.id)
		}
		if it.cases == nil {
			needCases = append(needCases, it.id)
		}
	}
	children := map[int64]*Child{}
	if len(need) > 0 {
		recs, err := tx.Children(ctx, country, need)
		if err != nil {
			return err
		}
		for _, r := range recs {
			c, err := s.openChild(r)
			if err != nil {
				return err
			}
			children[r.ID] = c
		}
	}
	byChild := map[int64][]*Case{}
	if len(needCases) > 0 {
		recs, err := tx.CasesOf(ctx, country, needCases)
		if err != nil {
			return err
		}
		for _, r := range recs {
			// The sharing rules read only clear columns: no need to open
			// the sealed reasons.
			k := r.Case
			byChild[k.ChildID] = append(byChild[k.ChildID], &k)
		}
	}
	for i := range items {
		if items[i].child == nil {
			items[i].child = children[items[i].id]
			if items[i].child == nil {
				return errs.E(errs.NotFound, "child not found")
			}
		}
		if items[i].cases == nil {
			items[i].cases = byChild[items[i].id]
		}
	}
	return nil
}

// currentCase is the case whose category and evidence describe the child
// to the network: the newest open one, else the newest (cases are newest
// first).
func currentCase(ks []*Case) *Case {
	for _, k := range ks {
		if k.Status != StatusClosed {
			return k
		}
	}
	if len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// sharedMeta returns the metadata of an upload, and false when the child
// must not be uploaded: no case, or a case based on suspicion only that no
// supervisor cleared.
func sharedMeta(c *Child, ks []*Case, decisions map[int64]bool) (SharedMeta, bool) {
	k := currentCase(ks)
	if k == nil {
		return SharedMeta{}, false
	}
	if k.Evidence == EvidenceSuspicion && !decisions[k.ID] {
		return SharedMeta{}, false
	}
	return SharedMeta{Sex: c.Sex, BirthYear: c.BirthYear, Category: k.Category, Evidence: k.Evidence,
		Registered: c.CreatedAt, Shareable: true, Case: k}, true
}

// DecideSharing records a supervisor's decision that case caseID, based
// on suspicion only, may (share) or may not be shared with the network,
// audited as case.share and kept in the case's history; the child's
// upload follows in the same transaction.
func (s *Service) DecideSharing(ctx context.Context, a auth.Actor, caseID int64, share bool) error {
	country, err := s.allow(a, auth.PermCasesApprove)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		r, err := tx.Case(ctx, country, caseID)
		if err != nil {
			return err
		}
		if r.Evidence != EvidenceSuspicion {
			return errs.Field("evidence", "only a case based on suspicion only needs a decision to be shared")
		}
		if err := tx.PutShareDecision(ctx, caseID, share, a.Ref(), s.now()); err != nil {
			return err
		}
		action := "share"
		if !share {
			action = "unshare"
		}
		if err := s.addChange(ctx, tx, a, r.Country, "case", caseID, action, []string{"sharing"}); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, s.record(a, r.Country, audit.ActCaseShare, caseTarget(caseID), action)); err != nil {
			return err
		}
		return s.share(ctx, tx, r.Country, shareItem{id: r.ChildID})
	})
}

// SharingDecision reports whether a supervisor decided on sharing case
// caseID (decided) and what (share).
func (s *Service) SharingDecision(ctx context.Context, a auth.Actor, caseID int64) (share, decided bool, err error) {
	if _, err := s.allow(a, auth.PermCasesRead); err != nil {
		return false, false, err
	}
	err = s.store.View(ctx, func(tx Tx) error {
		d, err := tx.ShareDecisions(ctx, []int64{caseID})
		share, decided = d[caseID]
		return err
	})
	return share, decided, err
}
