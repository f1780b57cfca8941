package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServeHTTP(t *testing.T) {
	r := NewRegistry()
	r.NewCounter("a_total", "A.").Inc()
	srv := httptest.NewServer(r)
	defer srv.Close()

	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != ContentType {
		t.Errorf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if string(body) != "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n" {
		t.Errorf("body %q", body)
	}

	res, err = http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}

	res, err = http.Head(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD: status %d, %d bytes of body", res.StatusCode, len(body))
	}
}

func TestHTTPMiddleware(t *testing.T) {
	r := NewRegistry()
	m := NewHTTP(r, "cc")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /children/{id}", func(w http.ResponseWriter, req *http.Request) {
		io.WriteString(w, "child")
	})
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.WriteHeader(http.StatusOK) // ignored by net/http; the first code counts
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, req *http.Request) {
		if _, ok := w.(http.Flusher); !ok {
			t.Error("the recorder hides http.Flusher")
		}
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
	})
	h := m.Wrap(mux)
	for _, c := range []struct{ method, path string }{
		{"GET", "/children/1"}, {"GET", "/children/2"}, {"GET", "/children/3"},
		{"POST", "/signin"}, {"GET", "/nowhere"}, {"BREW", "/children/4"}, {"GET", "/stream"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, c.path, nil))
	}
	out := expose(t, r)
	for _, line := range []string{
		`cc_http_requests_total{code="200",method="GET",route="GET /children/{id}"} 3`,
		`cc_http_requests_total{code="401",method="POST",route="POST /signin"} 1`,
		`cc_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`cc_http_requests_total{code="405",method="OTHER",route="unmatched"} 1`,
		`cc_http_requests_total{code="200",method="GET",route="GET /stream"} 1`,
		`cc_http_request_duration_seconds_count{method="GET",route="GET /children/{id}"} 3`,
		`cc_http_requests_in_flight 0`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
	if strings.Contains(out, "/children/1") {
		t.Error("a request path became a label value")
	}
}
