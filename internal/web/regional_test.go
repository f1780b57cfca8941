package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/stats"
)

// publication returns a published set of regional figures of n
// synthetic children, a fifth of them registered in a second country.
func publication(t testing.TB, n int) *stats.Published {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	countries := []string{"SE", "DE", "PL", "FI", "LT", "NO"}
	one := func(vals []string) string {
		i := int(float64(len(vals)) * rng.Float64() * rng.Float64())
		return vals[i]
	}
	var rs stats.Records
	for i := range n {
		c := stats.Coded{Status: one(stats.Values(stats.DimStatus)), Exploitation: one(stats.Values(stats.DimExploitation)),
			Sex: one(stats.Values(stats.DimSex)), AgeGroup: one(stats.Values(stats.DimAgeGroup)),
			AgeBasis: one(stats.Values(stats.DimAgeBasis)), Citizenship: one(stats.Values(stats.DimCitizenship)),
			Evidence: one(stats.Values(stats.DimEvidence))}
		at := time.Date(2023+rng.IntN(3), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		first := rng.IntN(len(countries))
		child := fmt.Sprintf("c%d", i)
		rs = append(rs, stats.Record{Country: countries[first], Ref: child + "a", Child: child, Registered: at, Coded: c})
		if i%5 == 0 {
			rs = append(rs, stats.Record{Country: countries[(first+1+rng.IntN(2))%len(countries)], Ref: child + "b", Child: child,
				Registered: at.AddDate(0, 0, 10+rng.IntN(60)), Coded: c})
		}
	}
	p := &stats.Publisher{Source: rs, Archive: &onePublication{}, Clock: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }}
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p.Current()
}

type onePublication struct{ p *stats.Publication }

func (o *onePublication) LastPublication(context.Context) (*stats.Publication, error) {
	return o.p, nil
}
func (o *onePublication) SavePublication(_ context.Context, p *stats.Publication) error {
	o.p = p
	return nil
}

type fixedFigures struct{ p *stats.Published }

func (f fixedFigures) Current() *stats.Published { return f.p }

// hubServer is the web server of a hub publishing pub.
func hubServer(t testing.TB, pub *stats.Published) *Server {
	t.Helper()
	e := newTestEnv(t)
	s, err := New(Config{DefaultLanguage: "en", Now: e.clock.Now}, Deps{Auth: e.auth, Audit: e.db, Keys: e.keys, Regional: fixedFigures{pub}, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// smallFigures finds published figures between 1 and k−1 in a page: in
// the tables' cells and in the charts' texts.
var (
	numCell   = regexp.MustCompile(`<td class="num">([^<]*)</td>`)
	svgText   = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	svgTitle  = regexp.MustCompile(`<rect[^>]*><title>[^<]*: ([^<]*)</title>`)
	flowTitle = regexp.MustCompile(`<path[^>]*><title>[^<]*: ([^<]*)</title>`)
)

func smallFigures(body string, k int) []string {
	var out []string
	for _, re := range []*regexp.Regexp{numCell, svgText, svgTitle, flowTitle} {
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			for _, part := range strings.Split(m[1], "–") { // a range: both ends
				if v, err := strconv.Atoi(strings.TrimSpace(part)); err == nil && v >= 1 && v < k {
					out = append(out, m[0])
				}
			}
		}
	}
	return out
}

// TestRegionalPage: the public page shows charts (SVG with titles) each
// with its table, the files download with a count column, and no figure
// between 1 and k−1 appears in the page's tables, its charts, the CSV or
// the JSON.
func TestRegionalPage(t *testing.T) {
	pub := publication(t, 4000)
	s := hubServer(t, pub)
	h := s.Handler()
	get := func(path string) *http.Response {
		t.Helper()
		res := doGet(h, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, readAll(t, res))
		}
		return res
	}
	for _, path := range []string{"/statistics/regional", "/statistics/regional?year=2023&category=missing", "/statistics/regional?year=2024&category=presumed_victim"} {
		body := readAll(t, get(path))
		for _, want := range []string{`<svg`, `<title id="by-year-title">`, `<title id="by-category-title">`, `<title id="flows-title">`,
			`id="by-year-table"`, `id="by-category-table"`, `id="flows-table"`, "Children per country by status"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
		if !strings.Contains(body, `<abbr title="confidential">c</abbr>`) {
			t.Errorf("%s: no suppressed figure; the test data should have some", path)
		}
		if n := len(numCell.FindAllString(body, -1)); n < 50 {
			t.Errorf("%s: only %d figures in tables: the check would see nothing", path, n)
		}
		if small := smallFigures(body, pub.K); len(small) > 0 {
			t.Errorf("%s publishes %d figures below k, e.g. %s", path, len(small), small[0])
		}
	}
	if body := readAll(t, get("/statistics/regional?category=missing")); !strings.Contains(body, "Children by year: Missing") {
		t.Error("the category filter does not reach the chart")
	}

	rows, err := csv.NewReader(strings.NewReader(readAll(t, get("/statistics/regional.csv")))).ReadAll()
	if err != nil || len(rows) < 100 || rows[0][6] != "count" {
		t.Fatalf("CSV: %d rows, header %v, %v", len(rows), rows[0], err)
	}
	suppressed := 0
	for _, r := range rows[1:] {
		for _, v := range r[6:9] { // count, count_low, count_high
			if n, err := strconv.Atoi(v); err == nil && n >= 1 && n < pub.K {
				t.Errorf("CSV row %v: %s", r, v)
			}
			if v == "c" {
				suppressed++
			}
		}
	}
	if suppressed == 0 {
		t.Error("CSV: nothing suppressed")
	}
	var j struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(readAll(t, get("/statistics/regional.json"))), &j); err != nil || len(j.Rows) != len(rows)-1 {
		t.Fatalf("JSON: %d rows, %v", len(j.Rows), err)
	}
	for _, r := range j.Rows {
		if v, ok := r["count"].(float64); ok && v >= 1 && v < float64(pub.K) {
			t.Errorf("JSON row %v", r)
		}
	}
	if body := readAll(t, get("/statistics/methodology")); !strings.Contains(body, "between 1 and 10") {
		t.Error("the methodology page does not state the threshold")
	}
	if res := doGet(h, "/statistics/regional?year=1999&category=x"); res.StatusCode != http.StatusOK ||
		!strings.Contains(readAll(t, res), "Choose one of the categories listed") {
		t.Error("a wrong filter is not reported")
	}
	// Before any year has closed, the page says so.
	empty := hubServer(t, &stats.Published{Publication: &stats.Publication{K: 11}})
	if body := readAll(t, doGet(empty.Handler(), "/statistics/regional?year=2025")); !strings.Contains(body, "No year has closed yet") {
		t.Error("an empty publication: no explanation")
	}
	// A node publishes no regional figures.
	e := newTestEnv(t)
	if res := doGet(e.srv.Handler(), "/statistics/regional.csv"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a node's regional.csv: %d, want 404", res.StatusCode)
	}
}

func doGet(h http.Handler, path string) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Result()
}

func readAll(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkRegionalPage renders the public statistics page from the
// cached publication (of 200,000 children), as a visitor gets it.
//
//	go test -run '^$' -bench RegionalPage ./internal/web/
func BenchmarkRegionalPage(b *testing.B) {
	h := hubServer(b, publication(b, 200_000)).Handler()
	b.ResetTimer()
	for b.Loop() {
		if res := doGet(h, "/statistics/regional?category=missing"); res.StatusCode != http.StatusOK {
			b.Fatal(res.StatusCode)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
}
