package metrics

import (
	"fmt"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

// read returns the current state of m, for the Value accessors (tests and
// the rare caller that needs a count back).
func read(m prometheus.Metric) *dto.Metric {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		panic(fmt.Sprintf("metrics: read: %v", err))
	}
	return &d
}

// Counter is a value that only goes up: requests served, sign-ins refused.
type Counter struct{ c prometheus.Counter }

// Inc adds 1.
func (c *Counter) Inc() { c.c.Inc() }

// Add adds v, which must be zero or positive (and not NaN).
func (c *Counter) Add(v float64) {
	if !(v >= 0) {
		panic(fmt.Sprintf("metrics: counter decreased by %v", v))
	}
	c.c.Add(v)
}

// Value returns the current count.
func (c *Counter) Value() float64 { return read(c.c).GetCounter().GetValue() }

// NewCounter registers and returns a counter. By convention its name ends
// in _total.
func (r *Registry) NewCounter(name, help string) *Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	r.register(name, "counter", nil, c)
	return &Counter{c}
}

// CounterVec is a counter per combination of label values.
type CounterVec struct{ v *prometheus.CounterVec }

// NewCounterVec registers and returns a labelled counter.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	checkLabels(name, "counter", labels)
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	r.register(name, "counter", labels, v)
	return &CounterVec{v}
}

// With returns the counter for the label values, in the order of the label
// names, creating it at zero on first use. Keep the result to skip the
// lookup on a hot path.
func (cv *CounterVec) With(values ...string) *Counter {
	return &Counter{cv.v.WithLabelValues(labelValues(values)...)}
}

// Gauge is a value that goes up and down: sessions open, requests in flight.
type Gauge struct{ g prometheus.Gauge }

// Set sets the gauge to v.
func (g *Gauge) Set(v float64) { g.g.Set(v) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { g.g.Add(v) }

// Sub subtracts v.
func (g *Gauge) Sub(v float64) { g.g.Sub(v) }

// Inc adds 1.
func (g *Gauge) Inc() { g.g.Inc() }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.g.Dec() }

// Value returns the current value.
func (g *Gauge) Value() float64 { return read(g.g).GetGauge().GetValue() }

// NewGauge registers and returns a gauge.
func (r *Registry) NewGauge(name, help string) *Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	r.register(name, "gauge", nil, g)
	return &Gauge{g}
}

// GaugeVec is a gauge per combination of label values.
type GaugeVec struct{ v *prometheus.GaugeVec }

// NewGaugeVec registers and returns a labelled gauge.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	checkLabels(name, "gauge", labels)
	v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	r.register(name, "gauge", labels, v)
	return &GaugeVec{v}
}

// With returns the gauge for the label values, creating it at zero.
func (gv *GaugeVec) With(values ...string) *Gauge {
	return &Gauge{gv.v.WithLabelValues(labelValues(values)...)}
}

// NewGaugeFunc registers a gauge whose value f returns at each scrape:
// values the program already keeps elsewhere (pool sizes). f must be safe
// for concurrent use and quick.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.register(name, "gauge", nil, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// NewCounterFunc registers a counter whose value f returns at each scrape;
// f must never return less than before.
func (r *Registry) NewCounterFunc(name, help string, f func() float64) {
	r.register(name, "counter", nil, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}
