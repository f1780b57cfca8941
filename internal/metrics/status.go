package metrics

import "net/http"

// StatusWriter remembers the status code a handler wrote, for the request
// metrics and the log line of the web interface and the API. Unwrap lets
// http.ResponseController reach Flush (the export streams) and the
// connection.
type StatusWriter struct {
	http.ResponseWriter
	code int
}

// NewStatusWriter wraps w.
func NewStatusWriter(w http.ResponseWriter) *StatusWriter { return &StatusWriter{ResponseWriter: w} }

// WriteHeader implements http.ResponseWriter.
func (w *StatusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Written reports whether the handler has begun the response: after that
// an error can no longer be answered with a page of its own.
func (w *StatusWriter) Written() bool { return w.code != 0 }

// Status is the status written, or 200 when the handler wrote nothing
// (what net/http then sends).
func (w *StatusWriter) Status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}
