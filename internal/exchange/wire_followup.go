package exchange

import "time"

// Follow-up messages (issue 11) travel node to node inside Sealed (Kind
// KindFollowUp): the hub relays them as ciphertext it cannot open, so the
// types below are the plaintext only the two nodes read. Their names
// follow Europol's SIENA (handling codes, evaluation codes) and the Prüm
// framework's second step (a request after a hit, under national law).

// KindFollowUp is the Sealed.Kind of a follow-up message.
const KindFollowUp = "followup"

// Follow-up message types (FollowUpMessage.Type).
const (
	FollowUpRequestType  = "request"  // a request for details (FollowUpRequest)
	FollowUpDecisionType = "decision" // the receiving side's decision, with any disclosure (FollowUpDecision)
)

// FollowUpMessage is the plaintext of one sealed follow-up message. ID is
// unique per message and is what the receiver refuses to open twice (a
// replay by the hub or anyone on the path); Thread names the request both
// nodes keep, chosen by the requesting node.
type FollowUpMessage struct {
	ID       string            `json:"id"`
	Thread   string            `json:"thread"`
	Type     string            `json:"type"`
	SentAt   time.Time         `json:"sent_at"`
	Request  *FollowUpRequest  `json:"request,omitempty"`
	Decision *FollowUpDecision `json:"decision,omitempty"`
	// Attachment is the header of an attachment (Kind
	// KindFollowUpAttachment); the file's bytes follow it in the frame.
	Attachment *FollowUpAttachment `json:"attachment,omitempty"`
}

// FollowUpRequest is a request for details about a hit (SIENA: a
// request for information; Prüm: the follow-up after a hit).
type FollowUpRequest struct {
	// RequesterRef is the requesting node's pseudonymous hub reference of
	// its record, SubjectRef the receiving node's (as the hit named it).
	RequesterRef string    `json:"requester_ref"`
	SubjectRef   string    `json:"subject_ref"`
	HitID        string    `json:"hit_id,omitempty"`
	Purpose      string    `json:"purpose"`
	LegalBasis   string    `json:"legal_basis"` // a code of the legal-basis list
	LegalText    string    `json:"legal_text,omitempty"`
	Urgency      string    `json:"urgency"` // routine, urgent, danger
	Deadline     time.Time `json:"deadline"`
	Handling     string    `json:"handling"`   // H0–H3 of the request itself
	Evaluation   string    `json:"evaluation"` // source reliability A/B/C/X + accuracy 1–4, e.g. "B2"
	Asked        []string  `json:"asked"`      // field codes asked for
	Question     string    `json:"question,omitempty"`
	Officer      string    `json:"officer"` // the sending officer's display name, for the other NCP to answer
}

// FollowUpDecision is the receiving side's answer. Fields holds the
// disclosed values by field code (empty unless granted or partly granted).
type FollowUpDecision struct {
	Outcome    string            `json:"outcome"` // grant, partial, refuse, more
	Reason     string            `json:"reason,omitempty"`
	Note       string            `json:"note,omitempty"`
	Handling   string            `json:"handling"`
	Evaluation string            `json:"evaluation"`
	Fields     map[string]string `json:"fields,omitempty"`
	Officer    string            `json:"officer"`
}

// Attachments (a photo, a document) on a follow-up thread travel sealed
// like every follow-up message, but under their own kind and in a binary
// frame, so that the file is not base64-encoded twice (once in the
// plaintext, once in the envelope) and a 10 MiB file fits one envelope:
//
//	uint32 big-endian length of the header | header JSON (FollowUpMessage,
//	Type FollowUpAttachmentType, Attachment set) | the file's bytes
//
// The header's Attachment.Size and Attachment.SHA256 bind the bytes that
// follow; the whole frame is sealed (HPKE) and signed by the sending node.
const (
	// KindFollowUpAttachment is the Sealed.Kind of an attachment.
	KindFollowUpAttachment = "followup.attachment"
	// FollowUpAttachmentType is the FollowUpMessage.Type of an attachment's header.
	FollowUpAttachmentType = "attachment"
)

// FollowUpAttachment describes one attached file. Name is the file name
// the sending officer gave (it may be personal data: it travels sealed and
// rests sealed); ContentType is one of the allowed types, as the content
// shows it; SHA256 is the hex digest of the bytes.
type FollowUpAttachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Handling    string `json:"handling"`   // H0–H3 of the file
	Evaluation  string `json:"evaluation"` // as on a decision, e.g. "B2"
	Officer     string `json:"officer"`
}
