package metrics

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func expose(t *testing.T, r *Registry) string {
	t.Helper()
	var b bytes.Buffer
	n, err := r.WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(b.Len()) {
		t.Errorf("WriteTo reported %d bytes, wrote %d", n, b.Len())
	}
	return b.String()
}

func TestExposition(t *testing.T) {
	r := NewRegistry()
	signins := r.NewCounterVec("childcentre_signin_failures_total", "Sign-ins refused, by reason.", "reason")
	r.NewCounter("childcentre_audit_entries_total", "Audit entries appended.").Add(3)
	sessions := r.NewGauge("childcentre_sessions", "Sessions open.")
	lat := r.NewHistogram("childcentre_db_seconds", "Database transaction time.", []float64{0.01, 0.1, 1})
	req := r.NewHistogramVec("childcentre_req_seconds", "Request time.", []float64{0.5, 2.5}, "route")
	r.NewCounterVec("childcentre_unused_total", "Never used: not written.", "x")
	r.NewGaugeFunc("childcentre_pool", "Connections.", func() float64 { return 4 })

	signins.With("rate_limit").Inc()
	signins.With("bad_password").Add(2)
	signins.With("bad_password").Inc()
	sessions.Set(7)
	sessions.Dec()
	sessions.Add(0.5)
	for _, v := range []float64{0.005, 0.01, 0.05, 2, 0.2} {
		lat.Observe(v)
	}
	req.With("GET /children/{id}").Observe(0.25)
	req.With("GET /").Observe(3)

	want := `# HELP childcentre_audit_entries_total Audit entries appended.
# TYPE childcentre_audit_entries_total counter
childcentre_audit_entries_total 3
# HELP childcentre_db_seconds Database transaction time.
# TYPE childcentre_db_seconds histogram
childcentre_db_seconds_bucket{le="0.01"} 2
childcentre_db_seconds_bucket{le="0.1"} 3
childcentre_db_seconds_bucket{le="1"} 4
childcentre_db_seconds_bucket{le="+Inf"} 5
childcentre_db_seconds_sum 2.265
childcentre_db_seconds_count 5
# HELP childcentre_pool Connections.
# TYPE childcentre_pool gauge
childcentre_pool 4
# HELP childcentre_req_seconds Request time.
# TYPE childcentre_req_seconds histogram
childcentre_req_seconds_bucket{route="GET /",le="0.5"} 0
childcentre_req_seconds_bucket{route="GET /",le="2.5"} 0
childcentre_req_seconds_bucket{route="GET /",le="+Inf"} 1
childcentre_req_seconds_sum{route="GET /"} 3
childcentre_req_seconds_count{route="GET /"} 1
childcentre_req_seconds_bucket{route="GET /children/{id}",le="0.5"} 1
childcentre_req_seconds_bucket{route="GET /children/{id}",le="2.5"} 1
childcentre_req_seconds_bucket{route="GET /children/{id}",le="+Inf"} 1
childcentre_req_seconds_sum{route="GET /children/{id}"} 0.25
childcentre_req_seconds_count{route="GET /children/{id}"} 1
# HELP childcentre_sessions Sessions open.
# TYPE childcentre_sessions gauge
childcentre_sessions 6.5
# HELP childcentre_signin_failures_total Sign-ins refused, by reason.
# TYPE childcentre_signin_failures_total counter
childcentre_signin_failures_total{reason="bad_password"} 3
childcentre_signin_failures_total{reason="rate_limit"} 1
`
	if got := expose(t, r); got != want {
		t.Errorf("exposition differs:\n--- got\n%s\n--- want\n%s", got, want)
	}
}

func TestEscaping(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("esc_total", "Help with a \\ backslash,\na newline and \"quotes\".", "a", "b")
	c.With(`back\slash`, "new\nline").Inc()
	c.With(`"quoted"`, "bad\xffutf8").Inc()
	c.With("", "ünïcödé").Inc()
	want := `# HELP esc_total Help with a \\ backslash,\na newline and "quotes".
# TYPE esc_total counter
esc_total{a="",b="ünïcödé"} 1
esc_total{a="\"quoted\"",b="bad` + "\uFFFD" + `utf8"} 1
esc_total{a="back\\slash",b="new\nline"} 1
`
	if got := expose(t, r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCounterFractions(t *testing.T) {
	c := NewRegistry().NewCounter("f_total", "F.")
	c.Add(0.25)
	c.Inc()
	c.Add(2)
	c.Add(0.5)
	c.Add(0)
	if c.Value() != 3.75 {
		t.Errorf("Value = %v, want 3.75", c.Value())
	}
	for _, bad := range []float64{-1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Add(%v) did not panic", bad)
				}
			}()
			c.Add(bad)
		}()
	}
}

func TestHistogramEdges(t *testing.T) {
	r := NewRegistry()
	h := r.NewHistogram("h", "H.", []float64{1, 2, math.Inf(1)})
	for _, v := range []float64{1, 2, 2.0000001, -5, math.NaN(), math.Inf(1)} {
		h.Observe(v)
	}
	out := expose(t, r)
	for _, line := range []string{`h_bucket{le="1"} 2`, `h_bucket{le="2"} 3`, `h_bucket{le="+Inf"} 6`, `h_count 6`, `h_sum NaN`} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
	if strings.Count(out, `le="+Inf"`) != 1 {
		t.Errorf("a given +Inf bound was doubled:\n%s", out)
	}
	if h.Count() != 6 {
		t.Errorf("Count = %d", h.Count())
	}
	if b := ExponentialBuckets(0.001, 10, 4); len(b) != 4 || b[3] < 0.99 || b[3] > 1.01 {
		t.Errorf("ExponentialBuckets = %v", b)
	}
	if b := LinearBuckets(1, 2, 3); b[0] != 1 || b[1] != 3 || b[2] != 5 {
		t.Errorf("LinearBuckets = %v", b)
	}
}

func TestRegistrationPanics(t *testing.T) {
	tests := map[string]func(r *Registry){
		"bad name":            func(r *Registry) { r.NewCounter("2bad", "x") },
		"name with dash":      func(r *Registry) { r.NewGauge("a-b", "x") },
		"bad label":           func(r *Registry) { r.NewCounterVec("a_total", "x", "bad-label") },
		"reserved label":      func(r *Registry) { r.NewCounterVec("a_total", "x", "__name") },
		"le on histogram":     func(r *Registry) { r.NewHistogramVec("a", "x", DefBuckets, "le") },
		"label twice":         func(r *Registry) { r.NewCounterVec("a_total", "x", "a", "a") },
		"duplicate":           func(r *Registry) { r.NewCounter("a_total", "x"); r.NewGauge("a_total", "y") },
		"histogram collision": func(r *Registry) { r.NewHistogram("lat", "x", DefBuckets); r.NewCounter("lat_count", "y") },
		"collision reversed":  func(r *Registry) { r.NewGauge("lat_sum", "y"); r.NewHistogram("lat", "x", DefBuckets) },
		"no buckets":          func(r *Registry) { r.NewHistogram("h", "x", nil) },
		"only +Inf":           func(r *Registry) { r.NewHistogram("h", "x", []float64{math.Inf(1)}) },
		"unsorted buckets":    func(r *Registry) { r.NewHistogram("h", "x", []float64{1, 0.5}) },
		"equal buckets":       func(r *Registry) { r.NewHistogram("h", "x", []float64{1, 1}) },
		"NaN bucket":          func(r *Registry) { r.NewHistogram("h", "x", []float64{math.NaN()}) },
		"too few values":      func(r *Registry) { r.NewCounterVec("a_total", "x", "a", "b").With("1") },
		"too many values":     func(r *Registry) { r.NewGaugeVec("g", "x", "a").With("1", "2") },
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			f(NewRegistry())
		})
	}
}

// TestLabelKeysUnambiguous: values that would join alike stay apart.
func TestLabelKeysUnambiguous(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("k_total", "K.", "a", "b")
	c.With("1:x", "").Inc()
	c.With("", "1:x").Inc()
	c.With("1:x1:", "").Inc()
	if c.With("1:x", "") == c.With("", "1:x") || c.With("1:x", "") == c.With("1:x1:", "") {
		t.Error("two label combinations share a counter")
	}
	if n := strings.Count(expose(t, r), "k_total{"); n != 3 {
		t.Errorf("%d children written, want 3", n)
	}
}

func TestRuntime(t *testing.T) {
	r := NewRegistry()
	r.RegisterRuntime()
	out := expose(t, r)
	for _, name := range []string{"go_goroutines ", "go_memstats_heap_alloc_bytes ", "go_memstats_sys_bytes ", "go_gc_cycles_total ", "go_info{version=\"go", "process_start_time_seconds "} {
		if !strings.Contains(out, "\n"+name) {
			t.Errorf("missing %s in\n%s", name, out)
		}
	}
	if strings.Contains(out, "NaN") {
		t.Errorf("a runtime metric is unknown to this Go version:\n%s", out)
	}
	if strings.Contains(out, "\ngo_goroutines 0\n") {
		t.Error("no goroutines reported")
	}
}
