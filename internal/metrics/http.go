package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// HTTP instruments an HTTP handler: requests by method, route and status,
// their latency by method and route, and requests in flight.
type HTTP struct {
	requests *CounterVec
	duration *HistogramVec
	inFlight *Gauge
}

// NewHTTP registers the HTTP metrics under prefix (e.g. "childcentre"):
// prefix_http_requests_total{method,route,code},
// prefix_http_request_duration_seconds{method,route} and
// prefix_http_requests_in_flight.
func NewHTTP(r *Registry, prefix string) *HTTP {
	return &HTTP{
		requests: r.NewCounterVec(prefix+"_http_requests_total", "HTTP requests answered, by method, route pattern and status code.", "method", "route", "code"),
		duration: r.NewHistogramVec(prefix+"_http_request_duration_seconds", "Time to answer HTTP requests, by method and route pattern.", DefBuckets, "method", "route"),
		inFlight: r.NewGauge(prefix+"_http_requests_in_flight", "HTTP requests being answered."),
	}
}

// Wrap returns next instrumented. The route label is the pattern the
// http.ServeMux matched (Request.Pattern, which the mux sets on the request
// it is given): wrap the mux itself, or a handler chain that passes the
// same *http.Request on, so that paths with identifiers ("/children/123")
// never become label values. Requests no pattern matched count as
// "unmatched".
func (m *HTTP) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			m.inFlight.Dec()
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			method := methodLabel(r.Method)
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.With(method, route, strconv.Itoa(code)).Inc()
			m.duration.With(method, route).ObserveSince(start)
		}()
		next.ServeHTTP(rec, r)
	})
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush passes on to the underlying writer when it can flush.
func (s *statusRecorder) Flush() {
	http.NewResponseController(s.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
