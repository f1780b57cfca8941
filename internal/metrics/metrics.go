// Package metrics exposes counters, gauges and histograms to Prometheus
// through github.com/prometheus/client_golang, behind a small API of its own
// that the rest of the node uses (so that call sites do not depend on the
// client library, and names and labels are checked the same way everywhere).
//
// Metrics are created on a Registry, usually once at start-up, and then
// updated from any goroutine. The registry's ServeHTTP answers a scrape at
// /metrics in the text exposition format.
//
// Creating a metric with an invalid or duplicate name, or a child with the
// wrong number of label values, panics: these are programming errors that
// the first test run finds. Label values must come from small, fixed sets
// (route patterns, status codes, reason codes), never from user input or
// identifiers, both to bound memory and to keep personal data out.
package metrics

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// ContentType is the media type of the exposition format written here.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// Registry holds metric families. The zero value is not usable; call
// NewRegistry.
type Registry struct {
	prom    *prometheus.Registry
	mu      sync.Mutex
	samples map[string]string // sample name -> family name, for collision checks
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{prom: prometheus.NewPedanticRegistry(), samples: map[string]string{}}
}

// Prometheus returns the underlying registry, for collectors written
// against client_golang directly.
func (r *Registry) Prometheus() *prometheus.Registry { return r.prom }

// sampleNames are the names a family's samples use.
func sampleNames(name, typ string) []string {
	if typ == "histogram" {
		return []string{name + "_bucket", name + "_sum", name + "_count"}
	}
	return []string{name}
}

// register checks the name and labels, then registers c, panicking on an
// invalid or colliding name. client_golang checks duplicates of a name but
// not a histogram's _count colliding with another metric, which a scrape
// would then carry twice.
func (r *Registry) register(name, typ string, labels []string, c prometheus.Collector) {
	checkLabels(name, typ, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range sampleNames(name, typ) {
		if other, dup := r.samples[s]; dup {
			panic(fmt.Sprintf("metrics: %s: sample name %s collides with metric %s", name, s, other))
		}
	}
	if err := r.prom.Register(c); err != nil {
		panic(fmt.Sprintf("metrics: %s: %v", name, err))
	}
	for _, s := range sampleNames(name, typ) {
		r.samples[s] = name
	}
}

// WriteTo writes every family with at least one sample in the text
// exposition format, families in name order and samples in label order.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	fams, err := r.prom.Gather()
	if err != nil {
		return 0, fmt.Errorf("metrics: gather: %w", err)
	}
	var n int64
	for _, f := range fams {
		m, err := expfmt.MetricFamilyToText(w, f)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ServeHTTP answers a scrape. Only GET and HEAD are allowed.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var b bytes.Buffer
	if _, err := r.WriteTo(&b); err != nil {
		http.Error(w, "metrics unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	if req.Method == http.MethodHead {
		return
	}
	w.Write(b.Bytes())
}

// checkLabels panics on an invalid metric or label name. It runs before
// client_golang sees them, since its constructors panic with messages of
// their own (or not at all, for "le" on a histogram vector).
func checkLabels(name, typ string, labels []string) {
	if !metricNameRE.MatchString(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	seen := map[string]bool{}
	for _, l := range labels {
		switch {
		case !labelNameRE.MatchString(l) || strings.HasPrefix(l, "__"):
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", name, l))
		case l == "le" && typ == "histogram":
			panic(fmt.Sprintf("metrics: %s: label \"le\" is reserved for histogram buckets", name))
		case seen[l]:
			panic(fmt.Sprintf("metrics: %s: label %q given twice", name, l))
		}
		seen[l] = true
	}
}

// labelValues makes values acceptable to client_golang, which panics on
// invalid UTF-8: such bytes become U+FFFD, as the format requires.
func labelValues(values []string) []string {
	for i, v := range values {
		if !utf8Valid(v) {
			out := append([]string(nil), values...)
			for j := i; j < len(out); j++ {
				out[j] = strings.ToValidUTF8(out[j], "\uFFFD")
			}
			return out
		}
	}
	return values
}
