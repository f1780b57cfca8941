package metrics

import (
	"fmt"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefBuckets suit request latencies in seconds, from 5 ms to 10 s.
var DefBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// ExponentialBuckets returns n bounds: start, start*factor, start*factor²...
func ExponentialBuckets(start, factor float64, n int) []float64 {
	if n < 1 || start <= 0 || factor <= 1 {
		panic("metrics: ExponentialBuckets needs n >= 1, start > 0, factor > 1")
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = start
		start *= factor
	}
	return b
}

// LinearBuckets returns n bounds: start, start+width, start+2*width...
func LinearBuckets(start, width float64, n int) []float64 {
	if n < 1 || width <= 0 {
		panic("metrics: LinearBuckets needs n >= 1, width > 0")
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = start + float64(i)*width
	}
	return b
}

// Histogram counts observations (latencies, sizes) in buckets with upper
// bounds, plus their sum and count.
type Histogram struct{ h prometheus.Observer }

// Observe records v. NaN goes to the +Inf bucket, as in Prometheus.
func (h *Histogram) Observe(v float64) { h.h.Observe(v) }

// ObserveSince records the seconds elapsed since start.
func (h *Histogram) ObserveSince(start time.Time) { h.Observe(time.Since(start).Seconds()) }

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	return read(h.h.(prometheus.Metric)).GetHistogram().GetSampleCount()
}

// Sum returns the sum of observations.
func (h *Histogram) Sum() float64 {
	return read(h.h.(prometheus.Metric)).GetHistogram().GetSampleSum()
}

// checkBuckets validates bounds and returns a private copy without a final
// +Inf (which every histogram has implicitly).
func checkBuckets(name string, buckets []float64) []float64 {
	if n := len(buckets); n > 0 && math.IsInf(buckets[n-1], +1) {
		buckets = buckets[:n-1]
	}
	if len(buckets) == 0 {
		panic(fmt.Sprintf("metrics: %s: a histogram needs at least one finite bucket", name))
	}
	for i, v := range buckets {
		if math.IsNaN(v) || math.IsInf(v, 0) || (i > 0 && v <= buckets[i-1]) {
			panic(fmt.Sprintf("metrics: %s: buckets must be finite and strictly increasing", name))
		}
	}
	return append([]float64(nil), buckets...)
}

// NewHistogram registers and returns a histogram with the given bucket
// upper bounds (DefBuckets for latencies in seconds).
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	checkLabels(name, "histogram", nil)
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: checkBuckets(name, buckets)})
	r.register(name, "histogram", nil, h)
	return &Histogram{h}
}

// HistogramVec is a histogram per combination of label values, all with
// the same buckets.
type HistogramVec struct{ v *prometheus.HistogramVec }

// NewHistogramVec registers and returns a labelled histogram.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	checkLabels(name, "histogram", labels)
	v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: checkBuckets(name, buckets)}, labels)
	r.register(name, "histogram", labels, v)
	return &HistogramVec{v}
}

// With returns the histogram for the label values, creating it empty.
func (hv *HistogramVec) With(values ...string) *Histogram {
	return &Histogram{hv.v.WithLabelValues(labelValues(values)...)}
}
