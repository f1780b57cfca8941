package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"time"
)

// Checkpoint is a signed statement of the chain's head at a time: "this
// node's log had Seq entries, the last with hash Hash". The head row lives
// in the same database as the log, so someone who can write the database
// can cut entries off the end and move the head back; a checkpoint kept
// where that person cannot write (a file of another owner, the hub as a
// witness) still names the missing entries. Verify treats every checkpoint
// it is given as an anchor.
type Checkpoint struct {
	Node string    `json:"node"` // the node's country
	Seq  int64     `json:"seq"`  // 0 for an empty log
	Hash []byte    `json:"hash"` // nil for an empty log
	Time time.Time `json:"time"`
	Sig  []byte    `json:"sig"` // Ed25519 over the canonical encoding
}

// Witness keeps a node's signed checkpoints outside its database. The node
// calls every configured witness with each checkpoint it signs; a witness
// keeps it (a file, the hub) so that a later verification can compare the
// log with it. Implementations must be safe for concurrent use.
type Witness interface {
	Witness(ctx context.Context, cp Checkpoint) error
}

// WitnessReader is a witness that gives back the checkpoints it holds of
// the node, oldest first (the hub does; a checkpoint file is read with
// ReadCheckpoints). Verification takes every one as an anchor, so that a
// log cut below what the witness saw, or rewritten, fails even when the
// database and every copy on the node's machine were changed to match.
// The caller checks each signature (CheckCheckpoint) and the node: a
// witness is trusted to keep, never to sign.
type WitnessReader interface {
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
}

// CheckpointSigner signs and checks checkpoints with an Ed25519 key derived
// from the node's chain key (crypto.PurposeAuditCheckpoint), so that the
// key never rotates while the chain lives and the public key can be given
// to a witness once.
type CheckpointSigner struct {
	node string
	priv ed25519.PrivateKey
}

// NewCheckpointSigner returns a signer for node from a 32-byte seed.
func NewCheckpointSigner(node string, seed []byte) *CheckpointSigner {
	return &CheckpointSigner{node: node, priv: ed25519.NewKeyFromSeed(seed)}
}

// PublicKey is what a witness checks the node's checkpoints with.
func (s *CheckpointSigner) PublicKey() ed25519.PublicKey {
	return s.priv.Public().(ed25519.PublicKey)
}

// Sign returns the signed checkpoint of head (seq, hash) at t.
func (s *CheckpointSigner) Sign(seq int64, hash []byte, t time.Time) Checkpoint {
	cp := Checkpoint{Node: s.node, Seq: seq, Hash: append([]byte(nil), hash...), Time: t.UTC().Truncate(time.Microsecond)}
	if seq == 0 {
		cp.Hash = nil
	}
	cp.Sig = ed25519.Sign(s.priv, cp.Message())
	return cp
}

// ErrBadCheckpoint is returned by Check for a checkpoint whose signature does
// not verify under the node's key, or that is malformed.
var ErrBadCheckpoint = errors.New("audit: checkpoint signature does not verify (forged, altered or of another node)")

// CheckCheckpoint verifies cp's signature under pub.
func CheckCheckpoint(pub ed25519.PublicKey, cp Checkpoint) error {
	if cp.Seq < 0 || (cp.Seq > 0 && len(cp.Hash) != HashSize) || !ed25519.Verify(pub, cp.Message(), cp.Sig) {
		return ErrBadCheckpoint
	}
	return nil
}

// Message is the canonical, unambiguous encoding that is signed: by the
// node's checkpoint key (Sig), and, for the hub, by the key of the node's
// network certificate (exchange.Checkpoint.CertSig).
func (cp Checkpoint) Message() []byte {
	b := []byte("childcentre-audit-checkpoint-v1")
	b = binary.BigEndian.AppendUint64(b, uint64(len(cp.Node)))
	b = append(b, cp.Node...)
	b = binary.BigEndian.AppendUint64(b, uint64(cp.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(cp.Time.UnixMicro()))
	b = binary.BigEndian.AppendUint64(b, uint64(len(cp.Hash)))
	return append(b, cp.Hash...)
}

// Anchors returns the anchors that checkpoints give Verify: each names the
// entry at its Seq. The checkpoints must have been checked (CheckCheckpoint).
// An empty-log checkpoint anchors nothing.
func Anchors(cps []Checkpoint) []Anchor {
	out := make([]Anchor, 0, len(cps))
	for _, cp := range cps {
		if cp.Seq > 0 {
			out = append(out, Anchor{Seq: cp.Seq, Hash: cp.Hash})
		}
	}
	return out
}
