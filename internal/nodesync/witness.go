package nodesync

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// CheckpointRef is the outbox reference of checkpoints: a newer checkpoint
// supersedes one still waiting (after an outage the hub gets the latest,
// which holds the log to its length, not every one signed meanwhile), and
// no record's reference (32 hex digits) can take it.
const CheckpointRef = "audit.checkpoint"

// CheckpointSource is the part of the exchange client (exchange.Client)
// that reads back what the hub witnessed.
type CheckpointSource interface {
	Checkpoints(ctx context.Context, after int64) (exchange.Witnessed, error)
}

// HubWitness makes the hub a witness of the node's audit log
// (audit.Witness, audit.WitnessReader). Witness writes each checkpoint,
// countersigned with the key of the node's network certificate, to the
// outbox, which the Sender delivers like any message: with retries, across
// restarts, once in effect. Checkpoints asks the hub, over the exchange's
// mutual TLS, for every checkpoint it accepted of this node's country.
//
// A checkpoint in the outbox sits in the node's own database until it is
// delivered, so whoever can write the database can drop it; the hub still
// holds the ones delivered before, every few minutes.
type HubWitness struct {
	// Store is the node's outbox (nil: the witness only reads).
	Store Store
	// CertSign signs a checkpoint's message with the key of the node's
	// network certificate (pki.Sign), which the hub checks.
	CertSign func(msg []byte) ([]byte, error)
	// Source reads the hub's checkpoints (nil: the witness only writes).
	Source CheckpointSource
	// Wake, when set, tells the sender that the outbox holds a message.
	Wake func()
}

var (
	_ audit.Witness       = (*HubWitness)(nil)
	_ audit.WitnessReader = (*HubWitness)(nil)
)

// Witness implements audit.Witness: it queues cp for the hub.
func (w *HubWitness) Witness(ctx context.Context, cp audit.Checkpoint) error {
	if w.Store == nil || w.CertSign == nil {
		return fmt.Errorf("nodesync: hub witness: no outbox to write checkpoints to")
	}
	certSig, err := w.CertSign(cp.Message())
	if err != nil {
		return fmt.Errorf("nodesync: hub witness: %w", err)
	}
	e := exchange.Envelope{
		// Unique per checkpoint, so that a resend is a duplicate and a
		// new signature of the same head (after a restart) is not.
		ID:         "cp-" + strconv.FormatInt(cp.Seq, 10) + "-" + strconv.FormatInt(cp.Time.UnixMicro(), 10),
		Type:       exchange.TypeCheckpoint,
		Checkpoint: exchange.CheckpointOf(cp, certSig),
	}
	if pr := e.Validate(); pr != nil {
		return fmt.Errorf("nodesync: hub witness: %w", pr)
	}
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	msg := &cases.OutboxMessage{ID: e.ID, Type: e.Type, Ref: CheckpointRef, Body: body}
	if err := w.Store.Update(ctx, func(tx Tx) error { return tx.Enqueue(ctx, []*cases.OutboxMessage{msg}) }); err != nil {
		return fmt.Errorf("nodesync: hub witness: %w", err)
	}
	if w.Wake != nil {
		w.Wake()
	}
	return nil
}

// Checkpoints implements audit.WitnessReader: every checkpoint the hub
// accepted of this node's country, oldest first, unchecked (the caller
// checks each signature with the node's checkpoint key).
func (w *HubWitness) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	if w.Source == nil {
		return nil, fmt.Errorf("nodesync: hub witness: no connection to the hub")
	}
	var out []audit.Checkpoint
	var after int64 // an empty log's checkpoint (entry 0) anchors nothing
	for {
		wt, err := w.Source.Checkpoints(ctx, after)
		if err != nil {
			return nil, fmt.Errorf("hub witness: %w", err)
		}
		for i := range wt.Checkpoints {
			c := &wt.Checkpoints[i]
			// Ascending, each page after the last: a hub that answers
			// otherwise could have the node read forever.
			if c.Seq <= after {
				return nil, fmt.Errorf("hub witness: the hub answered checkpoints out of order")
			}
			after = c.Seq
			out = append(out, c.Audit())
		}
		if !wt.More {
			return out, nil
		}
		if len(wt.Checkpoints) == 0 {
			return nil, fmt.Errorf("hub witness: the hub announced more checkpoints but sent none")
		}
	}
}
