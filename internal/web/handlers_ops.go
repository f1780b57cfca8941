package web

import (
	"context"
	"net/http"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// healthz answers whether the process serves requests at all; it touches
// no dependency, so that a slow database does not get the process killed.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers whether the node can serve users: Ready (the database)
// must answer within two seconds. The reason stays in the log.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.deps.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.deps.Ready(ctx); err != nil {
			s.log.Warn("not ready", "code", string(errs.CodeOf(err)), "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}
