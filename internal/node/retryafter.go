package node

import (
	"net/http"
	"strconv"
)

// RetryAfter is the Retry-After of a 503 answer: the database (or a
// limit) refused the request for now, and a client (a national system, a
// proxy, a browser's reload) should come back after this many seconds.
const RetryAfter = 5

// retryAfter adds Retry-After to every 503 the web interface or the API
// answers without one, so that both say when to come back in one place.
func retryAfter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&retryWriter{ResponseWriter: w}, r)
	})
}

type retryWriter struct{ http.ResponseWriter }

func (w *retryWriter) WriteHeader(code int) {
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach Flush (the export streams).
func (w *retryWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes on to the underlying writer, for handlers that assert
// http.Flusher.
func (w *retryWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }
