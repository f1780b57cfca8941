package metrics

import (
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"
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
// bounds, plus their sum and count. An observation is two atomic updates.
type Histogram struct {
	upper  []float64       // bucket upper bounds, increasing, without +Inf
	counts []atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sum    atomic.Uint64   // float64 bits
}

func newHistogram(upper []float64) *Histogram {
	return &Histogram{upper: upper, counts: make([]atomic.Uint64, len(upper)+1)}
}

// Observe records v. NaN goes to the +Inf bucket, as in Prometheus.
func (h *Histogram) Observe(v float64) {
	// The first bound >= v; a NaN compares false everywhere and ends last.
	lo, hi := 0, len(h.upper)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if !(v <= h.upper[mid]) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	h.counts[lo].Add(1)
	addFloat(&h.sum, v)
}

// ObserveSince records the seconds elapsed since start.
func (h *Histogram) ObserveSince(start time.Time) { h.Observe(time.Since(start).Seconds()) }

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Sum returns the sum of observations.
func (h *Histogram) Sum() float64 { return math.Float64frombits(h.sum.Load()) }

// appendSamples writes the cumulative buckets, sum and count. The count is
// the sum of the bucket counts read, so that the +Inf bucket always equals
// it even while observations arrive; the sum may run slightly ahead.
func (h *Histogram) appendSamples(b []byte, name string, pairs []byte) []byte {
	var cum uint64
	bucket := name + "_bucket"
	for i := range h.counts {
		cum += h.counts[i].Load()
		b = append(b, bucket...)
		b = append(b, '{')
		if len(pairs) > 0 {
			b = append(b, pairs...)
			b = append(b, ',')
		}
		b = append(b, `le="`...)
		if i < len(h.upper) {
			b = appendFloat(b, h.upper[i])
		} else {
			b = append(b, "+Inf"...)
		}
		b = append(b, `"} `...)
		b = strconv.AppendUint(b, cum, 10)
		b = append(b, '\n')
	}
	b = appendSample(b, name+"_sum", pairs, h.Sum())
	b = append(b, name+"_count"...)
	if len(pairs) > 0 {
		b = append(b, '{')
		b = append(b, pairs...)
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = strconv.AppendUint(b, cum, 10)
	return append(b, '\n')
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

type histogramFamily struct {
	desc
	h *Histogram
}

func (f *histogramFamily) samples(b []byte) []byte { return f.h.appendSamples(b, f.name, nil) }

// NewHistogram registers and returns a histogram with the given bucket
// upper bounds (DefBuckets for latencies in seconds).
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	h := newHistogram(checkBuckets(name, buckets))
	r.register(&histogramFamily{desc{name: name, help: help, typ: "histogram"}, h})
	return h
}

// HistogramVec is a histogram per combination of label values, all with
// the same buckets.
type HistogramVec struct{ v *vec[Histogram] }

// NewHistogramVec registers and returns a labelled histogram.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	upper := checkBuckets(name, buckets)
	v := newVec(desc{name: name, help: help, typ: "histogram", labels: labels}, func() *Histogram { return newHistogram(upper) })
	r.register(histogramVecFamily{v})
	return &HistogramVec{v}
}

// With returns the histogram for the label values, creating it empty.
func (hv *HistogramVec) With(values ...string) *Histogram { return hv.v.with(values) }

type histogramVecFamily struct{ *vec[Histogram] }

func (f histogramVecFamily) samples(b []byte) []byte {
	for _, c := range f.sorted() {
		b = c.m.appendSamples(b, f.name, c.pairs)
	}
	return b
}
