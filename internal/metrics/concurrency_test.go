package metrics

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUpdates updates every kind of metric from many goroutines
// while scraping; run with -race. The totals must be exact.
func TestConcurrentUpdates(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounter("c_total", "C.")
	cv := r.NewCounterVec("cv_total", "CV.", "k")
	g := r.NewGauge("g", "G.")
	h := r.NewHistogram("h", "H.", []float64{1, 10})
	hv := r.NewHistogramVec("hv", "HV.", []float64{1}, "k")
	const workers, n = 8, 2000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() {
		count := 0
		for {
			select {
			case <-stop:
				scraped <- count
				return
			default:
			}
			var b bytes.Buffer
			r.WriteTo(&b)
			// Every scrape is consistent: a histogram's +Inf bucket equals its count.
			checkHistogramConsistent(t, b.String(), "h")
			count++
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				c.Inc()
				cv.With(strconv.Itoa(i % 5)).Inc()
				g.Inc()
				g.Dec()
				g.Add(0.5)
				h.Observe(float64(i % 20))
				hv.With(strconv.Itoa(w % 3)).Observe(0.5)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if <-scraped == 0 {
		t.Log("no scrape overlapped the updates")
	}
	if got := c.Value(); got != workers*n {
		t.Errorf("counter = %v, want %d", got, workers*n)
	}
	var sum float64
	for k := range 5 {
		sum += cv.With(strconv.Itoa(k)).Value()
	}
	if sum != workers*n {
		t.Errorf("counter vec total = %v, want %d", sum, workers*n)
	}
	if got := g.Value(); got != workers*n*0.5 {
		t.Errorf("gauge = %v, want %v", got, workers*n*0.5)
	}
	if h.Count() != workers*n {
		t.Errorf("histogram count = %d", h.Count())
	}
	// Sum of i%20 over n = 2000 per worker: 100 rounds of 0..19 = 100*190.
	if want := float64(workers * 100 * 190); h.Sum() != want {
		t.Errorf("histogram sum = %v, want %v", h.Sum(), want)
	}
	out := expose(t, r)
	// 16000 observations of i%20: 0 and 1 fall in le=1 (2/20), 0..10 in le=10 (11/20).
	for _, line := range []string{`h_bucket{le="1"} 1600`, `h_bucket{le="10"} 8800`, `h_count 16000`} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
}

func checkHistogramConsistent(t *testing.T, out, name string) {
	t.Helper()
	var inf, count string
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+`_bucket{le="+Inf"} `); ok {
			inf = v
		}
		if v, ok := strings.CutPrefix(line, name+"_count "); ok {
			count = v
		}
	}
	if inf != count {
		t.Errorf("+Inf bucket %s differs from count %s", inf, count)
	}
}

func BenchmarkCounterInc(b *testing.B) {
	c := NewRegistry().NewCounter("c_total", "C.")
	for b.Loop() {
		c.Inc()
	}
}

func BenchmarkCounterIncParallel(b *testing.B) {
	c := NewRegistry().NewCounter("c_total", "C.")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

func BenchmarkCounterVecWithInc(b *testing.B) {
	cv := NewRegistry().NewCounterVec("c_total", "C.", "method", "route", "code")
	for b.Loop() {
		cv.With("GET", "GET /children/{id}", "200").Inc()
	}
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := NewRegistry().NewHistogram("h", "H.", DefBuckets)
	v := 0.0
	for b.Loop() {
		h.Observe(v)
		v += 0.001
		if v > 12 {
			v = 0
		}
	}
}

func BenchmarkHistogramObserveParallel(b *testing.B) {
	h := NewRegistry().NewHistogram("h", "H.", DefBuckets)
	b.RunParallel(func(pb *testing.PB) {
		v := 0.0
		for pb.Next() {
			h.Observe(v)
			v += 0.001
		}
	})
}

func BenchmarkWriteTo(b *testing.B) {
	r := NewRegistry()
	cv := r.NewCounterVec("c_total", "C.", "route", "code")
	hv := r.NewHistogramVec("h", "H.", DefBuckets, "route")
	for i := range 50 {
		route := "GET /route/" + strconv.Itoa(i)
		cv.With(route, "200").Inc()
		hv.With(route).Observe(0.1)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		r.WriteTo(&buf)
	}
	b.ReportMetric(float64(buf.Len()), "bytes/scrape")
}
