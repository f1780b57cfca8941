package node

import (
	"context"
	"fmt"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
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
// file, when checkpoints are on. The hub joins them when the node
// exchanges with one (openExchange: Exchange.Witness).
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

// HubCheckpoint asks the hub named by the configuration for the latest
// checkpoint it witnessed of this node's log, over the exchange's mutual
// TLS, and checks it: signed with this node's checkpoint key, of this
// node's country (from its certificate). ok is false while the hub holds
// none; an error when the hub cannot be asked or its answer does not
// check. Without a hub URL it returns nothing.
func HubCheckpoint(ctx context.Context, c *config.Config, kr *crypto.Keyring) (cp audit.Checkpoint, ok bool, err error) {
	if c.HubURL == "" {
		return audit.Checkpoint{}, false, nil
	}
	id, err := network.Load(c, nil)
	if err != nil {
		return audit.Checkpoint{}, false, err
	}
	client, err := id.Client(c.HubURL, 30*time.Second)
	if err != nil {
		return audit.Checkpoint{}, false, fmt.Errorf("network: %w", err)
	}
	defer client.Close()
	w := &nodesync.HubWitness{Source: client}
	cp, ok, err = w.LatestCheckpoint(ctx)
	if err != nil || !ok {
		return audit.Checkpoint{}, false, err
	}
	if cp.Node != id.Bundle.Identity.Country {
		return audit.Checkpoint{}, false, fmt.Errorf("hub witness: the hub answered a checkpoint of %s, not of this node (%s)", cp.Node, id.Bundle.Identity.Country)
	}
	if err := audit.CheckCheckpoint(CheckpointSigner(c, kr).PublicKey(), cp); err != nil {
		return audit.Checkpoint{}, false, fmt.Errorf("hub witness: %w", err)
	}
	return cp, true, nil
}
