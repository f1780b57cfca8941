package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter)
		written bool
		status  int
	}{
		{"nothing", func(http.ResponseWriter) {}, false, http.StatusOK},
		{"body only", func(w http.ResponseWriter) { w.Write([]byte("x")) }, true, http.StatusOK},
		{"header", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }, true, http.StatusNotFound},
		{"first header wins", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTeapot)
			w.WriteHeader(http.StatusInternalServerError)
		}, true, http.StatusTeapot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w := NewStatusWriter(rec)
			tt.handler(w)
			if w.Written() != tt.written || w.Status() != tt.status {
				t.Fatalf("Written %v, Status %d; want %v, %d", w.Written(), w.Status(), tt.written, tt.status)
			}
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Fatalf("Flush through Unwrap: %v", err)
			}
		})
	}
}
