// Package exchange is the protocol between national nodes and the hub:
// the versioned wire format, the client a node uses and the server
// handlers the hub mounts.
//
// Everything crosses as JSON over HTTPS with mutual TLS 1.3 under the
// network's own CA (internal/pki). The hub takes the sender's country and
// role from its client certificate, never from a body: no message carries
// its own origin. A node sends Envelopes in batches and pulls Notices from
// its inbox with a cursor; both directions are idempotent, so a sender can
// retry any batch and a node can re-read its inbox after a crash.
//
// What a node sends is coded and non-identifying: a Bloom-filter encoding
// made with a secret the hub does not hold, a pseudonymous reference that
// is not the national reference, and coded metadata. What the hub cannot
// read (the linkage secret, and in later versions follow-up disclosures)
// travels sealed to the receiving node's public key (Sealed) and is
// relayed as opaque bytes.
package exchange

import "time"

// Version is the wire format version this binary speaks; it is the first
// element of every path (/exchange/v1/…). A later version adds paths and
// message types; it never changes the meaning of a field.
const Version = 1

// Message types a node sends (Envelope.Type).
const (
	// TypeUpsert adds or replaces one record's encoding (Upsert).
	TypeUpsert = "record.upsert"
	// TypeWithdraw removes one record from the hub (Withdraw).
	TypeWithdraw = "record.withdraw"
	// TypeHitDecision tells the hub what the node decided on a hit
	// (HitDecision); a rejected pair is never notified again.
	TypeHitDecision = "hit.decision"
	// TypeSealed asks the hub to relay a sealed message to another node
	// (Sealed).
	TypeSealed = "sealed.relay"
)

// Notice types the hub puts in a node's inbox (Notice.Type).
const (
	// NoticeHit: a cluster holding one of the node's records now spans
	// another country (Hit).
	NoticeHit = "hit"
	// NoticeHitWithdrawn: a hit no longer holds, because the other side
	// withdrew or corrected its record (Hit, with only ID set).
	NoticeHitWithdrawn = "hit.withdrawn"
	// NoticeSealed: a sealed message relayed from another node (Sealed).
	NoticeSealed = "sealed"
)

// Envelope is one message from a node. ID is chosen by the sender, unique
// per sender, and makes delivery idempotent: the hub answers a replayed ID
// with StatusDuplicate and does nothing.
type Envelope struct {
	ID     string    `json:"id"`
	Type   string    `json:"type"`
	SentAt time.Time `json:"sent_at"`
	// Exactly one of the following is set, as Type says.
	Upsert   *Upsert      `json:"upsert,omitempty"`
	Withdraw *Withdraw    `json:"withdraw,omitempty"`
	Decision *HitDecision `json:"decision,omitempty"`
	Sealed   *Sealed      `json:"sealed,omitempty"`
	Alert    *Alert       `json:"alert,omitempty"` // alert.raise, alert.cancel (wire_alert.go)
	// Checkpoint: audit.checkpoint (wire_checkpoint.go).
	Checkpoint *Checkpoint `json:"checkpoint,omitempty"`
}

// Batch is what a node posts to /exchange/v1/messages.
type Batch struct {
	Messages []Envelope `json:"messages"`
	// Pending is the number of messages left in the node's outbox after
	// this batch: the hub shows it to the network administrator.
	Pending int `json:"pending,omitempty"`
}

// MaxBatch bounds the messages of one batch.
const MaxBatch = 500

// MaxBatchBytes bounds the encoded messages of one batch a node sends:
// well within the hub's default body limit of 16 MiB. A single message
// larger than it (a sealed attachment) is sent in a batch of its own.
const MaxBatchBytes = 12 << 20

// Result statuses, one per message of a batch, in order.
const (
	StatusAccepted  = "accepted"
	StatusDuplicate = "duplicate" // the ID was seen before: nothing done again
	StatusRefused   = "refused"   // see Result.Code; retrying will not help
)

// Result is the hub's answer for one message.
type Result struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Code says why a message was refused: "schema" (not the network's
	// current schema), "key" (not the current linkage secret), "invalid",
	// "forbidden", "unknown_hit"…
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// BatchResult is the hub's answer to a Batch.
type BatchResult struct {
	Results []Result `json:"results"`
}

// Metadata is the coded, non-identifying data that travels with an
// encoding. Every field is a code from a short closed list, so that no
// free text can carry a name.
type Metadata struct {
	Sex string `json:"sex"` // "f", "m", "x" or "" (unknown)
	// BirthYearBand is the first year of a five-year band ("2010"), or "".
	BirthYearBand string `json:"birth_year_band"`
	Category      string `json:"category"` // the node's case category code
	Evidence      string `json:"evidence"` // evidence level code
	// Year is the year the record was registered on the node.
	Year int `json:"year"`
	// Shareable is false for records a supervisor has not cleared for
	// sharing (suspicion only): the hub matches them but notifies no other
	// country of them.
	Shareable bool `json:"shareable"`
	// Stats are the record's codes for the regional statistics (nil from
	// a node that sends none; see wire_stats.go).
	Stats *StatsCodes `json:"stats,omitempty"`
}

// Upsert adds or replaces the encoding of one record.
type Upsert struct {
	// Ref is the node's pseudonymous reference for the record: stable, not
	// the national reference, meaningless outside the node.
	Ref string `json:"ref"`
	// Schema is the fingerprint of the linkage schema the filter was made
	// with, KeyID the fingerprint of the linkage secret (linkage.KeyID).
	Schema string `json:"schema"`
	KeyID  string `json:"key_id"`
	// Filter is the Bloom-filter encoding: 64-bit words, little-endian,
	// base64 (standard encoding) in JSON.
	Filter   []byte   `json:"filter"`
	Metadata Metadata `json:"metadata"`
}

// Withdraw removes a record from the hub: after a purge, a merge into
// another record, a correction that makes it unshareable, or a key
// rotation.
type Withdraw struct {
	Ref    string `json:"ref"`
	Reason string `json:"reason"` // "purge", "merge", "unshare", "rotation"
}

// Hit decisions.
const (
	DecisionConfirm  = "confirm"  // the NCP holds it is the same child
	DecisionReject   = "reject"   // not the same child: never notify this pair again
	DecisionFollowUp = "followup" // needs a follow-up request (a later protocol step)
)

// HitDecision is a node's verdict on a hit it was notified of.
type HitDecision struct {
	HitID    string `json:"hit_id"`
	Decision string `json:"decision"`
}

// Hit is a hit notice: one of the node's records and a record of another
// country probably concern the same child. It says nothing more, except,
// for a "possible" hit of a segmented schema, how the two records agree
// field by field (Explanation).
type Hit struct {
	ID           string `json:"id"`
	LocalRef     string `json:"local_ref"`
	OtherCountry string `json:"other_country"`
	OtherRef     string `json:"other_ref"`
	// Band is "high" (probability at or above the match threshold) or
	// "possible" (between review and match).
	Band string `json:"band"`
	// Explanation is the agreement of the two records for the review
	// screen: set only on "possible" hits of a segmented schema
	// (wire_explain.go); nil from older hubs.
	Explanation *Explanation `json:"explanation,omitempty"`
}

// Sealed is an opaque message from one node to another, sealed to the
// receiver's public key (HPKE) and signed by the sender; the hub relays it
// and never holds a key to open it. Kind tells the receiver how to read the
// plaintext ("linkage-secret", and in later versions follow-up messages).
type Sealed struct {
	To         string `json:"to"`             // receiving country (set by the sender)
	From       string `json:"from,omitempty"` // set by the hub from the sender's certificate
	Kind       string `json:"kind"`
	Ciphertext []byte `json:"ciphertext"`
}

// Notice is one entry of a node's inbox. Seq orders the inbox; a node asks
// for the notices after the last Seq it has stored.
type Notice struct {
	Seq       int64     `json:"seq"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Hit       *Hit      `json:"hit,omitempty"`
	Sealed    *Sealed   `json:"sealed,omitempty"`
	Sighting  *Sighting `json:"sighting,omitempty"` // alert.sighting, alert.withdrawn (wire_alert.go)
}

// Inbox is the hub's answer to GET /exchange/v1/inbox?after=SEQ.
type Inbox struct {
	Notices []Notice `json:"notices"`
	// More is true when notices after the last one returned are waiting.
	More bool `json:"more"`
}
