package followup

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
)

// Directions of a request as a node keeps it.
const (
	Out = "out" // this node asked
	In  = "in"  // another node asked this one
)

// Request is a follow-up request as one node keeps it. Both nodes hold
// one row per thread; the coded columns are in clear (for lists and
// deadlines), the free text is sealed at rest in Body.
type Request struct {
	ID           int64
	Thread       string
	Direction    string
	OtherCountry string
	ChildID      int64 // the local child; 0 when unknown or purged
	LocalRef     string
	OtherRef     string
	HitID        string
	Urgency      Urgency
	Handling     string
	LegalBasis   string
	State        string
	Deadline     time.Time // zero until it leaves (it counts from sending)
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Body         []byte // sealed at rest: the JSON of the exchange.FollowUpRequest
}

// Overdue reports whether the request has waited past its deadline for a
// decision.
func (r *Request) Overdue(now time.Time) bool {
	return (r.State == StateSent || r.State == StatePending) && !r.Deadline.IsZero() && now.After(r.Deadline)
}

// Event is one entry of a request's thread: who did what and when.
type Event struct {
	ID        int64
	RequestID int64
	Kind      string // created, approved, sent, received, decided, answered
	Actor     string // "user:N" on this node, or "country:FI" for the other side
	At        time.Time
	Detail    string // a code: outcome, reason
	Body      []byte // sealed at rest: the decision with its disclosed fields; nil when none
}

// Event kinds.
const (
	EvCreated  = "created"
	EvApproved = "approved"
	EvSent     = "sent"
	EvReceived = "received"
	EvDecided  = "decided"  // this node decided (receiving side)
	EvAnswered = "answered" // the other node's decision arrived (requesting side)
	EvAttached = "attached" // this node attached a file (either side)
	EvAttachIn = "attachment_received"
)

// HitRef is what a request needs of a hit of the node's queue.
type HitRef struct {
	HitID        string
	ChildID      int64
	LocalRef     string
	OtherCountry string
	OtherRef     string
}

// Store is the persistence of follow-up requests; internal/store
// implements it (store.FollowUpStore).
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction.
type Tx interface {
	audit.Appender
	// Enqueue adds messages to the node's outbox for the hub.
	Enqueue(ctx context.Context, msgs []*cases.OutboxMessage) error
	// HitRef reads a hit of the node's queue by its row id (nil: none).
	HitRef(ctx context.Context, id int64) (*HitRef, error)
	// ChildOfRef returns the child whose hub reference is ref (0 when none).
	ChildOfRef(ctx context.Context, ref string) (int64, error)
	// PutRequest stores a new request and sets its ID.
	PutRequest(ctx context.Context, r *Request) error
	// Request reads one request by id (nil: none).
	Request(ctx context.Context, id int64) (*Request, error)
	// RequestByThread reads the request of a thread and direction (nil: none).
	RequestByThread(ctx context.Context, thread, direction string) (*Request, error)
	// SetState moves a request from state from to state to (and sets its
	// deadline when not zero); it reports whether it was at from.
	SetState(ctx context.Context, id int64, from, to string, deadline time.Time) (bool, error)
	// AddEvent appends to a request's thread.
	AddEvent(ctx context.Context, e *Event) error
	// Events returns a request's thread in order.
	Events(ctx context.Context, requestID int64) ([]*Event, error)
	// Requests lists requests, earliest deadline first (those without one last).
	Requests(ctx context.Context, limit int) ([]*Request, error)
	// Seen records a sealed message's ID from a country; it reports false
	// when the ID was seen before (a replay).
	Seen(ctx context.Context, msgID, from string) (bool, error)
	// PutAttachment stores a file of a thread and sets its ID.
	PutAttachment(ctx context.Context, a *Attachment) error
	// Attachments lists a request's files in order, without their bodies.
	Attachments(ctx context.Context, requestID int64) ([]*Attachment, error)
	// Attachment reads one file with its body (nil: none).
	Attachment(ctx context.Context, id int64) (*Attachment, error)
	// CountOverdue counts requests sent or pending past their deadline at now.
	CountOverdue(ctx context.Context, now time.Time) (int, error)
}
