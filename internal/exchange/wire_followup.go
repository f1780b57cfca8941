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
