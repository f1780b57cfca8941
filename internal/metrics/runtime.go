package metrics

import (
	"math"
	rtm "runtime/metrics"

	"github.com/prometheus/client_golang/prometheus/collectors"
)

// RegisterRuntime adds the Go runtime and process collectors of
// client_golang (go_goroutines, go_memstats_*, go_gc_duration_seconds,
// go_info, process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds, process_start_time_seconds...), so that common
// dashboards work, plus go_gc_cycles_total, which earlier versions of the
// node exposed and the Go collector does not.
func (r *Registry) RegisterRuntime() {
	if err := r.prom.Register(collectors.NewGoCollector()); err != nil {
		panic("metrics: go collector: " + err.Error())
	}
	if err := r.prom.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		panic("metrics: process collector: " + err.Error())
	}
	r.NewCounterFunc("go_gc_cycles_total", "Completed garbage collection cycles.", runtimeSample("/gc/cycles/total:gc-cycles"))
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
