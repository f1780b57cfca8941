package node

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
)

// DefaultCheckpointEvery is how often the server signs a checkpoint of the
// audit log's head when the configuration does not say.
const DefaultCheckpointEvery = 5 * time.Minute

// CheckpointSigner returns the signer of the node's audit checkpoints: an
// Ed25519 key derived from the chain key, which never rotates.
func CheckpointSigner(c *config.Config, kr *crypto.Keyring) *audit.CheckpointSigner {
	return audit.NewCheckpointSigner(c.Country, kr.Derive(crypto.PurposeAuditCheckpoint, 32))
}

// Witnesses returns the witnesses the configuration names: the checkpoint
// file, when checkpoints are on. The hub joins them once the exchange
// exists (Node.Witnesses).
func Witnesses(c *config.Config) []audit.Witness {
	if path := c.CheckpointFile(); path != "" {
		return []audit.Witness{&audit.FileWitness{Path: path}}
	}
	return nil
}

// startCheckpoints runs the audit checkpointer until ctx ends and returns a
// channel closed once its last checkpoint is written, so that Serve
// returns (and the database closes) only after it.
func (n *Node) startCheckpoints(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if len(n.Witnesses) == 0 {
		n.Logger.Warn("audit checkpoints are off: entries cut from the end of the audit log would not be detected (set CHILDCENTRE_AUDIT_CHECKPOINTS)")
		close(done)
		return done
	}
	every := n.Config.AuditCheckpointEvery
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	cp := &audit.Checkpointer{Head: n.DB, Signer: CheckpointSigner(n.Config, n.Keys), Witnesses: n.Witnesses, Now: n.Now}
	go func() {
		defer close(done)
		cp.Run(ctx, every, func(err error) { n.Logger.Error("audit checkpoint not written", "err", err) })
	}()
	return done
}
