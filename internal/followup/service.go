package followup

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Peers seals to and opens from the network's other nodes (pki.SealSigned
// and pki.OpenVerified with the node's bundle); node.pkiPeers implements
// it, as it does nodesync.Peers.
type Peers interface {
	Certificates(ctx context.Context) ([]*x509.Certificate, error)
	Seal(to *x509.Certificate, kind string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, from, kind string, sealed []byte) ([]byte, error)
	Country(c *x509.Certificate) string
}

// AtRest seals free text and disclosed details with the node's keyring.
type AtRest interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
}

// Records is what the service reads of the registry: the child whose
// details are disclosed, and its cases (is it based on suspicion only?).
// *cases.Service implements it, with its own permission checks.
type Records interface {
	Child(ctx context.Context, a auth.Actor, id int64) (*cases.Child, error)
	CasesOf(ctx context.Context, a auth.Actor, childID int64) ([]*cases.Case, error)
}

// Service is the follow-up workflow of one node.
type Service struct {
	Store   Store
	Peers   Peers
	AtRest  AtRest
	Records Records
	Country string
	Now     func() time.Time
	Logger  *slog.Logger
	Wake    func() // wakes the outbox sender; nil: it finds the message on its next poll
	// MaxAttachment is the largest file this node sends or accepts on a
	// thread; DefaultMaxAttachment (also the ceiling) when 0.
	MaxAttachment int64
}

// AtRestPurpose is the keyring purpose sealing follow-up text at rest.
const AtRestPurpose = "followup"

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return s.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func newThread() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Input is what an officer states in a request.
type Input struct {
	Purpose    string
	LegalBasis string
	LegalText  string
	Urgency    Urgency
	Handling   string
	Evaluation string
	Asked      []string
	Question   string
	Officer    string // the officer's display name, for the other NCP
}

// Validate checks an input; the error names the fields, never values.
func (in *Input) Validate() error {
	var bad []string
	if t := strings.TrimSpace(in.Purpose); t == "" || utf8.RuneCountInString(t) > 2000 {
		bad = append(bad, "purpose")
	}
	if !ValidLegalBasis(in.LegalBasis) || (in.LegalBasis == "national" && strings.TrimSpace(in.LegalText) == "") ||
		utf8.RuneCountInString(in.LegalText) > 500 {
		bad = append(bad, "legal_basis")
	}
	if _, ok := Deadlines[in.Urgency]; !ok {
		bad = append(bad, "urgency")
	}
	if !slices.Contains(Handlings, in.Handling) {
		bad = append(bad, "handling")
	}
	if !ValidEvaluation(in.Evaluation) {
		bad = append(bad, "evaluation")
	}
	if len(in.Asked) == 0 || slices.ContainsFunc(in.Asked, func(f string) bool { return !slices.Contains(Fields, f) }) {
		bad = append(bad, "asked")
	}
	if utf8.RuneCountInString(in.Question) > 2000 || utf8.RuneCountInString(in.Officer) > 200 {
		bad = append(bad, "question")
	}
	if len(bad) > 0 {
		return errs.E(errs.Invalid, "follow-up request: check %s", strings.Join(bad, ", "))
	}
	return nil
}

func (s *Service) record(a auth.Actor, action, thread, outcome, detail string) audit.Record {
	return audit.Record{Time: s.now(), Actor: a.Ref(), Role: string(a.Role), Country: s.Country,
		Action: action, Target: "followup:" + thread, Outcome: outcome, Detail: detail}
}

func (s *Service) allow(a auth.Actor, p auth.Permission) error {
	if !a.Role.Can(p) || string(a.Country) != s.Country {
		return errs.E(errs.Forbidden, "follow-up: not allowed for this role")
	}
	return nil
}

// NeedsApproval reports whether a request about child needs a
// supervisor's approval before it leaves: any request marked immediate
// danger, and any about a record based on suspicion only (no case of the
// child with better evidence).
func (s *Service) NeedsApproval(ctx context.Context, a auth.Actor, childID int64, u Urgency) (bool, error) {
	if u == Danger {
		return true, nil
	}
	cs, err := s.Records.CasesOf(ctx, a, childID)
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if c.Evidence != cases.EvidenceSuspicion {
			return false, nil
		}
	}
	return true, nil
}

// Create makes a request from a hit of the node's queue. It leaves at once
// unless it needs a supervisor's approval (NeedsApproval).
func (s *Service) Create(ctx context.Context, a auth.Actor, hitID int64, in Input) (*Request, error) {
	if err := s.allow(a, auth.PermCasesWrite); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var hit *HitRef
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		hit, err = tx.HitRef(ctx, hitID)
		return err
	}); err != nil {
		return nil, err
	}
	if hit == nil || hit.ChildID == 0 {
		return nil, errs.E(errs.NotFound, "follow-up: no such match")
	}
	approval, err := s.NeedsApproval(ctx, a, hit.ChildID, in.Urgency)
	if err != nil {
		return nil, err
	}
	now := s.now()
	wire := exchange.FollowUpRequest{RequesterRef: hit.LocalRef, SubjectRef: hit.OtherRef, HitID: hit.HitID,
		Purpose: strings.TrimSpace(in.Purpose), LegalBasis: in.LegalBasis, LegalText: strings.TrimSpace(in.LegalText),
		Urgency: string(in.Urgency), Handling: in.Handling, Evaluation: in.Evaluation, Asked: in.Asked,
		Question: strings.TrimSpace(in.Question), Officer: in.Officer}
	r := &Request{Thread: newThread(), Direction: Out, OtherCountry: hit.OtherCountry, ChildID: hit.ChildID,
		LocalRef: hit.LocalRef, OtherRef: hit.OtherRef, HitID: hit.HitID, Urgency: in.Urgency, Handling: in.Handling,
		LegalBasis: in.LegalBasis, State: StateApproval, CreatedBy: a.Ref(), CreatedAt: now, UpdatedAt: now}
	if r.Body, err = s.sealBody(r.Thread, wire); err != nil {
		return nil, err
	}
	var msgs []*cases.OutboxMessage
	if !approval {
		if msgs, err = s.requestMessage(ctx, r, wire, now); err != nil {
			return nil, err
		}
		r.State, r.Deadline = StateSent, now.Add(Deadlines[in.Urgency])
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.PutRequest(ctx, r); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvCreated, Actor: a.Ref(), At: now, Detail: string(in.Urgency)}); err != nil {
			return err
		}
		if !approval {
			if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvSent, Actor: a.Ref(), At: now}); err != nil {
				return err
			}
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, audit.ActDisclosureRequest, r.Thread, "ok", r.State))
	})
	if err != nil {
		return nil, err
	}
	s.wake(len(msgs))
	return r, nil
}

// Approve lets a request waiting for approval leave. The approver is a
// supervisor other than the officer who wrote it (four eyes).
func (s *Service) Approve(ctx context.Context, a auth.Actor, id int64) error {
	if err := s.allow(a, auth.PermCasesApprove); err != nil {
		return err
	}
	r, err := s.read(ctx, id)
	if err != nil {
		return err
	}
	if r.Direction != Out || r.State != StateApproval {
		return errs.E(errs.Conflict, "follow-up: the request does not wait for approval")
	}
	if r.CreatedBy == a.Ref() {
		return errs.E(errs.Forbidden, "follow-up: another supervisor must approve a request you wrote")
	}
	var wire exchange.FollowUpRequest
	if err := s.openBody(r.Thread, r.Body, &wire); err != nil {
		return err
	}
	now := s.now()
	msgs, err := s.requestMessage(ctx, r, wire, now)
	if err != nil {
		return err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		ok, err := tx.SetState(ctx, r.ID, StateApproval, StateSent, now.Add(Deadlines[r.Urgency]))
		if err != nil || !ok {
			return cmpErr(err, ok)
		}
		for _, k := range []string{EvApproved, EvSent} {
			if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: k, Actor: a.Ref(), At: now}); err != nil {
				return err
			}
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, audit.ActDisclosureApprove, r.Thread, "ok", StateSent))
	})
	if err == nil {
		s.wake(1)
	}
	return err
}

func cmpErr(err error, ok bool) error {
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "follow-up: the request changed meanwhile")
	}
	return nil
}

func (s *Service) wake(n int) {
	if n > 0 && s.Wake != nil {
		s.Wake()
	}
}

func (s *Service) read(ctx context.Context, id int64) (*Request, error) {
	var r *Request
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		r, err = tx.Request(ctx, id)
		return err
	})
	if err == nil && r == nil {
		err = errs.E(errs.NotFound, "follow-up: no such request")
	}
	return r, err
}

// BodyAAD is the binding of a thread's sealed texts at rest (a request's
// body, an event's decision): a value copied to another thread does not
// open. Re-sealing after a key rotation (store.ResealFollowUp) uses it.
func BodyAAD(thread string) string { return "followup/" + thread }

// AttachmentAAD is the binding of a file's sealed header (part "meta") or
// bytes (part "body") at rest, to its thread and to itself.
func AttachmentAAD(thread, attID, part string) string {
	return "followup/" + thread + "/attachment/" + attID + "/" + part
}

func (s *Service) sealBody(thread string, v any) ([]byte, error) {
	return s.sealJSON(v, BodyAAD(thread))
}

func (s *Service) openBody(thread string, sealed []byte, v any) error {
	return s.openJSON(sealed, BodyAAD(thread), v)
}

// sealJSON seals v's JSON at rest, bound to aad.
func (s *Service) sealJSON(v any, aad string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return s.AtRest.Seal(b, aad)
}

func (s *Service) openJSON(sealed []byte, aad string, v any) error {
	b, err := s.AtRest.Open(sealed, aad)
	if err != nil {
		return errs.Wrap(err, "follow-up: open a stored message")
	}
	return json.Unmarshal(b, v)
}
