package exchange

import (
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
)

// The hub as a witness of the nodes' audit logs (issue 10 H1). A node
// lodges each signed checkpoint of its audit log's head with the hub, as
// transparency logs lodge theirs with witnesses: the hub keeps every one it
// accepts, refuses one that goes back from the latest (a shorter log) or
// forks (the same entry with another hash), and gives them all back to the
// node's 'audit verify'. Someone who controls the node's database and its
// local checkpoint file still cannot cut the log short, or rewrite it,
// below what the hub holds.

// TypeCheckpoint lodges a checkpoint with the hub (Envelope.Checkpoint).
const TypeCheckpoint = "audit.checkpoint"

// PathCheckpoints answers the checkpoints the hub accepted of the calling
// node's country (GET ?after=SEQ&limit=N): a Witnessed, in ascending Seq,
// those after SEQ, at most MaxCheckpoints.
const PathCheckpoints = "/exchange/v1/checkpoints"

// MaxCheckpoints bounds the checkpoints of one Witnessed answer.
const MaxCheckpoints = 5000

// Refusal codes of checkpoints (Result.Code).
const (
	// CodeSignature: the certificate signature does not verify under the
	// sender's certificate.
	CodeSignature = "signature"
	// CodeRegression: the checkpoint names fewer entries than one the hub
	// already holds of the country: the log was cut short.
	CodeRegression = "regression"
	// CodeFork: the hub holds a checkpoint of the same entry with another
	// hash: the log was rewritten.
	CodeFork = "fork"
)

// Checkpoint is a node's signed checkpoint of its audit log's head
// (audit.Checkpoint) as it travels: the same fields, plus a signature by
// the key of the node's network certificate, which the hub checks with the
// certificate of the TLS session. Sig, by the node's own checkpoint key,
// is the one the node checks when it reads the checkpoint back, so that
// the hub cannot make one up.
type Checkpoint struct {
	// Node is the country whose log it is; the hub refuses a checkpoint
	// whose Node is not the sender certificate's country.
	Node    string    `json:"node"`
	Seq     int64     `json:"seq"`            // entries in the log; 0 for an empty log
	Hash    []byte    `json:"hash,omitempty"` // of entry Seq; none for an empty log
	Time    time.Time `json:"time"`
	Sig     []byte    `json:"sig"`      // Ed25519 by the node's checkpoint key
	CertSig []byte    `json:"cert_sig"` // pki.Sign by the certificate's key over audit.Checkpoint.Message
}

// Witnessed is the hub's answer on PathCheckpoints: checkpoints of the
// node's country in ascending Seq; the last of the last page is the
// latest the hub holds.
type Witnessed struct {
	Checkpoints []Checkpoint `json:"checkpoints"`
	// More is true when checkpoints after the last one returned are held.
	More bool `json:"more"`
}

// CheckpointOf returns the wire form of cp with the certificate signature
// certSig.
func CheckpointOf(cp audit.Checkpoint, certSig []byte) *Checkpoint {
	return &Checkpoint{Node: cp.Node, Seq: cp.Seq, Hash: cp.Hash, Time: cp.Time, Sig: cp.Sig, CertSig: certSig}
}

// Audit returns the checkpoint as the audit log's type, whose Message both
// signatures cover.
func (c *Checkpoint) Audit() audit.Checkpoint {
	return audit.Checkpoint{Node: c.Node, Seq: c.Seq, Hash: c.Hash, Time: c.Time.UTC(), Sig: c.Sig}
}

// Lengths of a checkpoint's fields: a SHA-256 HMAC, an Ed25519 signature,
// an ECDSA P-256 signature in ASN.1 (at most 72 bytes; room for a larger
// curve).
const (
	checkpointSigLen     = 64
	maxCheckpointCertSig = 160
)

func (c *Checkpoint) validate() *Problem {
	switch {
	case !reCountry.MatchString(c.Node):
		return invalid("checkpoint.node: a two-letter country code")
	case c.Seq < 0:
		return invalid("checkpoint.seq: 0 or more")
	case c.Seq == 0 && len(c.Hash) != 0, c.Seq > 0 && len(c.Hash) != audit.HashSize:
		return invalid("checkpoint.hash: %d bytes, none for an empty log", audit.HashSize)
	case c.Time.IsZero():
		return invalid("checkpoint.time: required")
	case len(c.Sig) != checkpointSigLen:
		return invalid("checkpoint.sig: an Ed25519 signature")
	case len(c.CertSig) == 0 || len(c.CertSig) > maxCheckpointCertSig:
		return invalid("checkpoint.cert_sig: 1 to %d bytes", maxCheckpointCertSig)
	}
	return nil
}
