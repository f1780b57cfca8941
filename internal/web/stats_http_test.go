package web

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/stats"
)

// TestNationalFigures: an officer sees the country's children counted by
// two chosen dimensions, as a chart and a table, and downloads the table;
// no name reaches either.
func TestNationalFigures(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	ru := newRegistryUsers(e)
	e.registerOne(ru.officerID, "Hanna", "Tesfay")
	e.registerOne(ru.officerID, "Zahra", "Ahmadi")

	res := e.do(h, req{method: "GET", path: "/statistics", session: ru.officer})
	body := res.Body.String()
	if res.Code != http.StatusOK {
		t.Fatalf("GET /statistics: %d", res.Code)
	}
	for _, want := range []string{"National figures", `<svg`, `<title id="national-chart-title">Children by status, All years</title>`,
		"Children by status and sex, All years", "Unaccompanied or separated", `href="/statistics/national.csv?row=status&amp;col=sex&amp;year="`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "Hanna") || strings.Contains(body, "Ahmadi") {
		t.Error("a name on the statistics page")
	}

	res = e.do(h, req{method: "GET", path: "/statistics/national.csv?row=citizenship&col=age_group", session: ru.supervisor})
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header().Get("Content-Disposition"), `filename="national-SE-citizenship-age_group.csv"`) {
		t.Fatalf("CSV: %d %q %q", res.Code, res.Header().Get("Content-Type"), res.Header().Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body.String())).ReadAll()
	if err != nil || strings.Join(rows[0], ",") != strings.Join(stats.Columns, ",") {
		t.Fatalf("CSV header: %v, %v", rows[0], err)
	}
	found := false
	for _, r := range rows[1:] {
		// Born 2012-04, registered in 2025: 12 or 13, counted 12–14; Afghan.
		if r[3] == "asia" && r[5] == "Y12-14" {
			found = r[6] == "2"
		}
	}
	if !found {
		t.Errorf("CSV: no row of 2 Asian children aged 12–14:\n%s", res.Body.String())
	}

	for _, tt := range []struct{ query, want string }{
		{"?row=sex&col=sex", "Choose two different dimensions"},
		{"?row=name&col=sex", "Choose one of the dimensions listed"},
		{"?year=1999", "Choose one of the years listed"},
	} {
		if body := e.do(h, req{method: "GET", path: "/statistics" + tt.query, session: ru.officer}).Body.String(); !strings.Contains(body, tt.want) {
			t.Errorf("%s: no %q", tt.query, tt.want)
		}
	}
}
