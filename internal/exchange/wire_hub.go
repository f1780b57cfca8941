package exchange

import "time"

// Paths of the exchange, all under /exchange/v1/.
const (
	// PathMessages takes a Batch (POST) and answers a BatchResult.
	PathMessages = "/exchange/v1/messages"
	// PathInbox answers the node's Inbox (GET ?after=SEQ&limit=N). Reading
	// with after=SEQ acknowledges every notice up to SEQ: the hub deletes
	// them, so a node stores a notice before it asks past it.
	PathInbox = "/exchange/v1/inbox"
	// PathHello takes a Hello (POST) and answers a Welcome: a node says
	// which schema and key it encodes with, and learns the network's.
	PathHello = "/exchange/v1/hello"
	// PathDirectory answers the Directory of the network's nodes (GET).
	PathDirectory = "/exchange/v1/directory"
)

// Refusal codes (Result.Code, and ErrorBody.Code of a refused request).
const (
	CodeSchema     = "schema"      // not the network's current linkage schema
	CodeKey        = "key"         // not a usable linkage key id
	CodeInvalid    = "invalid"     // the message breaks the wire format
	CodeForbidden  = "forbidden"   // the sender may not do this (another country's record or hit)
	CodeUnknownHit = "unknown_hit" // no such hit for the sender
	CodeUnknownTo  = "unknown_to"  // a sealed message for a country the hub does not know
)

// MaxInbox bounds the notices of one Inbox answer.
const MaxInbox = 1000

// MaxInboxBytes bounds the sealed ciphertext of one Inbox answer: it ends
// early (More set) rather than pass it, except that it always holds at
// least one notice, whatever its size.
const MaxInboxBytes = 8 << 20

// Hello is what a node says when it starts and from time to time: the
// linkage schema and key it encodes with, and how much waits in its outbox.
type Hello struct {
	Schema   string `json:"schema"`   // linkage schema fingerprint
	KeyID    string `json:"key_id"`   // linkage key id (linkage.KeyID); "" before the node holds one
	Software string `json:"software"` // the binary's version, for the administrator
	Pending  int    `json:"pending"`  // messages waiting in the outbox
}

// Welcome is the hub's answer to a Hello.
type Welcome struct {
	Country string    `json:"country"` // as the node's certificate says
	Schema  string    `json:"schema"`  // the network's current schema fingerprint
	Time    time.Time `json:"time"`    // the hub's clock, to spot a node's drift
	// InboxSeq is the last sequence number in the node's inbox.
	InboxSeq int64 `json:"inbox_seq"`
}

// Directory lists the network's nodes that have reached the hub, with
// their certificates: a node seals to another node's public key only after
// checking the certificate against the network CA itself, so that the hub
// cannot slip in a key of its own.
type Directory struct {
	Nodes []DirectoryEntry `json:"nodes"`
}

// DirectoryEntry is one node of the Directory.
type DirectoryEntry struct {
	Country     string    `json:"country"`
	Certificate []byte    `json:"certificate"` // DER, as presented in its last TLS session
	NotAfter    time.Time `json:"not_after"`
	LastContact time.Time `json:"last_contact"`
	Schema      string    `json:"schema,omitempty"`
	KeyID       string    `json:"key_id,omitempty"`
}

// ErrorBody is the JSON body of a refused request (any status >= 400).
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
