package web

import (
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegionalStatistics: in Chromium, the hub's public statistics
// page shows its charts as SVG with titles, each with a table; the year
// and category filters change what they show; and the page works without
// signing in.
func TestBrowserRegionalStatistics(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	hub := hubServer(t, publication(t, 4000)) // before the tab's deadline starts
	tb := newTab(t)                           // starts the browser (or skips) and a node we do not use
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: hub.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	tb.base = "http://" + ln.Addr().String()

	if status := tb.open("/statistics/regional"); status != http.StatusOK {
		t.Fatalf("GET /statistics/regional: %d", status)
	}
	titles, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("figure.chart > svg > title")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.data").length`))
	if err != nil {
		t.Fatal(err)
	}
	if len(titles) != 3 || !strings.HasPrefix(titles[0], "Children by year") || !strings.HasPrefix(titles[2], "Movements between countries, 2025") || tables < 7 {
		t.Fatalf("charts %q, %d tables", titles, tables)
	}
	// Filter: 2023, missing children.
	if err := chromedp.Do(tb.ctx,
		chromedp.SetValue(chromedp.ID("year"), "2023"),
		chromedp.SetValue(chromedp.ID("category"), "missing"),
	); err != nil {
		t.Fatal(err)
	}
	if status := tb.submit(`form.filters button[type=submit]`); status != http.StatusOK {
		t.Fatalf("filter: %d", status)
	}
	rows, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#tables-h ~ table:first-of-type tbody tr")].map(r => r.cells[0].textContent).join("|")`))
	if err != nil {
		t.Fatal(err)
	}
	heads, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("section > h2")].map(h => h.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if byYear, byCat := heads[0], heads[1]; byYear != "Children by year: Missing" || byCat != "Children by category, 2023" || rows != "Missing" {
		t.Errorf("after filtering: %q, %q, breakdown rows %q", byYear, byCat, rows)
	}
	if path := os.Getenv("CHILDCENTRE_STATS_SCREENSHOT"); path != "" { // to look at the page
		if png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(90)); err == nil {
			_ = os.WriteFile(path, png, 0o644)
		}
	}
}
