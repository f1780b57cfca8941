package metrics

import (
	"fmt"
	"math"
	"sync/atomic"
)

// Counter is a value that only goes up: requests served, sign-ins refused.
// Whole increments are a single atomic add; fractional ones a CAS loop.
type Counter struct {
	whole atomic.Uint64 // sum of whole-number increments
	frac  atomic.Uint64 // float64 bits: sum of the other increments
}

// Inc adds 1.
func (c *Counter) Inc() { c.whole.Add(1) }

// Add adds v, which must be zero or positive (and not NaN).
func (c *Counter) Add(v float64) {
	if !(v >= 0) {
		panic(fmt.Sprintf("metrics: counter decreased by %v", v))
	}
	if v < 1<<53 && v == math.Trunc(v) {
		c.whole.Add(uint64(v))
		return
	}
	addFloat(&c.frac, v)
}

// Value returns the current count.
func (c *Counter) Value() float64 {
	return float64(c.whole.Load()) + math.Float64frombits(c.frac.Load())
}

type counterFamily struct {
	desc
	c *Counter
}

func (f *counterFamily) samples(b []byte) []byte { return appendSample(b, f.name, nil, f.c.Value()) }

// NewCounter registers and returns a counter. By convention its name ends
// in _total.
func (r *Registry) NewCounter(name, help string) *Counter {
	c := &Counter{}
	r.register(&counterFamily{desc{name: name, help: help, typ: "counter"}, c})
	return c
}

// CounterVec is a counter per combination of label values.
type CounterVec struct{ v *vec[Counter] }

// NewCounterVec registers and returns a labelled counter.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	v := newVec(desc{name: name, help: help, typ: "counter", labels: labels}, func() *Counter { return &Counter{} })
	r.register(counterVecFamily{v})
	return &CounterVec{v}
}

// With returns the counter for the label values, in the order of the label
// names, creating it at zero on first use. Keep the result to skip the
// lookup on a hot path.
func (cv *CounterVec) With(values ...string) *Counter { return cv.v.with(values) }

type counterVecFamily struct{ *vec[Counter] }

func (f counterVecFamily) samples(b []byte) []byte {
	for _, c := range f.sorted() {
		b = appendSample(b, f.name, c.pairs, c.m.Value())
	}
	return b
}

// Gauge is a value that goes up and down: sessions open, requests in flight.
type Gauge struct {
	bits atomic.Uint64 // float64
}

// Set sets the gauge to v.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { addFloat(&g.bits, v) }

// Sub subtracts v.
func (g *Gauge) Sub(v float64) { addFloat(&g.bits, -v) }

// Inc adds 1.
func (g *Gauge) Inc() { addFloat(&g.bits, 1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { addFloat(&g.bits, -1) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

type gaugeFamily struct {
	desc
	g *Gauge
}

func (f *gaugeFamily) samples(b []byte) []byte { return appendSample(b, f.name, nil, f.g.Value()) }

// NewGauge registers and returns a gauge.
func (r *Registry) NewGauge(name, help string) *Gauge {
	g := &Gauge{}
	r.register(&gaugeFamily{desc{name: name, help: help, typ: "gauge"}, g})
	return g
}

// GaugeVec is a gauge per combination of label values.
type GaugeVec struct{ v *vec[Gauge] }

// NewGaugeVec registers and returns a labelled gauge.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	v := newVec(desc{name: name, help: help, typ: "gauge", labels: labels}, func() *Gauge { return &Gauge{} })
	r.register(gaugeVecFamily{v})
	return &GaugeVec{v}
}

// With returns the gauge for the label values, creating it at zero.
func (gv *GaugeVec) With(values ...string) *Gauge { return gv.v.with(values) }

type gaugeVecFamily struct{ *vec[Gauge] }

func (f gaugeVecFamily) samples(b []byte) []byte {
	for _, c := range f.sorted() {
		b = appendSample(b, f.name, c.pairs, c.m.Value())
	}
	return b
}

// funcFamily is a gauge or counter whose value a function gives at each
// scrape: values the program already keeps elsewhere (runtime statistics,
// pool sizes).
type funcFamily struct {
	desc
	f func() float64
}

func (f *funcFamily) samples(b []byte) []byte { return appendSample(b, f.name, nil, f.f()) }

// NewGaugeFunc registers a gauge whose value f returns at each scrape. f
// must be safe for concurrent use and quick.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.register(&funcFamily{desc{name: name, help: help, typ: "gauge"}, f})
}

// NewCounterFunc registers a counter whose value f returns at each scrape;
// f must never return less than before.
func (r *Registry) NewCounterFunc(name, help string, f func() float64) {
	r.register(&funcFamily{desc{name: name, help: help, typ: "counter"}, f})
}
