package web

import (
	"net/http"

	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// webMetrics are the web layer's metrics on the node's registry. New
// registers them, so a registry serves one Server:
//
//	childcentre_http_requests_total{method,route,code}
//	childcentre_http_request_duration_seconds{method,route}   (histogram)
//	childcentre_http_requests_in_flight
//	childcentre_signin_failures_total{reason}   password, code, rate_limited
//	childcentre_csrf_rejections_total
//
// Route labels are ServeMux patterns ("GET /admin/users/{id}"), never
// paths, so no identifier or personal data becomes a label value.
type webMetrics struct {
	http           *metrics.HTTP
	signinFailures *metrics.CounterVec
	csrf           *metrics.Counter
}

func newWebMetrics(reg *metrics.Registry) *webMetrics {
	return &webMetrics{
		http: metrics.NewHTTP(reg, "childcentre"),
		signinFailures: reg.NewCounterVec("childcentre_signin_failures_total",
			"Refused sign-in steps, by reason: password (unknown account or wrong password), code (second factor), rate_limited.", "reason"),
		csrf: reg.NewCounter("childcentre_csrf_rejections_total",
			"State-changing requests refused by the CSRF checks (token or cross-origin)."),
	}
}

func (m *webMetrics) signinFailed(reason string) { m.signinFailures.With(reason).Inc() }

func (m *webMetrics) csrfRejected() { m.csrf.Inc() }

// metrics serves the registry in the Prometheus text format. The route
// admits PermSystemMonitor and, without a session, a scraper on the same
// host (a loopback peer not behind the trusted proxy): see Route.Loopback.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	s.deps.Metrics.ServeHTTP(w, r)
}
