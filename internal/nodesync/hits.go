package nodesync

import (
	"context"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Hits is the work queue "Possible matches abroad": the hits the hub
// notified, for NCP officers and supervisors to decide on. A decision is
// audited (hit.decide) and travels to the hub as a HitDecision in the same
// transaction; a rejected pair is never shown again (the node keeps the
// pair rejected whatever the hub sends, and the hub remembers it too).
type Hits struct {
	Store   Store
	Country auth.Country
	Now     func() time.Time
	Wake    func() // asks the sender to deliver now; may be nil
}

// MaxHits bounds the hits one page lists.
const MaxHits = 500

func (h *Hits) now() time.Time {
	if h.Now == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return h.Now().UTC().Truncate(time.Microsecond)
}

func (h *Hits) allow(a auth.Actor, p auth.Permission) error {
	if !a.Can(p) {
		return errs.E(errs.Forbidden, "your role does not allow this")
	}
	if h.Country != "" && !a.InScope(h.Country) {
		return errs.E(errs.Forbidden, "you may act only on your own country's records")
	}
	return nil
}

// Queue lists the hits waiting for a decision (open and needing follow-up),
// newest first; with decided, the decided ones instead.
func (h *Hits) Queue(ctx context.Context, a auth.Actor, decided bool) ([]*Hit, error) {
	if err := h.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	statuses := []string{HitOpen, HitFollowUp}
	if decided {
		statuses = []string{HitConfirmed, HitRejected}
	}
	var out []*Hit
	err := h.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Hits(ctx, statuses, MaxHits)
		return err
	})
	return out, err
}

// Open counts the hits waiting for a decision (the dashboard's figure).
func (h *Hits) Open(ctx context.Context, a auth.Actor) (int, error) {
	if err := h.allow(a, auth.PermCasesRead); err != nil {
		return 0, err
	}
	var n int
	err := h.Store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.CountHits(ctx, HitOpen)
		return err
	})
	return n, err
}

// decisionStatus maps a decision to the status it gives a hit.
var decisionStatus = map[string]string{
	exchange.DecisionConfirm:  HitConfirmed,
	exchange.DecisionReject:   HitRejected,
	exchange.DecisionFollowUp: HitFollowUp,
}

// Decide records an officer's decision on hit id: confirm (the same
// child), reject (not the same child: never shown again) or followup
// (a follow-up request is needed; the hit stays in the queue). A hit
// already confirmed or rejected is errs.Conflict.
func (h *Hits) Decide(ctx context.Context, a auth.Actor, id int64, decision string) error {
	if err := h.allow(a, auth.PermCasesWrite); err != nil {
		return err
	}
	status, ok := decisionStatus[decision]
	if !ok {
		return errs.Field("decision", "choose confirm, reject or follow-up")
	}
	err := h.Store.Update(ctx, func(tx Tx) error {
		hit, err := tx.Hit(ctx, id)
		if err != nil {
			return err
		}
		if hit.Status != HitOpen && hit.Status != HitFollowUp {
			return errs.E(errs.Conflict, "this possible match was already decided")
		}
		changed, err := tx.DecideHit(ctx, id, hit.Status, status, a.Ref(), h.now())
		if err != nil {
			return err
		}
		if !changed {
			return errs.E(errs.Conflict, "this possible match was decided by someone else meanwhile")
		}
		msg, err := message(exchange.Envelope{Type: exchange.TypeHitDecision,
			Decision: &exchange.HitDecision{HitID: hit.HitID, Decision: decision}}, "")
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, []*cases.OutboxMessage{msg}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record{Time: h.now(), Actor: a.Ref(), Role: string(a.Role), Country: string(h.Country),
			Action: audit.ActHitDecide, Target: "hit:" + strconv.FormatInt(id, 10), Outcome: "ok", Addr: a.Addr,
			Detail: decision + " child:" + strconv.FormatInt(hit.ChildID, 10)})
	})
	if err == nil && h.Wake != nil {
		h.Wake()
	}
	return err
}
