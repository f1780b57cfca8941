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

// HubCheckpoints asks the hub named by the configuration for every
// checkpoint it witnessed of this node's log, over the exchange's mutual
// TLS, and checks that each is of this node's country (from its
// certificate). Nothing without a hub URL; an error when the hub cannot be
// asked.
//
// Signatures are not checked here: a year of checkpoints is some 100,000
// of them, and a checkpoint the node did not sign can only make a
// verification fail, never pass (it names an entry the log lacks or a hash
// it does not hold). Check them (CheckHubCheckpoints) when a verification
// fails, to tell a cut log from a hub that makes one up.
func HubCheckpoints(ctx context.Context, c *config.Config, kr *crypto.Keyring) ([]audit.Checkpoint, error) {
	if c.HubURL == "" {
		return nil, nil
	}
	id, err := network.Load(c, nil)
	if err != nil {
		return nil, err
	}
	client, err := id.Client(c.HubURL, 2*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	defer client.Close()
	cps, err := (&nodesync.HubWitness{Source: client}).Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	country := id.Bundle.Identity.Country
	for _, cp := range cps {
		if cp.Node != country {
			return nil, fmt.Errorf("hub witness: the hub answered a checkpoint of %s, not of this node (%s)", cp.Node, country)
		}
	}
	return cps, nil
}

// CheckHubCheckpoints checks that this node signed every checkpoint the hub
// gave back (with the key derived from its chain key), and names the first
// it did not.
func CheckHubCheckpoints(c *config.Config, kr *crypto.Keyring, cps []audit.Checkpoint) error {
	pub := CheckpointSigner(c, kr).PublicKey()
	for _, cp := range cps {
		if err := audit.CheckCheckpoint(pub, cp); err != nil {
			return fmt.Errorf("hub witness: checkpoint of entry %d: %w", cp.Seq, err)
		}
	}
	return nil
}
