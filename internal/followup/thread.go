package followup

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Thread is a request with its events in order, as one node shows it.
type Thread struct {
	*Request
	Wire    exchange.FollowUpRequest // the request as stated
	Events  []*ThreadEvent
	Overdue bool
	// Attachments are the thread's files, sent and received, in order.
	Attachments []*AttachmentView
}

// ThreadEvent is an event with its decision opened, if any.
type ThreadEvent struct {
	*Event
	Decision *exchange.FollowUpDecision
	// Withheld is true when the decision's details are under H3 and the
	// reader's role is below supervisor: the page says details exist.
	Withheld bool
}

// mayReadH3 reports whether a role may read details under H3.
func mayReadH3(r auth.Role) bool { return r.Can(auth.PermCasesApprove) }

// Read returns a request's thread. Disclosed details under H3 are withheld
// from roles below supervisor; the attempt is audited as denied. Reading
// disclosed details is audited.
func (s *Service) Read(ctx context.Context, a auth.Actor, id int64) (*Thread, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	r, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	t := &Thread{Request: r, Overdue: r.Overdue(s.now())}
	if err := s.openBody(r.Thread, r.Body, &t.Wire); err != nil {
		return nil, err
	}
	var evs []*Event
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		evs, err = tx.Events(ctx, r.ID)
		return err
	}); err != nil {
		return nil, err
	}
	var shown, withheld int
	for _, e := range evs {
		te := &ThreadEvent{Event: e}
		if e.Body != nil {
			var d exchange.FollowUpDecision
			if err := s.openBody(r.Thread, e.Body, &d); err != nil {
				return nil, err
			}
			if d.Handling == "H3" && !mayReadH3(a.Role) && len(d.Fields) > 0 {
				d.Fields, te.Withheld = nil, true
				withheld++
			} else if len(d.Fields) > 0 {
				shown++
			}
			te.Decision = &d
		}
		t.Events = append(t.Events, te)
	}
	var ashown, awithheld int
	if t.Attachments, ashown, awithheld, err = s.attachments(ctx, a, r); err != nil {
		return nil, err
	}
	shown, withheld = shown+ashown, withheld+awithheld
	if shown+withheld > 0 {
		outcome, detail := "ok", "details shown"
		if withheld > 0 {
			outcome, detail = "denied", "H3 details withheld from role "+string(a.Role)
		}
		if err := s.Store.Update(ctx, func(tx Tx) error {
			return tx.AppendAudit(ctx, s.record(a, audit.ActDisclosureOpen, r.Thread, outcome, detail))
		}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// List returns the node's requests, earliest deadline first.
func (s *Service) List(ctx context.Context, a auth.Actor, limit int) ([]*Request, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, err
	}
	var out []*Request
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Requests(ctx, limit)
		return err
	})
	return out, err
}

// Overdue counts the requests past their deadline now (the gauge
// childcentre_followup_overdue).
func (s *Service) Overdue(ctx context.Context) (int, error) {
	var n int
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.CountOverdue(ctx, s.now())
		return err
	})
	return n, err
}

// Export refuses details under H2 and H3: they are never passed on. It is
// the one check every export or forwarding path of disclosed details calls.
func Export(d *exchange.FollowUpDecision) error { return exportHandling(d.Handling) }

func exportHandling(code string) error {
	if code == "H2" || code == "H3" {
		return errs.E(errs.Forbidden, "follow-up: details under %s may not be passed on", code)
	}
	return nil
}
