package followup

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// requestMessage seals a request to the other node and wraps it for the
// outbox.
func (s *Service) requestMessage(ctx context.Context, r *Request, wire exchange.FollowUpRequest, now time.Time) ([]*cases.OutboxMessage, error) {
	wire.Deadline = now.Add(Deadlines[r.Urgency])
	return s.sealTo(ctx, r.OtherCountry, exchange.FollowUpMessage{ID: cases.NewMessageID(), Thread: r.Thread,
		Type: exchange.FollowUpRequestType, SentAt: now, Request: &wire})
}

// sealTo seals m to the node of country, found in the hub's directory and
// checked against the network CA (and CRL) by Peers.Seal: a revoked node
// gets nothing.
func (s *Service) sealTo(ctx context.Context, country string, m exchange.FollowUpMessage) ([]*cases.OutboxMessage, error) {
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return s.sealFrame(ctx, country, m.Thread, exchange.KindFollowUp, plain)
}

// sealFrame seals plain of kind to the node of country and wraps it for
// the outbox.
func (s *Service) sealFrame(ctx context.Context, country, thread, kind string, plain []byte) ([]*cases.OutboxMessage, error) {
	if s.Peers == nil {
		return nil, errs.E(errs.Unavailable, "follow-up: this node has no network certificate")
	}
	certs, err := s.Peers.Certificates(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "follow-up: the network's directory")
	}
	for _, c := range certs {
		if s.Peers.Country(c) != country {
			continue
		}
		sealed, err := s.Peers.Seal(c, kind, plain)
		if err != nil {
			// Nothing leaves for a node whose certificate is revoked or
			// expired; the refusal is audited like a refused message.
			return nil, s.refuse(ctx, country, thread, "recipient_not_valid",
				errs.E(errs.Unavailable, "follow-up: the other node's certificate is not valid (expired or revoked)"))
		}
		e := exchange.Envelope{ID: cases.NewMessageID(), Type: exchange.TypeSealed,
			Sealed: &exchange.Sealed{To: country, Kind: kind, Ciphertext: sealed}}
		body, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		return []*cases.OutboxMessage{{ID: e.ID, Type: e.Type, Body: body}}, nil
	}
	return nil, errs.E(errs.Unavailable, "follow-up: the other country's node is not in the network's directory")
}

// Receive opens a follow-up message another node sealed to this one and
// files it in its thread. A message that cannot be opened (altered,
// signed by another country than the hub says, sealed to another node, a
// revoked sender), that was opened before (a replay) or that does not fit
// its thread is refused, and the refusal is audited.
func (s *Service) Receive(ctx context.Context, n *exchange.Sealed) error {
	if s.Peers == nil {
		return errs.E(errs.Unavailable, "follow-up: this node has no network certificate")
	}
	if n.Kind == exchange.KindFollowUpAttachment {
		return s.receiveAttachment(ctx, n)
	}
	plain, err := s.Peers.Open(ctx, n.From, exchange.KindFollowUp, n.Ciphertext)
	if err != nil {
		return s.refuse(ctx, n.From, "", "unverified", err)
	}
	var m exchange.FollowUpMessage
	if err := json.Unmarshal(plain, &m); err != nil || m.ID == "" || m.Thread == "" || len(m.Thread) > 64 {
		return s.refuse(ctx, n.From, "", "malformed", errs.E(errs.Invalid, "follow-up: a malformed message"))
	}
	now := s.now()
	fromRef := "country:" + n.From
	return s.fileOnce(ctx, n.From, m.ID, m.Thread, func(tx Tx) error {
		switch {
		case m.Type == exchange.FollowUpRequestType && m.Request != nil:
			return s.receiveRequest(ctx, tx, n.From, fromRef, &m, now)
		case m.Type == exchange.FollowUpDecisionType && m.Decision != nil:
			return s.receiveDecision(ctx, tx, n.From, fromRef, &m, now)
		}
		return errs.E(errs.Invalid, "follow-up: an unknown message type")
	})
}

var errReplay = errs.E(errs.Conflict, "follow-up: a message already received (replay)")

// fileOnce runs file, in one transaction with the record that message id
// of country from was opened: a message opened before is a replay. A
// replay, and a message that does not fit its thread (invalid, conflicting
// or forbidden), are refused and audited; other errors are returned as
// they are, for the message to be tried again.
func (s *Service) fileOnce(ctx context.Context, from, id, thread string, file func(tx Tx) error) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		fresh, err := tx.Seen(ctx, id, from)
		if err != nil {
			return err
		}
		if !fresh {
			return errReplay
		}
		return file(tx)
	})
	switch {
	case err == errReplay:
		return s.refuse(ctx, from, thread, "replay", err)
	case errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.Conflict || errs.CodeOf(err) == errs.Forbidden:
		return s.refuse(ctx, from, thread, string(errs.CodeOf(err)), err)
	}
	return err
}

// refuse audits a refused message and returns err.
// The country is the sender of a refused message, or the recipient of one
// that could not be sealed.
func (s *Service) refuse(ctx context.Context, from, thread, code string, err error) error {
	target := "country:" + from
	if thread != "" {
		target = "followup:" + thread
	}
	if aerr := s.Store.Update(ctx, func(tx Tx) error {
		return tx.AppendAudit(ctx, audit.Record{Time: s.now(), Actor: auth.SystemActor.Ref(), Role: "system", Country: s.Country,
			Action: audit.ActDisclosureReject, Target: target, Outcome: "refused", Detail: code + " from " + from})
	}); aerr != nil {
		s.log().Error("follow-up: auditing a refused message failed", "err", aerr)
	}
	s.log().Warn("follow-up: a sealed message was refused", "from", from, "code", code)
	return err
}

func (s *Service) receiveRequest(ctx context.Context, tx Tx, from, fromRef string, m *exchange.FollowUpMessage, now time.Time) error {
	q := m.Request
	in := Input{Purpose: q.Purpose, LegalBasis: q.LegalBasis, LegalText: q.LegalText, Urgency: Urgency(q.Urgency),
		Handling: q.Handling, Evaluation: q.Evaluation, Asked: q.Asked, Question: q.Question, Officer: q.Officer}
	if err := in.Validate(); err != nil {
		return err
	}
	if old, err := tx.RequestByThread(ctx, m.Thread, In); err != nil || old != nil {
		if old != nil {
			return errs.E(errs.Conflict, "follow-up: the thread exists")
		}
		return err
	}
	child, err := tx.ChildOfRef(ctx, q.SubjectRef)
	if err != nil {
		return err
	}
	r := &Request{Thread: m.Thread, Direction: In, OtherCountry: from, ChildID: child, LocalRef: q.SubjectRef,
		OtherRef: q.RequesterRef, HitID: q.HitID, Urgency: in.Urgency, Handling: q.Handling, LegalBasis: q.LegalBasis,
		State: StatePending, Deadline: q.Deadline.UTC(), CreatedBy: fromRef, CreatedAt: now, UpdatedAt: now}
	// A deadline further than the urgency allows is the sender's mistake:
	// the receiving side counts from the urgency, never longer.
	if lim := now.Add(Deadlines[in.Urgency]); r.Deadline.IsZero() || r.Deadline.After(lim) {
		r.Deadline = lim
	}
	if r.Body, err = s.sealBody(r.Thread, q); err != nil {
		return err
	}
	if err := tx.PutRequest(ctx, r); err != nil {
		return err
	}
	if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvReceived, Actor: fromRef, At: now, Detail: q.Urgency}); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: fromRef, Role: "node", Country: s.Country,
		Action: audit.ActDisclosureRequest, Target: "followup:" + r.Thread, Outcome: "ok", Detail: "received " + StatePending})
}

func (s *Service) receiveDecision(ctx context.Context, tx Tx, from, fromRef string, m *exchange.FollowUpMessage, now time.Time) error {
	d := m.Decision
	r, err := tx.RequestByThread(ctx, m.Thread, Out)
	if err != nil {
		return err
	}
	// Only the country asked may answer, and only a request that left.
	if r == nil || r.OtherCountry != from {
		return errs.E(errs.Forbidden, "follow-up: an answer to no request of this node")
	}
	to, ok := stateOf[d.Outcome]
	if !ok {
		return errs.E(errs.Invalid, "follow-up: an unknown outcome")
	}
	if ok, err := tx.SetState(ctx, r.ID, StateSent, to, time.Time{}); err != nil || !ok {
		if err == nil {
			err = errs.E(errs.Conflict, "follow-up: the request is not waiting for an answer")
		}
		return err
	}
	body, err := s.sealBody(r.Thread, d)
	if err != nil {
		return err
	}
	if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvAnswered, Actor: fromRef, At: now, Detail: d.Outcome + " " + d.Reason, Body: body}); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: fromRef, Role: "node", Country: s.Country,
		Action: audit.ActDisclosureDecide, Target: "followup:" + r.Thread, Outcome: "ok", Detail: "answered " + to})
}

// DecisionInput is the receiving side's decision.
type DecisionInput struct {
	Outcome    string
	Fields     []string // for grant and partial: the field codes disclosed
	Reason     string   // for refuse: a code of RefusalReasons
	Note       string   // for more: what is asked; otherwise optional
	Handling   string
	Evaluation string
	Officer    string
}

// Decide records an officer's or supervisor's decision on a received
// request and seals the answer, with the chosen fields of the child, back
// to the requesting node.
func (s *Service) Decide(ctx context.Context, a auth.Actor, id int64, d DecisionInput) error {
	if err := s.allow(a, auth.PermCasesWrite); err != nil {
		return err
	}
	r, err := s.read(ctx, id)
	if err != nil {
		return err
	}
	if r.Direction != In || r.State != StatePending {
		return errs.E(errs.Conflict, "follow-up: the request does not wait for a decision")
	}
	to, ok := stateOf[d.Outcome]
	var bad []string
	if !ok {
		bad = append(bad, "outcome")
	}
	if (d.Outcome == Grant || d.Outcome == Partial) && (len(d.Fields) == 0 || anyNotIn(d.Fields, Fields)) {
		bad = append(bad, "fields")
	}
	if d.Outcome == Refuse && !contains(RefusalReasons, d.Reason) {
		bad = append(bad, "reason")
	}
	if d.Outcome == More && strings.TrimSpace(d.Note) == "" || len(d.Note) > 4000 {
		bad = append(bad, "note")
	}
	if !contains(Handlings, d.Handling) || !ValidEvaluation(d.Evaluation) {
		bad = append(bad, "handling")
	}
	if len(bad) > 0 {
		return errs.E(errs.Invalid, "follow-up decision: check %s", strings.Join(bad, ", "))
	}
	wire := exchange.FollowUpDecision{Outcome: d.Outcome, Note: strings.TrimSpace(d.Note), Handling: d.Handling,
		Evaluation: d.Evaluation, Officer: d.Officer}
	if d.Outcome == Refuse {
		wire.Reason = d.Reason
	}
	if d.Outcome == Grant || d.Outcome == Partial {
		if r.ChildID == 0 {
			return errs.E(errs.Conflict, "follow-up: the record asked about is no longer held")
		}
		c, err := s.Records.Child(ctx, a, r.ChildID)
		if err != nil {
			return err
		}
		wire.Fields = fieldsOf(c, d.Fields)
	}
	now := s.now()
	msgs, err := s.sealTo(ctx, r.OtherCountry, exchange.FollowUpMessage{ID: cases.NewMessageID(), Thread: r.Thread,
		Type: exchange.FollowUpDecisionType, SentAt: now, Decision: &wire})
	if err != nil {
		return err
	}
	body, err := s.sealBody(r.Thread, wire)
	if err != nil {
		return err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		ok, err := tx.SetState(ctx, r.ID, StatePending, to, time.Time{})
		if err != nil || !ok {
			return cmpErr(err, ok)
		}
		if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvDecided, Actor: a.Ref(), At: now, Detail: d.Outcome + " " + wire.Reason, Body: body}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, s.record(a, audit.ActDisclosureDecide, r.Thread, "ok", to+" "+wire.Reason)); err != nil {
			return err
		}
		if len(wire.Fields) == 0 {
			return nil
		}
		return tx.AppendAudit(ctx, s.record(a, audit.ActDisclosureSend, r.Thread, "ok", strings.Join(sortedKeys(wire.Fields), ",")))
	})
	if err == nil {
		s.wake(1)
	}
	return err
}

// fieldsOf reads the chosen fields of a child.
func fieldsOf(c *cases.Child, fields []string) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		switch f {
		case "given_names":
			out[f] = c.GivenNames
		case "family_name":
			out[f] = c.FamilyName
		case "birth_date":
			out[f] = c.BirthDate
		case "birth_place":
			out[f] = c.BirthPlace
		case "citizenships":
			out[f] = strings.Join(c.Citizenships, ", ")
		case "languages":
			out[f] = strings.Join(c.Languages, ", ")
		}
	}
	return out
}
