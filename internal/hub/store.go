package hub

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// Record is one encoding the hub holds: a node's record as the node coded
// it. Nothing in it identifies a child without the linkage secret, which
// the hub never holds.
type Record struct {
	ID       int64
	Country  string
	Ref      string
	Schema   string
	KeyID    string
	Filter   []byte // 64-bit words, little-endian
	Meta     exchange.Metadata
	Cluster  int64 // 0: alone
	Version  int64
	Received time.Time
}

// Hit is a notified pair of records of two countries, in canonical order
// (A before B by country, then reference).
type Hit struct {
	ID         int64
	Key        string // the id the nodes see
	A, B       int64  // record ids
	ACountry   string
	ARef       string
	BCountry   string
	BRef       string
	ScoreMilli int64
	Band       string
	DecisionA  string
	DecisionB  string
	Created    time.Time
	// Explanation is how the model scored the pair, kept for a "possible"
	// hit of a segmented schema (nil otherwise): it travels in the hit's
	// notices.
	Explanation *exchange.Explanation
}

// Pair is a pair of records by country and reference, in canonical order.
type Pair struct {
	ACountry, ARef, BCountry, BRef string
}

// pairOf orders two sides canonically.
func pairOf(c1, r1, c2, r2 string) Pair {
	if c2 < c1 || (c2 == c1 && r2 < r1) {
		c1, r1, c2, r2 = c2, r2, c1, r1
	}
	return Pair{c1, r1, c2, r2}
}

// Node is a node of the network as the hub knows it.
type Node struct {
	Country      string
	Serial       string
	Certificate  []byte
	NotAfter     time.Time
	FirstContact time.Time
	LastContact  time.Time
	Schema       string
	KeyID        string
	Software     string
	Pending      int64
	Messages     int64
}

// Work is one entry of the matching queue.
type Work struct {
	ID       int64
	Record   int64
	Version  int64
	Received time.Time
}

// Change is one entry of the change log the in-memory index follows; Record
// is nil when the record no longer exists.
type Change struct {
	Seq    int64
	ID     int64
	Record *Record
}

// Counts are the figures of matching health.
type Counts struct {
	Encodings  map[string]int64 // per country
	Clusters   int64            // clusters of two records or more
	Hits       int64            // hits standing
	HitsIssued int64            // hits ever issued
	Queue      int64            // uploads waiting to be matched
	Rejected   int64            // pairs rejected
}

// Store is the hub's storage (internal/store: HubStore).
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction on the hub's storage.
type Tx interface {
	// LockSequence serialises the transactions that append to the change
	// log and the inboxes, so that sequence numbers commit in order and a
	// reader following them by sequence never skips one.
	LockSequence(ctx context.Context) error

	// SeeMessage records a sender's message id and reports whether it was
	// seen before.
	SeeMessage(ctx context.Context, country, id string, at time.Time) (seen bool, err error)
	// SeeMessages is SeeMessage for distinct ids at once; it returns the
	// ids seen before.
	SeeMessages(ctx context.Context, country string, ids []string, at time.Time) (seen map[string]bool, err error)

	TouchNode(ctx context.Context, n *Node, hello bool, accepted int) error
	Nodes(ctx context.Context) ([]*Node, error)

	RecordByRef(ctx context.Context, country, ref string) (*Record, error) // nil when absent
	// RecordsByRef returns the records of country among refs, by ref.
	RecordsByRef(ctx context.Context, country string, refs []string) (map[string]*Record, error)
	Records(ctx context.Context, ids []int64) ([]*Record, error)
	ClusterMembers(ctx context.Context, cluster int64) ([]*Record, error)
	// PutRecord inserts r or replaces the record of its (country, ref),
	// setting r.ID and r.Version (one more than before), and leaves it
	// alone (cluster 0).
	PutRecord(ctx context.Context, r *Record) error
	// PutRecords is PutRecord, AddChange and Enqueue of each record (of
	// distinct country and ref), in few statements.
	PutRecords(ctx context.Context, rs []*Record) error
	DeleteRecord(ctx context.Context, id int64) error
	SetCluster(ctx context.Context, ids []int64, cluster int64) error
	NewCluster(ctx context.Context, at time.Time) (int64, error)
	// AllRecords calls fn for every record, filters and schemas included.
	AllRecords(ctx context.Context, fn func(*Record) error) error

	AddChange(ctx context.Context, record int64) error
	LastChange(ctx context.Context) (int64, error)
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)

	Enqueue(ctx context.Context, w Work) error
	// Claim takes up to limit queue entries nobody holds (or whose lease
	// ran out) for owner until until.
	Claim(ctx context.Context, owner string, now, until time.Time, limit int) ([]Work, error)
	// Done deletes the entries owner holds among ids.
	Done(ctx context.Context, owner string, ids []int64) error
	DropWork(ctx context.Context, record int64) error
	// Release gives back owner's claims (a hub shutting down), so that
	// another process need not wait for their lease to run out.
	Release(ctx context.Context, owner string) error

	// AddHit stores h unless its pair exists, and reports whether it did.
	AddHit(ctx context.Context, h *Hit) (bool, error)
	HitsOf(ctx context.Context, record int64) ([]*Hit, error)
	HitByKey(ctx context.Context, key string) (*Hit, error) // nil when absent
	DeleteHit(ctx context.Context, id int64) error
	SetDecision(ctx context.Context, id int64, sideA bool, decision string) error

	IsRejected(ctx context.Context, p Pair) (bool, error)
	Reject(ctx context.Context, p Pair, by string, at time.Time) error
	// ForgetRejections drops the rejected pairs of one record (purge).
	ForgetRejections(ctx context.Context, country, ref string) error

	AddNotice(ctx context.Context, country string, n *exchange.Notice) error
	Notices(ctx context.Context, country string, after int64, limit int) ([]exchange.Notice, error)
	DeleteNotices(ctx context.Context, country string, upTo int64) error
	// DeleteHitNotices drops the undelivered notices of a hit.
	DeleteHitNotices(ctx context.Context, key string) error
	LastNotice(ctx context.Context, country string) (int64, error)

	AddCounter(ctx context.Context, name string, delta int64) error
	Counts(ctx context.Context) (*Counts, error)
}
