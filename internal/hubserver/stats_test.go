package hubserver_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/stats"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// TestRegionalStatistics: two countries' nodes upload the same child with
// its statistics codes over mutual TLS; the hub counts one child in the
// region and one in each country, publishes the closed year, and serves
// the public page and files.
func TestRegionalStatistics(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	a, b, ua, ub, _ := pairOf(t)
	for i, u := range []*exchange.Envelope{&ua, &ub} {
		m := &u.Upsert.Metadata
		m.Evidence = "presumed"
		m.Stats = &exchange.StatsCodes{Status: "missing", Exploitation: "none", AgeGroup: "Y15-17", AgeBasis: "assessed",
			Citizenship: "asia", Registered: []string{"2024-03-01", "2024-05-20"}[i]}
	}
	ca, cb := n.node(t, a[0], pki.IssueOptions{}), n.node(t, b[0], pki.IssueOptions{})
	if r := send(t, ca, ua); r.Status != exchange.StatusAccepted {
		t.Fatalf("upload: %+v", r)
	}
	if r := send(t, cb, ub); r.Status != exchange.StatusAccepted {
		t.Fatalf("upload: %+v", r)
	}
	waitHits(t, ca, 1)

	rs, err := stats.Collect(ctx, store.NewHubStatsSource(n.hub.DB))
	if err != nil || len(rs) != 2 {
		t.Fatalf("source: %d records, %v", len(rs), err)
	}
	loose := stats.Children(rs, stats.Loose, false, stats.ByYear)[stats.Region]["2024"]
	perCountry := stats.Children(rs, stats.Strict, true, stats.ByYear)
	if len(loose) != 1 || len(perCountry[stats.Scope(a[0])]["2024"]) != 1 || len(perCountry[stats.Scope(b[0])]["2024"]) != 1 {
		t.Errorf("children: %d in the region, %d in %s, %d in %s; want 1 each", len(loose),
			len(perCountry[stats.Scope(a[0])]["2024"]), a[0], len(perCountry[stats.Scope(b[0])]["2024"]), b[0])
	}
	flows := stats.ComputeFlows(rs, stats.ByYear)["2024"]
	if flows == nil || len(flows.Flows) != 1 || flows.Flows[0].From != a[0] || flows.Flows[0].Count.Low != 1 {
		t.Errorf("flows: %+v", flows)
	}

	// The hub published at start, before or after the uploads arrived;
	// either way 2024 is published now.
	if _, err := n.hub.Stats.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := n.hub.Stats.Current().Periods; len(got) != 1 || got[0] != "2024" {
		t.Fatalf("periods %v", got)
	}
	res, err := http.Get(n.webURL + "/statistics/regional.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || res.StatusCode != 200 || rows[0][6] != "count" || len(rows) < 50 {
		t.Fatalf("regional.csv: %d, %d rows, %v", res.StatusCode, len(rows), err)
	}
	for _, r := range rows[1:] {
		if r[6] != "0" && r[6] != "c" {
			t.Errorf("one child published as %q in %v", r[6], r[:6])
		}
	}
	for _, path := range []string{"/statistics/regional", "/statistics/methodology", "/statistics/regional.json"} {
		if res, err := http.Get(n.webURL + path); err != nil || res.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", path, res.StatusCode, err)
		} else {
			res.Body.Close()
		}
	}
}
