package demo

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// seededWithin bounds the wait for the background seeding, from the
// moment the demo is ready; it settles in seconds on an idle machine.
const seededWithin = 3 * time.Minute

var (
	followupRow  = regexp.MustCompile(`<tr class="followup( overdue)?" data-state="(\w+)">\s*<td><a href="(/followup/\d+)">`)
	disclosedRow = regexp.MustCompile(`<tr data-field="(\w+)">`)
)

// checkFollowUps checks what a newcomer sees of the seeded follow-up on
// the first node: its officer's list shows a request in every state, one
// of them overdue; the granted one holds the disclosed details; the
// dashboard lists the requests and the alert among the officer's acts;
// and the alert has produced a possible sighting on both nodes concerned.
func checkFollowUps(t *testing.T, r *running) {
	home := r.Nodes[0]
	c := webtest.New(home.URL)
	officer := home.Accounts[0]
	if _, err := c.SignIn(officer.Username, officer.Password, officer.TOTPSecret, time.Now()); err != nil {
		t.Fatal(err)
	}
	want := []string{followup.StateApproval, followup.StateSent, followup.StatePending, followup.StateGranted, followup.StateRefused}
	var states []string
	var overdue bool
	links := map[string]string{}
	deadline := time.Now().Add(seededWithin)
	for {
		p, err := c.Get("/followup")
		if err != nil || p.Status != http.StatusOK {
			t.Fatalf("GET /followup: %v, status %d", err, p.Status)
		}
		states, overdue = nil, false
		for _, m := range followupRow.FindAllStringSubmatch(p.Body, -1) {
			states = append(states, m[2])
			links[m[2]] = m[3]
			overdue = overdue || m[1] != ""
		}
		missing := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return slices.Contains(states, s) })
		if len(missing) == 0 && overdue {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s's /followup after %v: states %v (missing %v), overdue %v", home.Country, seededWithin, states, missing, overdue)
		}
		time.Sleep(time.Second)
	}
	t.Logf("follow-up seeded on node %s %v after start: %v", home.Country, time.Since(r.started).Round(100*time.Millisecond), states)

	// The granted request's thread shows the details disclosed, and only
	// those the other side chose.
	p, err := c.Get(links[followup.StateGranted])
	if err != nil || p.Status != http.StatusOK {
		t.Fatalf("GET %s: %v", links[followup.StateGranted], err)
	}
	var fields []string
	for _, m := range disclosedRow.FindAllStringSubmatch(p.Body, -1) {
		fields = append(fields, m[1])
	}
	slices.Sort(fields)
	if !slices.Equal(fields, []string{"birth_date", "given_names"}) {
		t.Errorf("the granted thread discloses %v, want birth_date and given_names", fields)
	}

	// A possible sighting on the alerting node, and on the node where the
	// child is registered too, told to contact the alerting NCP.
	ctx := context.Background()
	sightings := func(i int) []*followup.Sighting {
		t.Helper()
		n := r.region.nodes[i]
		a, _, err := demoActors(ctx, n.Auth, auth.Country(n.Config.Country))
		if err != nil {
			t.Fatal(err)
		}
		gs, err := n.Exchange.FollowUp.Sightings(ctx, a, 50)
		if err != nil {
			t.Fatal(err)
		}
		return gs
	}
	// The alert is raised after the requests, and its sighting comes
	// back through the hub: wait for it.
	isAlerting := func(g *followup.Sighting) bool { return g.Alerting }
	for !slices.ContainsFunc(sightings(0), isAlerting) {
		if time.Now().After(deadline) {
			t.Fatalf("no possible sighting on the alerting node %s after %v", home.Country, seededWithin)
		}
		time.Sleep(time.Second)
	}
	t.Logf("possible sighting on node %s %v after start", home.Country, time.Since(r.started).Round(100*time.Millisecond))
	alerting := slices.IndexFunc(sightings(0), isAlerting)

	// The dashboard: the officer's recent acts name the alert and the requests.
	p, err = c.Get("/")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Missing-child alert raised", "Follow-up request sent"} {
		if !strings.Contains(p.Body, s) {
			t.Errorf("the dashboard of node %s does not list %q", home.Country, s)
		}
	}
	g := sightings(0)[alerting]
	other := slices.IndexFunc(r.Nodes, func(n NodeEntry) bool { return n.Country == g.OtherCountry })
	if other < 0 {
		t.Fatalf("the sighting names %q, not a node of the demo", g.OtherCountry)
	}
	// That node reads its notice from the hub on its own schedule.
	for !slices.ContainsFunc(sightings(other), func(s *followup.Sighting) bool {
		return !s.Alerting && s.AlertKey == g.AlertKey && s.OtherCountry == home.Country
	}) {
		if time.Now().After(deadline) {
			t.Fatalf("the sighting in %s is not on that node", g.OtherCountry)
		}
		time.Sleep(time.Second)
	}

	// The figures an operator watches agree.
	for _, m := range []struct{ url, metric string }{
		{home.MetricsURL, "childcentre_followup_overdue"},
		{r.Hub.MetricsURL, "childcentre_hub_alerts_active"},
		{r.Hub.MetricsURL, "childcentre_hub_sightings_total"},
	} {
		if v := metric(t, m.url, m.metric); v < 1 {
			t.Errorf("%s = %v, want at least 1", m.metric, v)
		}
	}
}

// metric reads one unlabelled value from a /metrics page.
func metric(t *testing.T, url, name string) float64 {
	t.Helper()
	p, err := webtest.New(url).Get("")
	if err != nil || p.Status != http.StatusOK {
		t.Fatalf("GET %s: %v, status %d", url, err, p.Status)
	}
	for _, line := range strings.Split(p.Body, "\n") {
		var v float64
		if f := strings.Fields(line); len(f) == 2 && f[0] == name {
			if _, err := fmt.Sscan(f[1], &v); err == nil {
				return v
			}
		}
	}
	t.Fatalf("%s: no %s", url, name)
	return 0
}

// TestDemoKeptDirSeedsOnce starts a region of two nodes twice on the same
// data folder: the second start seeds no follow-up request or alert again,
// and serves the regional figures published by the first unchanged.
func TestDemoKeptDirSeedsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub and two nodes twice")
	}
	dir := t.TempDir()
	ctx := context.Background()
	type seen struct {
		requests, sightings int
		csv                 string
	}
	look := func(r *running) seen {
		t.Helper()
		done := make(chan struct{})
		go func() { r.region.bg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(seededWithin):
			t.Fatalf("the background seeding did not end within %v", seededWithin)
		}
		home := r.region.nodes[0]
		a, _, err := demoActors(ctx, home.Auth, auth.Country(home.Config.Country))
		if err != nil {
			t.Fatal(err)
		}
		list, err := home.Exchange.FollowUp.List(ctx, a, 200)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := home.Exchange.FollowUp.Sightings(ctx, a, 200)
		if err != nil {
			t.Fatal(err)
		}
		p, err := webtest.New(r.Hub.URL).Get("/statistics/regional.csv")
		if err != nil || p.Status != http.StatusOK {
			t.Fatalf("regional.csv: %v", err)
		}
		return seen{len(list), len(gs), p.Body}
	}
	r := startDemoIn(t, dir, "SE", "FI")
	first := look(r)
	r.stop(t)
	if first.requests != len(scenarios) || first.sightings == 0 || strings.Count(first.csv, "\n") < 2 {
		t.Fatalf("first start: %d requests (want %d), %d sightings, %d lines of figures",
			first.requests, len(scenarios), first.sightings, strings.Count(first.csv, "\n"))
	}
	r = startDemoIn(t, dir, "SE", "FI")
	defer r.cancel()
	second := look(r)
	r.stop(t)
	if second.requests != first.requests || second.sightings != first.sightings || second.csv != first.csv {
		t.Errorf("second start: %d requests, %d sightings, figures changed %v; first %d, %d",
			second.requests, second.sightings, second.csv != first.csv, first.requests, first.sightings)
	}
}
