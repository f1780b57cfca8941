package node

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// purgeDelay is how long after start the server runs its first purge: late
// enough not to compete with start-up and the first readiness checks, soon
// enough that a server restarted every night still purges.
const purgeDelay = time.Minute

// purgeMetrics let an operator alert on a purge that stopped running: a
// retention period that is configured but not enforced is a breach of the
// storage-limitation principle nobody would otherwise notice.
type purgeMetrics struct {
	cases, children, failures *metrics.Counter
	lastSuccess               *metrics.Gauge
}

func newPurgeMetrics(r *metrics.Registry) *purgeMetrics {
	return &purgeMetrics{
		cases:       r.NewCounter("childcentre_retention_purged_cases_total", "Closed cases erased by the server's retention purge."),
		children:    r.NewCounter("childcentre_retention_purged_children_total", "Children left without a case erased by the server's retention purge."),
		failures:    r.NewCounter("childcentre_retention_purge_failures_total", "Retention purges that failed."),
		lastSuccess: r.NewGauge("childcentre_retention_last_success_timestamp_seconds", "Unix time of the last retention purge that succeeded (0: none since start)."),
	}
}

// retain runs the retention purge first after first, then every
// Config.PurgeEvery, until ctx ends. It does nothing when the operator
// turned the scheduled purge off (--purge-every 0) to run
// 'childcentre purge' from their own scheduler.
func (n *Node) retain(ctx context.Context, first time.Duration) {
	if n.Config.PurgeEvery <= 0 || n.Config.Retention <= 0 {
		return
	}
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n.PurgeOnce(ctx) // logs and counts its own outcome; the next run retries
		t.Reset(n.Config.PurgeEvery)
	}
}

// PurgeOnce erases, as the system actor, the cases closed longer ago than
// the retention period and the children left without a case, exactly as
// 'childcentre purge' does: one transaction, one retention.purge audit
// record with the counts. It logs the counts, never an identifier.
func (n *Node) PurgeOnce(ctx context.Context) (*cases.PurgeResult, error) {
	start := time.Now()
	res, err := n.Cases.Purge(ctx, auth.SystemActor, false)
	if err != nil {
		n.purge.failures.Inc()
		n.Logger.Error("retention purge failed", "err", err)
		return nil, err
	}
	n.purge.cases.Add(float64(len(res.Cases)))
	n.purge.children.Add(float64(len(res.Children)))
	n.purge.lastSuccess.Set(float64(n.Now().Unix()))
	n.Logger.Info("retention purge", "cases", len(res.Cases), "children", len(res.Children),
		"retention_days", int(n.Config.Retention/(24*time.Hour)), "duration", time.Since(start).String())
	return res, nil
}
