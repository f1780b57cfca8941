package node

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// TestMetricsNames scrapes a running node's /metrics from loopback and
// checks that every metric name monitoring depends on is there, in the
// text format, after a few requests have been answered.
func TestMetricsNames(t *testing.T) {
	_, base := startNode(t, storetest.SQLiteURL(t))
	for _, path := range []string{"/healthz", "/readyz", "/signin", "/api/v1/children"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := string(body)
	for _, name := range []string{
		// The node's own, kept from the hand-written exposition.
		"childcentre_http_requests_total", "childcentre_http_request_duration_seconds",
		"childcentre_http_requests_in_flight", "childcentre_api_http_requests_total",
		"childcentre_api_http_request_duration_seconds", "childcentre_api_http_requests_in_flight",
		"childcentre_retention_purged_cases_total", "childcentre_retention_purged_children_total",
		"childcentre_retention_purge_failures_total", "childcentre_retention_last_success_timestamp_seconds",
		// Go runtime and process, from client_golang's collectors.
		"go_goroutines", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes", "go_gc_cycles_total",
		"go_gc_duration_seconds", "go_info", "go_threads",
		"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds",
	} {
		if !strings.Contains(out, "\n# TYPE "+name+" ") {
			t.Errorf("metric %s missing from /metrics", name)
		}
	}
	if !strings.Contains(out, `childcentre_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`) {
		t.Errorf("the /healthz request was not counted:\n%s", out)
	}
}
