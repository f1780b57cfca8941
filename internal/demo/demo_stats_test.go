package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/synth"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// checkStatistics fetches the demo hub's regional figures as a reader
// would and attacks them: the figures are believable (published and
// suppressed cells, no published count in 1..k−1, CSV and JSON agree),
// the totals attack recovers no child, and neither does the differencing
// attack against the hub's next publication, made after late
// registrations of a closed year have reached it — while the same attack
// against figures recomputed without freezing does recover figures, so
// that it is known to bite on the demo's data.
func checkStatistics(t *testing.T, r *running) {
	hub := webtest.New(r.Hub.URL)
	var before []byte
	deadline := time.Now().Add(seededWithin)
	for {
		p, err := hub.Get("/statistics/regional.csv")
		if err != nil {
			t.Fatal(err)
		}
		if p.Status == http.StatusOK && bytes.Count([]byte(p.Body), []byte("\n")) > 1 {
			before = []byte(p.Body)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no regional figures after %v (status %d)", r.Hub.StatisticsCSVURL, seededWithin, p.Status)
		}
		time.Sleep(time.Second)
	}
	p, err := hub.Get("/statistics/regional.json")
	if err != nil || p.Status != http.StatusOK {
		t.Fatalf("regional.json: %v, status %d", err, p.Status)
	}
	var js struct {
		K       int              `json:"k"`
		Periods []string         `json:"periods"`
		Rows    []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(p.Body), &js); err != nil || js.K < stats.DefaultK {
		t.Fatalf("regional.json: %v, k %d", err, js.K)
	}
	k := js.K
	published, suppressed := cellsOf(t, before, k)
	t.Logf("regional.csv: %d periods, %d published figures above 0, %d suppressed (k = %d)", len(js.Periods), published, suppressed, k)
	if published < 20 || suppressed == 0 {
		t.Errorf("regional.csv: %d published figures above 0 and %d suppressed; want a believable set with both", published, suppressed)
	}
	var jsPublished, jsSuppressed int
	for _, row := range js.Rows {
		switch v := row["count"].(type) {
		case string:
			if v != "c" {
				t.Errorf("regional.json: count %q", v)
			}
			jsSuppressed++
		case float64:
			if v >= 1 && v < float64(k) {
				t.Errorf("regional.json: published count %v in 1..k−1: %v", v, row)
			}
			if v > 0 {
				jsPublished++
			}
		}
	}
	if jsPublished != published || jsSuppressed != suppressed {
		t.Errorf("regional.json has %d published and %d suppressed counts, the CSV %d and %d", jsPublished, jsSuppressed, published, suppressed)
	}
	for _, col := range []string{"count", "count_low", "count_high"} {
		found, err := stats.TotalsAttack(before, col, k)
		if err != nil || len(found) > 0 {
			t.Errorf("totals attack on %s: %v; recovered %d: %v", col, err, len(found), found)
		}
	}

	// Late registrations of the closed years reach the hub; a year later
	// the hub publishes again.
	ctx := context.Background()
	last, err := strconv.Atoi(js.Periods[len(js.Periods)-1])
	if err != nil {
		t.Fatalf("periods %v", js.Periods)
	}
	lateRegistrations(t, ctx, r.region, time.Date(last+1, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := r.region.settle(ctx); err != nil {
		t.Fatal(err)
	}
	h := r.region.hub
	later := func() time.Time { return time.Now().AddDate(1, 0, 0) }
	next := &stats.Publisher{Source: store.NewHubStatsSource(h.DB), Archive: store.NewStatsArchive(h.DB), Options: h.Stats.Options, Clock: later}
	if did, err := next.Refresh(ctx); err != nil || !did || len(next.Current().Periods) <= len(js.Periods) {
		t.Fatalf("the next publication: %v, recomputed %v", err, did)
	}
	after := next.Current().CSV
	for _, col := range []string{"count", "count_low", "count_high"} {
		found, err := stats.DifferencingAttack(before, after, col, k)
		if err != nil || len(found) > 0 {
			t.Errorf("differencing attack on %s: %v; recovered %d: %v", col, err, len(found), found)
		}
	}
	// The attack bites on figures recomputed instead of frozen.
	rs, err := stats.Collect(ctx, store.NewHubStatsSource(h.DB))
	if err != nil {
		t.Fatal(err)
	}
	o := h.Stats.Options
	o.Now = later()
	unfrozen, err := stats.Publish(nil, rs, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := unfrozen.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if found, err := stats.DifferencingAttack(before, b.Bytes(), "count", k); err != nil || len(found) == 0 {
		t.Errorf("the differencing attack recovers nothing from unfrozen figures either (%v): it tests nothing here", err)
	}
}

// cellsOf counts the published figures above 0 and the suppressed ones of
// the count column of a regional.csv, failing on a published figure in
// 1..k−1.
func cellsOf(t *testing.T, data []byte, k int) (published, suppressed int) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("regional.csv: %v, %d rows", err, len(rows))
	}
	ci := slices.Index(rows[0], "count")
	if ci < 0 {
		t.Fatalf("regional.csv: no count column in %v", rows[0])
	}
	for _, row := range rows[1:] {
		if row[ci] == "c" {
			suppressed++
			continue
		}
		v, err := strconv.Atoi(row[ci])
		switch {
		case err != nil:
			t.Errorf("regional.csv: count %q", row[ci])
		case v >= 1 && v < k:
			t.Errorf("regional.csv: published count %d in 1..k−1: %v", v, row)
		case v > 0:
			published++
		}
	}
	return published, suppressed
}

// lateRegistrations registers, on the second node, synthetic children
// first registered in the three years before until: registrations of
// closed years that arrive after their figures were published.
func lateRegistrations(t *testing.T, ctx context.Context, rg *region, until time.Time) {
	t.Helper()
	n := rg.nodes[1]
	country := auth.Country(n.Config.Country)
	recs, err := synth.Generate(synth.Options{Children: 40, Countries: []string{string(country)}, Seed: 7, Now: until})
	if err != nil {
		t.Fatal(err)
	}
	var regs []cases.Registration
	for i, k := range groupByChild(recs) {
		reg := demoRegistration(k, i, country)
		reg.Child.NationalRef = fmt.Sprintf("%s-LATE-%04d", country, i+1)
		regs = append(regs, reg)
	}
	officer, _, err := demoActors(ctx, n.Auth, country)
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Cases.Import(ctx, officer, regs, false)
	if err != nil || res.Created != len(regs) {
		t.Fatalf("late registrations: %v, %+v", err, res)
	}
}
