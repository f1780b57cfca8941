package followup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Attachment is a file on a follow-up thread as one node keeps it: sent
// by this node (Out) or received from the other (In). The coded columns
// are in clear; the file's name and the file itself rest sealed with the
// node's keyring, bound to the thread and the attachment.
type Attachment struct {
	ID          int64
	RequestID   int64
	AttID       string // chosen by the sending node; the same on both nodes
	Direction   string // Out: this node attached it; In: received
	ContentType string
	Size        int64
	SHA256      string // hex
	Handling    string
	Evaluation  string
	CreatedBy   string // "user:N", or "country:XX" for a received file
	CreatedAt   time.Time
	Meta        []byte // sealed at rest: the JSON of the exchange.FollowUpAttachment
	Body        []byte // sealed at rest: the file; nil when listed
}

// aad binds a sealed attachment to its thread and to itself, so that a
// file copied onto another row does not open.
func (a *Attachment) aad(thread, part string) string {
	return AttachmentAAD(thread, a.AttID, part)
}

// Export refuses an attachment under H2 or H3, as Export refuses
// disclosed details: it is never passed on.
func (a *Attachment) Export() error { return exportHandling(a.Handling) }

// AttachInput is an uploaded file.
type AttachInput struct {
	Name        string // the file name the browser gave
	ContentType string // the type the browser declared ("" when none)
	Data        []byte
	Handling    string
	Evaluation  string
	Officer     string
}

// MaxAttachmentBytes is the largest file this node sends or accepts.
func (s *Service) MaxAttachmentBytes() int64 {
	if s.MaxAttachment <= 0 || s.MaxAttachment > DefaultMaxAttachment {
		return DefaultMaxAttachment
	}
	return s.MaxAttachment
}

// checkAttachment checks a file's size and content. It returns the
// content type, or a refusal code for the audit ("too_large", "content")
// and an error that names the problem, never the file.
func (s *Service) checkAttachment(declared, name string, data []byte) (ct, code string, err error) {
	if max := s.MaxAttachmentBytes(); int64(len(data)) > max {
		return "", "too_large", errs.Field("file", "the file is larger than %s", sizeText(max))
	}
	if ct, err = CheckContent(declared, name, data); err != nil {
		return "", "content", err
	}
	return ct, "", nil
}

// sizeText writes a size limit for a message: "10 MiB", "512 KiB".
func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}

// Attach seals a file to the other node of a thread and keeps it, sealed
// at rest, on this node. Officers and supervisors may attach to a thread
// that exists on both nodes: a request that has left, or one received.
// The file's handling code travels with it and the receiving node
// enforces it as on disclosed details.
func (s *Service) Attach(ctx context.Context, a auth.Actor, id int64, in AttachInput) (*Attachment, error) {
	if err := s.allow(a, auth.PermCasesWrite); err != nil {
		return nil, err
	}
	r, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Direction == Out && r.State == StateApproval {
		return nil, errs.E(errs.Conflict, "follow-up: files can be attached once the request has left")
	}
	var bad []string
	if !contains(Handlings, in.Handling) || !ValidEvaluation(in.Evaluation) {
		bad = append(bad, "handling")
	}
	if utf8.RuneCountInString(in.Officer) > 200 {
		bad = append(bad, "officer")
	}
	if len(bad) > 0 {
		return nil, errs.E(errs.Invalid, "follow-up attachment: check %s", strings.Join(bad, ", "))
	}
	ct, code, err := s.checkAttachment(in.ContentType, in.Name, in.Data)
	if err != nil {
		return nil, s.refuseUpload(ctx, a, r.Thread, code, err)
	}
	sum := sha256.Sum256(in.Data)
	now := s.now()
	head := exchange.FollowUpAttachment{ID: cases.NewMessageID(), Name: CleanName(in.Name, ct), ContentType: ct,
		Size: int64(len(in.Data)), SHA256: hex.EncodeToString(sum[:]), Handling: in.Handling, Evaluation: in.Evaluation,
		Officer: strings.TrimSpace(in.Officer)}
	frame, err := exchange.AttachmentFrame(exchange.FollowUpMessage{ID: cases.NewMessageID(), Thread: r.Thread,
		Type: exchange.FollowUpAttachmentType, SentAt: now, Attachment: &head}, in.Data)
	if err != nil {
		return nil, err
	}
	msgs, err := s.sealFrame(ctx, r.OtherCountry, r.Thread, exchange.KindFollowUpAttachment, frame)
	if err != nil {
		return nil, err
	}
	att := &Attachment{RequestID: r.ID, AttID: head.ID, Direction: Out, ContentType: ct, Size: head.Size, SHA256: head.SHA256,
		Handling: head.Handling, Evaluation: head.Evaluation, CreatedBy: a.Ref(), CreatedAt: now}
	if err := s.sealAttachment(r.Thread, att, head, in.Data); err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.PutAttachment(ctx, att); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, &Event{RequestID: r.ID, Kind: EvAttached, Actor: a.Ref(), At: now, Detail: ct + " " + head.Handling}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.record(a, audit.ActAttachmentSend, r.Thread, "ok", attDetail(att)))
	})
	if err != nil {
		return nil, err
	}
	s.wake(len(msgs))
	att.Meta, att.Body = nil, nil
	return att, nil
}

// refuseUpload audits a file refused at upload (too large, a type not
// allowed, a mismatch) and returns err.
func (s *Service) refuseUpload(ctx context.Context, a auth.Actor, thread, code string, err error) error {
	if aerr := s.Store.Update(ctx, func(tx Tx) error {
		return tx.AppendAudit(ctx, s.record(a, audit.ActAttachmentSend, thread, "refused", code))
	}); aerr != nil {
		return aerr
	}
	return err
}

// attDetail is an attachment's audit detail: codes and its identifier,
// never its name.
func attDetail(a *Attachment) string {
	return a.AttID + " " + a.ContentType + " " + strconv.FormatInt(a.Size, 10) + " " + a.Handling
}

// sealAttachment seals a file's header and bytes at rest into a.
func (s *Service) sealAttachment(thread string, a *Attachment, head exchange.FollowUpAttachment, data []byte) error {
	var err error
	if a.Meta, err = s.sealJSON(head, a.aad(thread, "meta")); err != nil {
		return err
	}
	a.Body, err = s.AtRest.Seal(data, a.aad(thread, "body"))
	return err
}
