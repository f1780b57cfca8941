package hubserver

import (
	"context"
	"time"

	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// statsEvery is how often the hub checks whether a year has closed and
// its regional figures are due. A check that finds nothing due reads one
// row; a recompute runs once a year (or when k rises).
const statsEvery = time.Hour

// openStats sets up the regional publication: the hub's records as its
// source, the archive of frozen publications, and the metrics of its
// recomputes.
func (h *Hub) openStats() {
	src := store.NewHubStatsSource(h.DB)
	h.Stats = &stats.Publisher{Source: src, Archive: store.NewStatsArchive(h.DB), Clock: h.Now,
		Options: stats.Options{K: h.Config.StatsK}}
	h.statsSeconds = h.Metrics.NewGauge("childcentre_stats_recompute_seconds",
		"Seconds the last recompute of the regional statistics took.")
	h.Metrics.NewGaugeFunc("childcentre_stats_records_skipped",
		"Hub records left out of the last recompute: no statistics codes, or codes outside the lists.",
		func() float64 { return float64(src.Skipped()) })
}

// publishStats refreshes the regional publication at start and then every
// statsEvery, until ctx ends.
func (h *Hub) publishStats(ctx context.Context) {
	t := time.NewTicker(statsEvery)
	defer t.Stop()
	for {
		start := time.Now()
		did, err := h.Stats.Refresh(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			h.Logger.Error("regional statistics failed", "err", err)
		case did:
			h.statsSeconds.Set(time.Since(start).Seconds())
			h.Logger.Info("regional statistics published", "seconds", time.Since(start).Seconds(),
				"periods", len(h.Stats.Current().Periods))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
