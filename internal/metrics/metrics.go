// Package metrics exposes counters, gauges and histograms in the Prometheus
// text exposition format, version 0.0.4, without a dependency.
//
// Metrics are created on a Registry, usually once at start-up, and then
// updated from any goroutine: updates are atomic operations on the metric
// itself, and a labelled child, once created, is found under a shared read
// lock without allocating. The registry's ServeHTTP answers a scrape at
// /metrics.
//
// Creating a metric with an invalid or duplicate name, or a child with the
// wrong number of label values, panics: these are programming errors that
// the first test run finds. Label values must come from small, fixed sets
// (route patterns, status codes, reason codes), never from user input or
// identifiers, both to bound memory and to keep personal data out.
package metrics

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// ContentType is the media type of the exposition format written here.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// family is one metric name with its HELP, TYPE and samples.
type family interface {
	describe() *desc
	// samples appends the sample lines, sorted by label values.
	samples(b []byte) []byte
}

// desc is what every family has: name, help, type and label names.
type desc struct {
	name   string
	help   string
	typ    string // counter, gauge, histogram
	labels []string
}

func (d *desc) describe() *desc { return d }

// sampleNames are the names a family's samples use, for collision checks.
func (d *desc) sampleNames() []string {
	if d.typ == "histogram" {
		return []string{d.name + "_bucket", d.name + "_sum", d.name + "_count"}
	}
	return []string{d.name}
}

// Registry holds metric families and writes them in name order. The zero
// value is not usable; call NewRegistry.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
	samples  map[string]string // sample name -> family name
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: map[string]family{}, samples: map[string]string{}}
}

// register adds f, panicking on an invalid or colliding name.
func (r *Registry) register(f family) {
	d := f.describe()
	if !metricNameRE.MatchString(d.name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", d.name))
	}
	seen := map[string]bool{}
	for _, l := range d.labels {
		switch {
		case !labelNameRE.MatchString(l) || strings.HasPrefix(l, "__"):
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", d.name, l))
		case l == "le" && d.typ == "histogram":
			panic(fmt.Sprintf("metrics: %s: label \"le\" is reserved for histogram buckets", d.name))
		case seen[l]:
			panic(fmt.Sprintf("metrics: %s: label %q given twice", d.name, l))
		}
		seen[l] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[d.name]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", d.name))
	}
	for _, s := range d.sampleNames() {
		if other, dup := r.samples[s]; dup {
			panic(fmt.Sprintf("metrics: %s: sample name %s collides with metric %s", d.name, s, other))
		}
	}
	for _, s := range d.sampleNames() {
		r.samples[s] = d.name
	}
	r.families[d.name] = f
}

// WriteTo writes every family with at least one sample in the text
// exposition format, families in name order and samples in label order.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	fams := make([]family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	sort.Slice(fams, func(i, j int) bool { return fams[i].describe().name < fams[j].describe().name })

	bw := bufio.NewWriterSize(w, 16<<10)
	var n int64
	var buf []byte
	for _, f := range fams {
		buf = f.samples(buf[:0])
		if len(buf) == 0 {
			continue // a vector without children: nothing to say yet
		}
		d := f.describe()
		head := make([]byte, 0, 64+len(d.help))
		head = append(head, "# HELP "...)
		head = append(head, d.name...)
		head = append(head, ' ')
		head = appendEscaped(head, d.help, false)
		head = append(head, "\n# TYPE "...)
		head = append(head, d.name...)
		head = append(head, ' ')
		head = append(head, d.typ...)
		head = append(head, '\n')
		for _, b := range [][]byte{head, buf} {
			m, err := bw.Write(b)
			n += int64(m)
			if err != nil {
				return n, err
			}
		}
	}
	return n, bw.Flush()
}

// ServeHTTP answers a scrape. Only GET and HEAD are allowed.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var b bytes.Buffer
	r.WriteTo(&b) // a bytes.Buffer does not fail
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	if req.Method == http.MethodHead {
		return
	}
	w.Write(b.Bytes())
}
