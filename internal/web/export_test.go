package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
)

// TestExport: a supervisor downloads the country's records as CSV and JSON,
// each download is audited as data.export, and a bad format is refused.
func TestExport(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	e.registerOne(ru.officerID, "Hanna", "Tesfay")

	tests := []struct {
		path, ctype, want string
		status            int
	}{
		{"/export?format=csv", "text/csv", "Hanna", http.StatusOK},
		{"/export?format=json", "application/json", "Tesfay", http.StatusOK},
		{"/export?format=xml", "text/html", "", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		res := e.do(h, req{method: "GET", path: tt.path, session: ru.supervisor})
		if res.Code != tt.status || !strings.HasPrefix(res.Header().Get("Content-Type"), tt.ctype) || !strings.Contains(res.Body.String(), tt.want) {
			t.Errorf("GET %s: %d %q", tt.path, res.Code, res.Header().Get("Content-Type"))
		}
		if tt.status == http.StatusOK && !strings.HasPrefix(res.Header().Get("Content-Disposition"), "attachment;") {
			t.Errorf("GET %s: not a download", tt.path)
		}
	}
	entries, _, err := e.db.ListAudit(context.Background(), audit.Filter{Action: audit.ActDataExport})
	if err != nil || len(entries) != 2 {
		t.Fatalf("data.export entries: %d, %v; want 2", len(entries), err)
	}
	if res := e.do(h, req{method: "GET", path: "/export?format=csv", session: ru.officer}); res.Code != http.StatusForbidden {
		t.Errorf("an officer's export: %d, want 403", res.Code)
	}
}
