package hub

import (
	"context"
	"slices"
	"sync"

	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// hubMetrics are the hub's Prometheus metrics. Names are a contract
// (issue 8): dashboards and the demo read them.
type hubMetrics struct {
	encodings *metrics.GaugeVec
	hits      *metrics.Counter
	match     *metrics.Histogram
}

func newHubMetrics(r *metrics.Registry, s *Service) *hubMetrics {
	return &hubMetrics{
		encodings: r.NewGaugeVec("childcentre_hub_encodings", "Encodings the hub holds, by country.", "country"),
		hits:      r.NewCounter("childcentre_hub_hits_total", "Hit notices issued (pairs of records of two countries)."),
		match: r.NewHistogram("childcentre_hub_match_seconds", "Time from an upload's arrival to its hit notices stored.",
			[]float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60}),
	}
}

// latencies keeps the last match latencies of this process for the
// administrator's page.
type latencies struct {
	mu   sync.Mutex
	ring []float64
	next int
}

const latencyWindow = 2048

func (l *latencies) add(d float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) < latencyWindow {
		l.ring = append(l.ring, d)
		return
	}
	l.ring[l.next] = d
	l.next = (l.next + 1) % latencyWindow
}

// quantiles returns the q-quantiles of the window, nil when it is empty.
func (l *latencies) quantiles(qs ...float64) []float64 {
	l.mu.Lock()
	v := slices.Clone(l.ring)
	l.mu.Unlock()
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	out := make([]float64, len(qs))
	for i, q := range qs {
		k := int(q * float64(len(v)-1))
		out[i] = v[k]
	}
	return out
}

// Health is what the administrator's page shows of matching.
type Health struct {
	Counts
	Indexed int // records in this process's index
	// P50, P95, P99 of this process's recent match latencies in seconds;
	// Observed is how many the window holds (0: none yet).
	P50, P95, P99 float64
	Observed      int
}

// Health returns the figures of matching health.
func (s *Service) Health(ctx context.Context) (*Health, error) {
	h := &Health{Indexed: s.Indexed()}
	err := s.st.View(ctx, func(tx Tx) error {
		c, err := tx.Counts(ctx)
		if c != nil {
			h.Counts = *c
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if q := s.lat.quantiles(0.5, 0.95, 0.99); q != nil {
		h.P50, h.P95, h.P99 = q[0], q[1], q[2]
		s.lat.mu.Lock()
		h.Observed = len(s.lat.ring)
		s.lat.mu.Unlock()
	}
	return h, nil
}
