package demo

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
)

// After the servers are up, the demo works the network the way its users
// would, in a goroutine of its own so that the sign-in details are printed
// at once: it waits until every node has shared its registry and the hub
// has matched it, publishes the regional statistics (the hub would do so
// only at its next hourly check), then seeds follow-up requests in each
// state and a missing-child alert with a possible sighting (followups.go).
// Everything travels through the real exchange, sealed, via the hub; the
// waits are bounded, and a wait that runs out is logged and leaves the
// rest of the demo running.

// settleWithin bounds the wait for the region's registries to reach the
// hub and be matched; hitsWithin the wait for the hits the seeding needs
// on the nodes. On a loaded two-core machine the region settles in well
// under a minute.
const (
	settleWithin = 4 * time.Minute
	hitsWithin   = 2 * time.Minute
	pollEvery    = 250 * time.Millisecond
)

// seedNetwork is the background seeding; it logs progress and failures
// (codes and counts, never personal data).
func (r *region) seedNetwork(ctx context.Context, opt Options) {
	log := opt.Logger.With("component", "demo")
	start := time.Now()
	if err := r.settle(ctx); err != nil {
		if ctx.Err() == nil {
			log.Warn("demo: the region did not settle; statistics and follow-up left unseeded", "err", err)
		}
		return
	}
	log.Info("demo: every registry shared and matched", "seconds", time.Since(start).Seconds())
	// Publish now: the demo's registrations span the last three years, so
	// at least one year has closed and the hub has figures to publish.
	if did, err := r.hub.Stats.Refresh(ctx); err != nil {
		log.Warn("demo: publishing the regional statistics failed", "err", err)
	} else if cur := r.hub.Stats.Current(); cur != nil {
		log.Info("demo: regional statistics published", "recomputed", did, "periods", len(cur.Periods))
	}
	n, err := seedFollowUps(ctx, r.nodes, opt.Now, log)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Warn("demo: seeding follow-up requests and alerts failed", "err", err, "seeded", n)
	case err == nil:
		log.Info("demo: follow-up requests and alerts seeded", "seeded", n, "seconds", time.Since(start).Seconds())
	}
}

// settle waits until the region is quiet: every node holds the linkage
// secret of the first, has queued its whole registry under it and sent
// its outbox, and the hub has matched every upload.
func (r *region) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, settleWithin)
	defer cancel()
	first := r.nodes[0].Exchange.Secrets
	for _, n := range r.nodes {
		if err := poll(ctx, "the linkage secret on every node", func() (bool, error) {
			return first.KeyID() != "" && n.Exchange.Secrets.KeyID() == first.KeyID(), nil
		}); err != nil {
			return err
		}
		// Waits for a re-encoding under way (the node's own, after the
		// secret arrived) and queues anything it left.
		n.Resync(ctx)
	}
	for _, n := range r.nodes {
		if err := poll(ctx, "every outbox sent", func() (bool, error) { return outboxEmpty(ctx, n) }); err != nil {
			return err
		}
	}
	return poll(ctx, "the hub's matching queue empty", func() (bool, error) {
		h, err := r.hub.Service.Health(ctx)
		return err == nil && h.Queue == 0, err
	})
}

// outboxEmpty reports whether n has nothing left to send to the hub.
func outboxEmpty(ctx context.Context, n *node.Node) (bool, error) {
	var pending int
	err := n.Exchange.Store.View(ctx, func(tx nodesync.Tx) error {
		var err error
		pending, _, err = tx.OutboxCounts(ctx)
		return err
	})
	return err == nil && pending == 0, err
}

// poll calls cond until it reports true or fails, or ctx ends.
func poll(ctx context.Context, what string, cond func() (bool, error)) error {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil && ctx.Err() == nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return errs.E(errs.Unavailable, "demo: waited in vain for %s", what)
		case <-t.C:
		}
	}
}
