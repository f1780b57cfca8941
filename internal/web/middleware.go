package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/cbss-egcc/childcentre/internal/metrics"
)

// contentSecurityPolicy allows nothing inline: scripts (there are none)
// and styles come only from this origin, forms post only here, and no
// other site may frame the pages. object-src 'none' repeats what
// default-src 'none' implies because ASVS 5.0 3.4.3 asks for it by name.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// permissionsPolicy switches off browser features the interface never uses.
const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=(), interest-cohort=()"

// securityHeaders sets the headers every response carries. Cache-Control
// defaults to no-store: pages show personal data and CSRF tokens; only
// content-hashed static files override it.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("Cache-Control", "no-store")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer is the last line: a panic outside a route's own recovery (in
// the mux itself) still gets a plain 500 and a log line.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// observe is the outermost per-route middleware: it creates the request
// state (client address pseudonym), recovers a handler's panic with the
// 500 page, and logs the request by route pattern and status.
// The log line has no path, query string or address: the pattern names the
// page, the pseudonym the client, "user:N" the account.
func (s *Server) observe(rt *Route, next http.Handler) http.Handler {
	label := rt.Method + " " + rt.Pattern
	if rt.Method == "" {
		label = "unmatched"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ip, viaProxy := s.clientAddr(r)
		st := &reqState{
			route:    rt,
			addr:     s.pseudonym(ip),
			loopback: directLoopback(r, ip, viaProxy),
		}
		st.lang = s.cfg.DefaultLanguage
		st.tr = s.cat.Translator(st.lang)
		r = withState(r, st)
		sw := metrics.NewStatusWriter(w)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "route", label, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !sw.Written() {
					s.renderStatus(sw, r, http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("route", label),
				slog.Int("status", sw.Status()),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000),
				slog.String("addr", st.addr),
			}
			if st.principal != nil {
				attrs = append(attrs, slog.String("actor", "user:"+strconv.FormatInt(st.principal.User.ID, 10)))
			}
			level := slog.LevelInfo
			if sw.Status() >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "http request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}
