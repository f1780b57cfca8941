package nodesync_test

import (
	"bytes"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// hitFor makes a hit notice about the record the hub holds for child c.
func (e *env) refOf(t *testing.T) string {
	t.Helper()
	for ref := range e.hub.records {
		return ref
	}
	t.Fatal("the hub holds no record")
	return ""
}

func TestInboxStoresHitsOnceAndDecisionsTravel(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		e.register(t, childInput("Hamid", "Sultani", "2011-11-11"), cases.EvidenceIdentified)
		e.drain(t)
		ref := e.refOf(t)
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "h1", LocalRef: ref, OtherCountry: "FI", OtherRef: "fi-1", Band: "high"}})
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "h1", LocalRef: ref, OtherCountry: "FI", OtherRef: "fi-1", Band: "high"}}) // the same notice again
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "h2", LocalRef: ref, OtherCountry: "DE", OtherRef: "de-7", Band: "possible"}})
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "h3", LocalRef: "not-ours", OtherCountry: "PL", OtherRef: "pl-1", Band: "high"}})
		e.pull(t)
		if _, err := e.puller.PullOnce(e.ctx); err != nil || e.hub.lastSeen != 4 {
			t.Errorf("the puller asks after %d (%v), want its cursor at 4 once every notice is stored", e.hub.lastSeen, err)
		}
		q, err := e.hits.Queue(e.ctx, officer, false)
		if err != nil || len(q) != 2 {
			t.Fatalf("Queue = %d hits, %v; want 2", len(q), err)
		}
		if q[0].OtherCountry != "DE" || q[1].OtherCountry != "FI" || q[1].Band != "high" || q[1].BirthYear != 2011 {
			t.Errorf("queue = %+v %+v", *q[0], *q[1])
		}
		var m bytes.Buffer
		e.reg.WriteTo(&m)
		if !bytes.Contains(m.Bytes(), []byte("childcentre_exchange_hits_received_total 2")) {
			t.Errorf("hits received counter is not 2:\n%s", m.String())
		}
		if _, err := e.hits.Queue(e.ctx, auditor, false); !errs.Is(err, errs.Forbidden) {
			t.Errorf("an auditor read the queue: %v", err)
		}

		// Reject FI: audited, sent to the hub, never shown again.
		if err := e.hits.Decide(e.ctx, auditor, q[1].ID, "reject"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("an auditor decided: %v", err)
		}
		if err := e.hits.Decide(e.ctx, officer, q[1].ID, "maybe"); !errs.Is(err, errs.Invalid) {
			t.Errorf("an unknown decision: %v", err)
		}
		if err := e.hits.Decide(e.ctx, officer, q[1].ID, exchange.DecisionReject); err != nil {
			t.Fatal(err)
		}
		if err := e.hits.Decide(e.ctx, officer, q[1].ID, exchange.DecisionConfirm); !errs.Is(err, errs.Conflict) {
			t.Errorf("deciding twice: %v", err)
		}
		if err := e.hits.Decide(e.ctx, supervisor, q[0].ID, exchange.DecisionFollowUp); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		if n := e.hub.count(exchange.TypeHitDecision); n != 2 {
			t.Errorf("the hub received %d decisions, want 2", n)
		}
		if n := e.countAudit(t, "hit.decide"); n != 2 {
			t.Errorf("%d hit.decide audit records, want 2", n)
		}
		// The hub notifies the rejected pair again (after a re-upload, under
		// a new hit id): the node keeps it rejected.
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "h9", LocalRef: ref, OtherCountry: "FI", OtherRef: "fi-1", Band: "high"}})
		if _, err := e.puller.PullOnce(e.ctx); err != nil {
			t.Fatal(err)
		}
		q, _ = e.hits.Queue(e.ctx, officer, false)
		if len(q) != 1 || q[0].OtherCountry != "DE" || q[0].Status != "followup" {
			t.Fatalf("after re-notification the queue = %d hits; want only DE, needing follow-up", len(q))
		}
		if n, _ := e.hits.Open(e.ctx, officer); n != 0 {
			t.Errorf("Open = %d, want 0", n)
		}
		// A withdrawn hit leaves the queue.
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHitWithdrawn, Hit: &exchange.Hit{ID: "h2"}})
		if _, err := e.puller.PullOnce(e.ctx); err != nil {
			t.Fatal(err)
		}
		if q, _ = e.hits.Queue(e.ctx, officer, false); len(q) != 0 {
			t.Fatalf("a withdrawn hit is still in the queue")
		}
	})
}

func TestInboxCatchesUpAfterOutage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		e.register(t, childInput("Ilham", "Omar", "2010-10-10"), cases.EvidenceIdentified)
		e.drain(t)
		ref := e.refOf(t)
		e.hub.down = true
		e.hub.notify(exchange.Notice{Type: exchange.NoticeHit, Hit: &exchange.Hit{ID: "x1", LocalRef: ref, OtherCountry: "PL", OtherRef: "p", Band: "high"}})
		if _, err := e.puller.PullOnce(e.ctx); err == nil {
			t.Fatal("pulling from a hub that is down reported no error")
		}
		e.hub.down = false
		if _, err := e.puller.PullOnce(e.ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.hits.Open(e.ctx, officer); n != 1 {
			t.Fatalf("after the outage %d open hits, want 1", n)
		}
	})
}
