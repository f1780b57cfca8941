package metrics

import (
	"math"
	"runtime"
	rtm "runtime/metrics"
	"time"
)

// RegisterRuntime adds gauges of the Go runtime and the process, under the
// names the Prometheus Go client uses so that common dashboards work:
// go_goroutines, go_memstats_heap_alloc_bytes, go_memstats_sys_bytes,
// go_gc_cycles_total, go_info and process_start_time_seconds. Values are
// read with runtime/metrics at each scrape, which does not stop the world.
func (r *Registry) RegisterRuntime() {
	for _, m := range []struct {
		name, help, sample, typ string
	}{
		{"go_goroutines", "Number of goroutines that currently exist.", "/sched/goroutines:goroutines", "gauge"},
		{"go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.", "/memory/classes/heap/objects:bytes", "gauge"},
		{"go_memstats_sys_bytes", "Bytes of memory obtained from the operating system.", "/memory/classes/total:bytes", "gauge"},
		{"go_gc_cycles_total", "Completed garbage collection cycles.", "/gc/cycles/total:gc-cycles", "counter"},
	} {
		f := runtimeSample(m.sample)
		if m.typ == "counter" {
			r.NewCounterFunc(m.name, m.help, f)
		} else {
			r.NewGaugeFunc(m.name, m.help, f)
		}
	}
	r.NewGaugeVec("go_info", "Information about the Go environment.", "version").With(runtime.Version()).Set(1)
	start := float64(time.Now().UnixMilli()) / 1e3
	r.NewGaugeFunc("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", func() float64 { return start })
}

// runtimeSample returns a function reading one runtime/metrics sample.
// A name this Go version does not know reads as NaN rather than failing.
func runtimeSample(name string) func() float64 {
	return func() float64 {
		s := []rtm.Sample{{Name: name}}
		rtm.Read(s)
		switch s[0].Value.Kind() {
		case rtm.KindUint64:
			return float64(s[0].Value.Uint64())
		case rtm.KindFloat64:
			return s[0].Value.Float64()
		}
		return math.NaN()
	}
}
