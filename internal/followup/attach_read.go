package followup

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// receiveAttachment opens a file another node sealed to this one and files
// it in its thread. Like any follow-up message, one that cannot be opened,
// was opened before or fits no thread with the sending country is
// refused; so is a file whose bytes are not what its header says (size,
// digest), too large for this node, or not of an allowed type. Each
// refusal is audited.
func (s *Service) receiveAttachment(ctx context.Context, n *exchange.Sealed) error {
	plain, err := s.Peers.Open(ctx, n.From, exchange.KindFollowUpAttachment, n.Ciphertext)
	if err != nil {
		return s.refuse(ctx, n.From, "", "unverified", err)
	}
	m, data, err := exchange.ParseAttachmentFrame(plain)
	if err != nil || m.ID == "" || m.Thread == "" || len(m.Thread) > 64 {
		return s.refuse(ctx, n.From, "", "malformed", errs.E(errs.Invalid, "follow-up: a malformed attachment"))
	}
	h := m.Attachment
	sum := sha256.Sum256(data)
	if h.ID == "" || len(h.ID) > 64 || h.Size != int64(len(data)) ||
		subtle.ConstantTimeCompare([]byte(h.SHA256), []byte(hex.EncodeToString(sum[:]))) != 1 ||
		!contains(Handlings, h.Handling) || !ValidEvaluation(h.Evaluation) ||
		utf8.RuneCountInString(h.Name) > 255 || utf8.RuneCountInString(h.Officer) > 200 {
		return s.refuse(ctx, n.From, m.Thread, "malformed", errs.E(errs.Invalid, "follow-up: an attachment whose header does not match its content"))
	}
	ct, code, err := s.checkAttachment(h.ContentType, h.Name, data)
	if err != nil {
		return s.refuse(ctx, n.From, m.Thread, code, err)
	}
	h.Name = CleanName(h.Name, ct)
	now := s.now()
	fromRef := "country:" + n.From
	return s.fileOnce(ctx, n.From, m.ID, m.Thread, func(tx Tx) error {
		r, err := threadWith(ctx, tx, m.Thread, n.From)
		if err != nil {
			return err
		}
		att := &Attachment{RequestID: r.ID, AttID: h.ID, Direction: In, ContentType: ct, Size: h.Size, SHA256: h.SHA256,
			Handling: h.Handling, Evaluation: h.Evaluation, CreatedBy: fromRef, CreatedAt: now}
		if err := s.sealAttachment(r.Thread, att, *h, data); err != nil {
			return err
		}
		if err := tx.PutAttachment(ctx, att); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvAttachIn, Actor: fromRef, At: now, Detail: ct + " " + h.Handling}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record{Time: now, Actor: fromRef, Role: "node", Country: s.Country,
			Action: audit.ActAttachmentReceive, Target: "followup:" + r.Thread, Outcome: "ok", Detail: attDetail(att)})
	})
}

// threadWith finds this node's request of a thread held with country, in
// either direction: a file comes only from the other side of a thread.
func threadWith(ctx context.Context, tx Tx, thread, country string) (*Request, error) {
	for _, dir := range []string{Out, In} {
		r, err := tx.RequestByThread(ctx, thread, dir)
		if err != nil {
			return nil, err
		}
		if r != nil && r.OtherCountry == country && (dir == In || r.State != StateApproval) {
			return r, nil
		}
	}
	return nil, errs.E(errs.Forbidden, "follow-up: a file for no thread held with the sending country")
}

// AttachmentView is a file as a thread lists it. Under H3 a role below
// supervisor sees that a file exists, not its name.
type AttachmentView struct {
	*Attachment
	Name     string
	Officer  string
	Withheld bool
}

// attachments lists a request's files for a reader, with the numbers
// shown and withheld (for the audit of the read).
func (s *Service) attachments(ctx context.Context, a auth.Actor, r *Request) (out []*AttachmentView, shown, withheld int, err error) {
	var list []*Attachment
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, err = tx.Attachments(ctx, r.ID)
		return err
	}); err != nil {
		return nil, 0, 0, err
	}
	for _, at := range list {
		v := &AttachmentView{Attachment: at}
		if at.Handling == "H3" && !mayReadH3(a.Role) {
			v.Withheld = true
			withheld++
		} else {
			var h exchange.FollowUpAttachment
			if err := s.openJSON(at.Meta, at.aad(r.Thread, "meta"), &h); err != nil {
				return nil, 0, 0, err
			}
			v.Name, v.Officer = h.Name, h.Officer
			shown++
		}
		at.Meta = nil
		out = append(out, v)
	}
	return out, shown, withheld, nil
}

// OpenAttachment returns a file of a thread, with its name, for download.
// Under H3 only supervisors (and above) may open it: anyone else is
// refused, and the attempt is audited as denied. Every download is
// audited.
func (s *Service) OpenAttachment(ctx context.Context, a auth.Actor, id, attID int64) (*AttachmentView, []byte, error) {
	if err := s.allow(a, auth.PermCasesRead); err != nil {
		return nil, nil, err
	}
	r, err := s.read(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var at *Attachment
	if err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		at, err = tx.Attachment(ctx, attID)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if at == nil || at.RequestID != r.ID {
		return nil, nil, errs.E(errs.NotFound, "follow-up: no such file")
	}
	audited := func(outcome, detail string) error {
		return s.Store.Update(ctx, func(tx Tx) error {
			return tx.AppendAudit(ctx, s.record(a, audit.ActAttachmentOpen, r.Thread, outcome, detail))
		})
	}
	if at.Handling == "H3" && !mayReadH3(a.Role) {
		if err := audited("denied", "H3 file withheld from role "+string(a.Role)+" "+at.AttID); err != nil {
			return nil, nil, err
		}
		return nil, nil, errs.E(errs.Forbidden, "follow-up: a file under H3 is for supervisors only")
	}
	var h exchange.FollowUpAttachment
	if err := s.openJSON(at.Meta, at.aad(r.Thread, "meta"), &h); err != nil {
		return nil, nil, err
	}
	data, err := s.AtRest.Open(at.Body, at.aad(r.Thread, "body"))
	if err != nil {
		return nil, nil, errs.Wrap(err, "follow-up: open a stored file")
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != at.SHA256 || int64(len(data)) != at.Size {
		return nil, nil, errs.E(errs.Internal, "follow-up: a stored file does not match its digest")
	}
	if err := audited("ok", "download "+attDetail(at)); err != nil {
		return nil, nil, err
	}
	at.Meta, at.Body = nil, nil
	return &AttachmentView{Attachment: at, Name: h.Name, Officer: h.Officer}, data, nil
}
