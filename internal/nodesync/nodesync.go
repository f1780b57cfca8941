// Package nodesync is a national node's side of the exchange with the hub:
// the sender that delivers the outbox, the puller that reads the node's
// inbox (hit notices, sealed messages), the work queue of possible matches
// abroad, and the network's linkage secret.
//
// It is a domain package beside internal/cases, not part of
// internal/exchange: exchange is the protocol both roles speak (wire
// format, client, the hub's handlers); what a node does with it — which
// records it shares, how it retries, what an officer decides on a hit —
// is the node's business and needs the node's registry and audit log,
// which the hub must never import. The registry writes the outbox (its
// sharing rules, internal/cases/sharing.go) through the Sharer of this
// package; everything else here runs beside the node's web server.
package nodesync

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Transport is the part of the exchange client (exchange.Client) the node
// needs: post a batch, read the inbox after a cursor.
type Transport interface {
	Send(ctx context.Context, b exchange.Batch) (exchange.BatchResult, error)
	Inbox(ctx context.Context, after int64) (exchange.Inbox, error)
}

// Store is the persistence this package needs; internal/store implements
// it (store.NodeSyncStore) on the tables of 0030_exchange_node.sql.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction.
type Tx interface {
	audit.Appender

	// Due returns up to limit pending outbox messages whose time has come
	// (by the database's clock, which wrote them), oldest first.
	Due(ctx context.Context, limit int) ([]*Outgoing, error)
	// Delivered removes delivered messages from the outbox.
	Delivered(ctx context.Context, ids []int64) error
	// Refuse marks a message refused by the hub: it stays, visible to the
	// operator, and is not sent again.
	Refuse(ctx context.Context, id int64, code string) error
	// Postpone counts one more attempt of messages and makes them due
	// again after delay.
	Postpone(ctx context.Context, ids []int64, delay time.Duration) error
	// OutboxCounts returns how many messages are pending and refused.
	OutboxCounts(ctx context.Context) (pending, refused int, err error)
	// Shared counts the children the hub holds (or is about to), as far
	// as the node knows.
	Shared(ctx context.Context) (int, error)
	// Refusals lists refused messages, newest first, at most limit.
	Refusals(ctx context.Context, limit int) ([]*Outgoing, error)
	// Enqueue adds messages to the outbox (cases.Tx.Enqueue).
	Enqueue(ctx context.Context, msgs []*cases.OutboxMessage) error

	// State reads a named value ("" when unset); SetState writes it.
	State(ctx context.Context, name string) (string, error)
	SetState(ctx context.Context, name, value string) error

	// ChildOfRef returns the child whose hub reference is ref (0 when none).
	ChildOfRef(ctx context.Context, ref string) (int64, error)
	// PutHit stores a hit notice unless its hit ID or its pair is already
	// held; a pair held as withdrawn is opened again. It reports whether
	// the hit is new (or reopened).
	PutHit(ctx context.Context, h *Hit) (bool, error)
	// WithdrawHit marks an open hit withdrawn (the other side is gone).
	WithdrawHit(ctx context.Context, hitID string) error
	// Hits lists the hits of the given statuses, newest first.
	Hits(ctx context.Context, statuses []string, limit int) ([]*Hit, error)
	// Hit reads one hit by its row id.
	Hit(ctx context.Context, id int64) (*Hit, error)
	// DecideHit sets an open (or follow-up) hit's status, if it is still
	// at status from; it reports whether it did.
	DecideHit(ctx context.Context, id int64, from, status, by string, at time.Time) (bool, error)
	// CountHits counts the hits of a status.
	CountHits(ctx context.Context, status string) (int, error)

	// PutSecret stores a linkage secret sealed at rest (ignored when its
	// key id is held); Secrets lists the held ones, newest first.
	PutSecret(ctx context.Context, s *SecretRecord) error
	Secrets(ctx context.Context) ([]*SecretRecord, error)
}

// Outgoing is an outbox message as the sender sees it.
type Outgoing struct {
	ID       int64
	MsgID    string
	Type     string
	Body     []byte // the Envelope's JSON, without SentAt
	Attempts int
	Code     string // refusal code
	Created  time.Time
}

// Hit statuses.
const (
	HitOpen      = "open"
	HitConfirmed = "confirmed"
	HitRejected  = "rejected"
	HitFollowUp  = "followup"
	HitWithdrawn = "withdrawn"
)

// Hit is a hit notice as the node keeps it, with the clear columns of the
// local child the work queue shows (no name: that is on the child's page).
type Hit struct {
	ID           int64
	HitID        string // the hub's
	ChildID      int64
	LocalRef     string
	OtherCountry string
	OtherRef     string
	Band         string
	Status       string
	ReceivedAt   time.Time
	DecidedAt    time.Time
	DecidedBy    string

	// Of the local child, read with the hit.
	BirthYear int
	Sex       cases.Sex

	// Explanation is how the hub's model scored a "possible" pair (nil for
	// other hits and from older hubs): checked on receipt, shown on the
	// review screen.
	Explanation *exchange.Explanation
}

// SecretRecord is a linkage secret as stored: sealed with the node's
// keyring under the purpose SecretPurpose, bound to its key id.
type SecretRecord struct {
	KeyID   string
	Sealed  []byte
	Origin  string // country that made it
	Created time.Time
}

// cursorState names the inbox cursor in the state table.
const cursorState = "inbox_cursor"
