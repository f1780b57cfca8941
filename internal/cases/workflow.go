package cases

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// ErrStale is the cause of the errs.Conflict a store returns when a record
// was changed since it was read (optimistic concurrency).
var ErrStale = errors.New("cases: the record was changed since it was read")

// retries is how often an act that names no version (an event, a closure
// step) is retried when a concurrent change makes its write stale.
const retries = 3

// update runs fn in a transaction, again when it fails on a stale
// version: fn re-reads what it changes, so a retry works on fresh data.
func (s *Service) update(ctx context.Context, fn func(Tx) error) error {
	var err error
	for range retries {
		if err = s.store.Update(ctx, fn); !errors.Is(err, ErrStale) {
			return err
		}
	}
	return err
}

// UpdateChild changes a child's record if it is still at version. The
// history and the audit record (child.update) name the fields changed,
// never their values. An input that changes nothing writes nothing.
func (s *Service) UpdateChild(ctx context.Context, a auth.Actor, id int64, version int, ci ChildInput) (*Child, error) {
	country, err := s.allow(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	in, err := s.validChild(ci)
	if err != nil {
		return nil, err
	}
	var out *Child
	err = s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Child(ctx, country, id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return staleErr("child")
		}
		c, err := s.openChild(r)
		if err != nil {
			return err
		}
		fields := childChanges(c, in)
		if len(fields) == 0 {
			out = c
			return nil
		}
		in.ID, in.Ref, in.Country, in.CreatedAt = c.ID, c.Ref, c.Country, c.CreatedAt
		if err := s.saveChild(ctx, tx, a, in, version, fields); err != nil {
			return err
		}
		out = in
		return s.share(ctx, tx, country, shareItem{id: in.ID, child: in})
	})
	return out, s.auditStale(ctx, a, country, audit.ActChildUpdate, childTarget(id), err)
}

func staleErr(what string) error {
	return &errs.Error{Code: errs.Conflict, Err: ErrStale,
		Message: "the " + what + " was changed by someone else since you opened it: reload it and make your change again"}
}

// saveChild writes c (at version) with fresh tokens and encoding, and
// records the change in the history and the audit log.
func (s *Service) saveChild(ctx context.Context, tx Tx, a auth.Actor, c *Child, version int, fields []string) error {
	rec, err := s.childRecord(c)
	if err != nil {
		return err
	}
	rec.Version = version
	rec.UpdatedAt = s.now()
	if err := tx.UpdateChild(ctx, rec); err != nil {
		return err
	}
	c.Version, c.UpdatedAt = rec.Version, rec.UpdatedAt
	if err := s.addChange(ctx, tx, a, c.Country, "child", c.ID, "update", fields); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, s.record(a, c.Country, audit.ActChildUpdate, childTarget(c.ID), strings.Join(fields, ",")))
}

// childChanges returns the names of the fields in which in differs from c.
func childChanges(c, in *Child) []string {
	var f []string
	add := func(name string, changed bool) {
		if changed {
			f = append(f, name)
		}
	}
	add("national_ref", c.NationalRef != in.NationalRef)
	add("given_names", c.GivenNames != in.GivenNames)
	add("family_name", c.FamilyName != in.FamilyName)
	add("aliases", !reflect.DeepEqual(emptyNil(c.Aliases), emptyNil(in.Aliases)))
	add("sex", c.Sex != in.Sex)
	add("birth_date", c.BirthDate != in.BirthDate)
	add("birth_precision", c.BirthPrecision != in.BirthPrecision)
	add("assessments", !reflect.DeepEqual(emptyNil(c.Assessments), emptyNil(in.Assessments)))
	add("citizenships", !slices.Equal(c.Citizenships, in.Citizenships))
	add("languages", !slices.Equal(c.Languages, in.Languages))
	add("birth_place", c.BirthPlace != in.BirthPlace)
	add("notes", c.Notes != in.Notes)
	return f
}

func emptyNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// UpdateCase changes a case if it is still at version. A closed case is
// read-only; the status changes only through the closing workflow. A zero
// OpenedAt keeps the case's opening time.
func (s *Service) UpdateCase(ctx context.Context, a auth.Actor, id int64, version int, cs CaseInput) (*Case, error) {
	country, err := s.allow(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	keepOpened := cs.OpenedAt.IsZero()
	in, err := s.validCase(cs)
	if err != nil {
		return nil, err
	}
	var out *Case
	err = s.store.Update(ctx, func(tx Tx) error {
		r, k, err := s.writableCase(ctx, tx, country, id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return staleErr("case")
		}
		if keepOpened {
			in.OpenedAt = k.OpenedAt
		}
		fields := caseChanges(k, in)
		out = k
		if len(fields) == 0 {
			return nil
		}
		k.Category, k.Exploitation, k.Evidence = in.Category, in.Exploitation, in.Evidence
		k.ResponsibleOrg, k.Placement, k.LegalBasis = in.ResponsibleOrg, in.Placement, in.LegalBasis
		k.Consent, k.Handling, k.OpenedAt = in.Consent, in.Handling, in.OpenedAt
		if err := s.saveCase(ctx, tx, a, r.Ref, k, "update", audit.ActCaseUpdate, fields); err != nil {
			return err
		}
		// Category and evidence travel to the hub (and evidence decides
		// whether the child does at all).
		return s.share(ctx, tx, k.Country, shareItem{id: k.ChildID})
	})
	return out, s.auditStale(ctx, a, country, audit.ActCaseUpdate, caseTarget(id), err)
}

func caseChanges(k, in *Case) []string {
	var f []string
	add := func(name string, changed bool) {
		if changed {
			f = append(f, name)
		}
	}
	add("category", k.Category != in.Category)
	add("exploitation", !slices.Equal(k.Exploitation, in.Exploitation))
	add("evidence", k.Evidence != in.Evidence)
	add("responsible_org", k.ResponsibleOrg != in.ResponsibleOrg)
	add("placement", k.Placement != in.Placement)
	add("legal_basis", k.LegalBasis != in.LegalBasis)
	add("consent", k.Consent != in.Consent)
	add("handling", k.Handling != in.Handling)
	add("opened_at", !k.OpenedAt.Equal(in.OpenedAt))
	return f
}

// writableCase reads a case that may still be changed: not closed.
func (s *Service) writableCase(ctx context.Context, tx Tx, country auth.Country, id int64) (*CaseRecord, *Case, error) {
	r, err := tx.Case(ctx, country, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Status == StatusClosed {
		return nil, nil, errs.E(errs.Conflict, "the case is closed and can no longer be changed")
	}
	k, err := s.openCase(r)
	return r, k, err
}

// saveCase writes k at its version and records the change in the history
// (action) and the audit log (act, with the fields as detail).
func (s *Service) saveCase(ctx context.Context, tx Tx, a auth.Actor, ref string, k *Case, action, act string, fields []string) error {
	rec, err := s.sealCase(k, ref)
	if err != nil {
		return err
	}
	rec.UpdatedAt = s.now()
	if err := tx.UpdateCase(ctx, rec); err != nil {
		return err
	}
	k.Version, k.UpdatedAt = rec.Version, rec.UpdatedAt
	if err := s.addChange(ctx, tx, a, k.Country, "case", k.ID, action, fields); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, s.record(a, k.Country, act, caseTarget(k.ID), strings.Join(fields, ",")))
}

// AddEvent records an event on an open case. went_missing and located set
// and clear Case.Missing: the child is missing when the latest of those
// events (by time) is went_missing, so an event recorded late does not
// undo a later one. Audited as case.update with the event type.
func (s *Service) AddEvent(ctx context.Context, a auth.Actor, caseID int64, e EventInput) (*Event, error) {
	country, err := s.allow(a, auth.PermCasesWrite)
	if err != nil {
		return nil, err
	}
	ev, err := s.validEvent(e)
	if err != nil {
		return nil, err
	}
	var out *Event
	err = s.update(ctx, func(tx Tx) error {
		r, k, err := s.writableCase(ctx, tx, country, caseID)
		if err != nil {
			return err
		}
		add := *ev
		add.CaseID, add.By, add.ByToken = k.ID, a.UserID, a.TokenID
		rec, err := s.sealEvent(&add, k.Country)
		if err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, rec); err != nil {
			return err
		}
		add.ID, add.CreatedAt = rec.ID, rec.CreatedAt
		out = &add
		action := string(add.Type)
		var fields []string
		if add.Type == EvWentMissing || add.Type == EvLocated {
			evs, err := tx.Events(ctx, k.ID)
			if err != nil {
				return err
			}
			if missing := missingAfter(evs); missing != k.Missing {
				k.Missing = missing
				fields = []string{"missing"}
			}
		}
		if fields == nil {
			// The case row is unchanged; the history still shows the event.
			if err := s.addChange(ctx, tx, a, k.Country, "case", k.ID, action, nil); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, s.record(a, k.Country, audit.ActCaseUpdate, caseTarget(k.ID), "event="+string(add.Type)))
		}
		if err := s.saveCase(ctx, tx, a, r.Ref, k, action, audit.ActCaseUpdate, fields); err != nil {
			return err
		}
		return nil
	})
	return out, err
}

// missingAfter reports whether the latest went_missing or located event of
// evs (in time order) is went_missing.
func missingAfter(evs []*EventRecord) bool {
	missing := false
	for _, e := range evs {
		switch e.Type {
		case EvWentMissing:
			missing = true
		case EvLocated:
			missing = false
		}
	}
	return missing
}

// Timeline returns a case's events in time order; audited as case.read.
func (s *Service) Timeline(ctx context.Context, a auth.Actor, caseID int64) ([]*Event, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	var out []*Event
	err = s.store.Update(ctx, func(tx Tx) error {
		k, err := tx.Case(ctx, country, caseID)
		if err != nil {
			return err
		}
		recs, err := tx.Events(ctx, k.ID)
		if err != nil {
			return err
		}
		for _, r := range recs {
			e, err := s.openEvent(r)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return tx.AppendAudit(ctx, s.record(a, k.Country, audit.ActCaseRead, caseTarget(k.ID), "timeline"))
	})
	return out, err
}

// History returns who changed what and when, newest first, for entity
// "child" or "case". It holds field names, authors (user or token ids) and
// times, no values.
func (s *Service) History(ctx context.Context, a auth.Actor, entity string, id int64) ([]*Change, error) {
	country, err := s.allow(a, auth.PermCasesRead)
	if err != nil {
		return nil, err
	}
	var out []*Change
	// A history names who changed what and when: reading it is a read of
	// the record, audited like one (issue 10 L1).
	err = s.store.Update(ctx, func(tx Tx) error {
		var c auth.Country
		switch entity {
		case "child":
			r, err := tx.Child(ctx, country, id)
			if err != nil {
				return err
			}
			c = r.Country
		case "case":
			r, err := tx.Case(ctx, country, id)
			if err != nil {
				return err
			}
			c = r.Country
		default:
			return errs.Field("entity", "must be child or case")
		}
		out, err = tx.Changes(ctx, c, entity, id)
		if err != nil {
			return err
		}
		action, target := audit.ActChildRead, childTarget(id)
		if entity == "case" {
			action, target = audit.ActCaseRead, caseTarget(id)
		}
		return tx.AppendAudit(ctx, s.record(a, c, action, target, "history"))
	})
	return out, err
}

// RequestClose asks a supervisor to close an open case, with a reason
// (sealed). Audited as case.close_request.
func (s *Service) RequestClose(ctx context.Context, a auth.Actor, caseID int64, reason string) error {
	country, err := s.allow(a, auth.PermCasesWrite)
	if err != nil {
		return err
	}
	if a.TokenID != 0 {
		// Closing a case starts the retention clock and ends follow-up:
		// a decision of a named professional, not of a national system.
		return errs.E(errs.Forbidden, "only a person may ask to close a case")
	}
	reason, err = requiredReason(reason)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		r, k, err := s.writableCase(ctx, tx, country, caseID)
		if err != nil {
			return err
		}
		if k.Status != StatusOpen {
			return errs.E(errs.Conflict, "closing this case has already been requested")
		}
		k.Status = StatusClosureRequested
		k.CloseRequest = &CloseRequest{By: a.UserID, At: s.now(), Reason: reason}
		return s.saveCase(ctx, tx, a, r.Ref, k, "close_requested", audit.ActCaseCloseRequest, []string{"status"})
	})
}

// ApproveClose closes a case whose closure was requested; it needs
// cases.approve and another user than the requester (four eyes). The
// timeline gets a "closed" event; audited as case.close_approve.
func (s *Service) ApproveClose(ctx context.Context, a auth.Actor, caseID int64) error {
	country, err := s.allow(a, auth.PermCasesApprove)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		r, k, err := s.pendingClosure(ctx, tx, country, caseID)
		if err != nil {
			return err
		}
		if k.CloseRequest.By == a.UserID {
			return errs.E(errs.Forbidden, "a closure must be approved by another user than the one who requested it")
		}
		now := s.now()
		k.Status, k.ClosedAt = StatusClosed, now
		ev, err := s.sealEvent(&Event{CaseID: k.ID, Type: EvClosed, At: now, By: a.UserID, ByToken: a.TokenID}, k.Country)
		if err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, ev); err != nil {
			return err
		}
		return s.saveCase(ctx, tx, a, r.Ref, k, "closed", audit.ActCaseCloseApprove, []string{"status"})
	})
}

// RejectClose refuses a closure request: the case is open again and keeps
// the refusal (who, when, why; the reason sealed). Audited as
// case.close_approve with outcome "denied".
func (s *Service) RejectClose(ctx context.Context, a auth.Actor, caseID int64, reason string) error {
	country, err := s.allow(a, auth.PermCasesApprove)
	if err != nil {
		return err
	}
	reason, err = requiredReason(reason)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		r, k, err := s.pendingClosure(ctx, tx, country, caseID)
		if err != nil {
			return err
		}
		k.Status, k.CloseRequest = StatusOpen, nil
		k.Rejection = &CloseRequest{By: a.UserID, At: s.now(), Reason: reason}
		rec, err := s.sealCase(k, r.Ref)
		if err != nil {
			return err
		}
		rec.UpdatedAt = s.now()
		if err := tx.UpdateCase(ctx, rec); err != nil {
			return err
		}
		if err := s.addChange(ctx, tx, a, k.Country, "case", k.ID, "close_rejected", []string{"status"}); err != nil {
			return err
		}
		rd := s.record(a, k.Country, audit.ActCaseCloseApprove, caseTarget(k.ID), "refused")
		rd.Outcome = "denied"
		return tx.AppendAudit(ctx, rd)
	})
}

func (s *Service) pendingClosure(ctx context.Context, tx Tx, country auth.Country, id int64) (*CaseRecord, *Case, error) {
	r, k, err := s.writableCase(ctx, tx, country, id)
	if err != nil {
		return nil, nil, err
	}
	if k.Status != StatusClosureRequested || k.CloseRequest == nil {
		return nil, nil, errs.E(errs.Conflict, "closing this case has not been requested")
	}
	return r, k, nil
}

// requiredReason checks the reason given for requesting or refusing a
// closure: required, and within maxReason.
func requiredReason(reason string) (string, error) {
	var c checker
	reason = c.text("reason", reason, maxReason, true)
	if reason == "" {
		c.add("reason", "is required")
	}
	return reason, c.err()
}
