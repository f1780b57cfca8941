package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// stockholmTime is a time on a page of a node in Europe/Stockholm.
var stockholmTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T<`)

type running struct {
	Ready
	region  *region // the servers' services, for checks behind the pages
	started time.Time
	cancel  context.CancelFunc
	done    chan error
	out     *strings.Builder
}

// readyWithin bounds the demo's start: a guard against a hang, not a
// measure of speed (under the race detector on a loaded machine five
// servers take minutes to hash their accounts' passwords).
const readyWithin = 4 * time.Minute

func startDemo(t *testing.T, countries ...string) *running {
	t.Helper()
	return startDemoIn(t, t.TempDir(), countries...)
}

// startDemoIn starts the demo with its data in dir.
func startDemoIn(t *testing.T, dir string, countries ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	readyc := make(chan *region, 1)
	r := &running{started: time.Now(), cancel: cancel, done: make(chan error, 1), out: &strings.Builder{}}
	go func() {
		r.done <- run(ctx, Options{Listen: "127.0.0.1:0", Dir: dir, Countries: countries}, r.out, func(rg *region) { readyc <- rg })
	}()
	select {
	case r.region = <-readyc:
		r.Ready = r.region.ready()
		t.Logf("demo ready in %v", time.Since(r.started).Round(time.Millisecond))
		return r
	case err := <-r.done:
		cancel()
		t.Fatalf("demo stopped before it was ready: %v", err)
	case <-time.After(readyWithin):
		cancel()
		t.Fatalf("demo not ready after %v", readyWithin)
	}
	return nil
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("demo did not stop cleanly: %v", err)
	}
}

func TestDemoRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub and four nodes")
	}
	r := startDemo(t)
	defer r.cancel()
	out := r.out.String()
	if !strings.Contains(out, "totp SECRET") || strings.Index(out, r.Hub.URL) > strings.Index(out, r.Nodes[0].URL) ||
		strings.Index(out, r.Hub.SiteURL) > strings.Index(out, "  hub") {
		t.Errorf("printed details lack the TOTP hint or do not show the site, then the hub, first:\n%s", out)
	}

	// demo.json: exactly the contract's keys.
	raw, err := os.ReadFile(filepath.Join(r.Dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	keysOf := func(b []byte) []string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if got := keysOf(raw); !slices.Equal(got, []string{"hub", "nodes"}) {
		t.Errorf("demo.json keys %v", got)
	}
	if got := keysOf(f["hub"]); !slices.Equal(got, []string{"env", "exchange_url", "metrics_url", "site_url", "statistics_csv_url", "url"}) {
		t.Errorf("demo.json hub keys %v", got)
	}
	var nodes []json.RawMessage
	json.Unmarshal(f["nodes"], &nodes)
	var countries []string
	for _, n := range nodes {
		if got := keysOf(n); !slices.Equal(got, []string{"accounts", "country", "env", "metrics_url", "url"}) {
			t.Errorf("demo.json node keys %v", got)
		}
	}
	for i, n := range r.Nodes {
		countries = append(countries, n.Country)
		if len(n.Accounts) != len(nodeRoles(i == 0)) || n.Accounts[0].Role != auth.RoleOfficer || n.Env["CHILDCENTRE_DATABASE_URL"] == "" || n.Env["CHILDCENTRE_KEY_FILE"] == "" {
			t.Errorf("node %s: %d accounts, env %v", n.Country, len(n.Accounts), n.Env)
		}
	}
	if !slices.Equal(countries, DefaultCountries) || !strings.HasPrefix(r.Hub.ExchangeURL, "https://") {
		t.Fatalf("nodes %v, exchange %s", countries, r.Hub.ExchangeURL)
	}
	for _, u := range []string{r.Hub.URL + "readyz", r.Nodes[0].URL + "readyz"} {
		if p, err := webtest.New(u).Get(""); err != nil || p.Status != http.StatusOK {
			t.Fatalf("%s: %v", u, err)
		}
	}
	// The exchange refuses a client without a certificate of the network.
	if resp, err := http.Get(r.Hub.ExchangeURL + "/exchange/v1/inbox"); err == nil {
		resp.Body.Close()
		t.Fatal("the exchange answered a client without a certificate")
	}

	// Sign in on the second node: its queue of possible matches abroad
	// fills as the region syncs.
	fi := r.Nodes[1]
	c := webtest.New(fi.URL)
	officer := fi.Accounts[0]
	p, err := c.SignIn(officer.Username, officer.Password, officer.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Body, "Demo Officer") {
		t.Fatal("signed in, but the page does not show the user's name")
	}
	for _, path := range []string{"/children", "/children/new", "/api/v1/openapi.yaml"} {
		if p, err := c.Get(path); err != nil || p.Status != http.StatusOK || p.Path != path {
			t.Errorf("GET %s: %v, status %d at %s", path, err, p.Status, p.Path)
		}
	}
	if p, err := c.Get("/cases/1"); err != nil || p.Status != http.StatusOK || !stockholmTime.MatchString(p.Body) {
		t.Errorf("GET /cases/1: %v, status %d; want times in Europe/Stockholm", err, p.Status)
	}
	deadline := time.Now().Add(seededWithin)
	for {
		p, err := c.Get("/hits")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Body, `class="hit"`) {
			// A figure for the record, not an assertion (timings vary with the machine).
			t.Logf("first hit on node %s %v after start", fi.Country, time.Since(r.started).Round(100*time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no possible match abroad on node %s after 90 s", fi.Country)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The demo's network runs the field-level model: a possible match
	// abroad shows how the two records agree, field by field.
	for {
		p, err := c.Get("/hits")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Body, `<details class="explain">`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no possible match abroad with its explanation on node %s after 90 s", fi.Country)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// What the demo seeds in the background once the region has settled.
	t.Run("FollowUpsAndAlert", func(t *testing.T) { checkFollowUps(t, r) })
	t.Run("RegionalStatistics", func(t *testing.T) { checkStatistics(t, r) })
	r.stop(t)
}

// TestDemoShutdownFinishesRequestsInFlight starts a request, stops the
// demo while the request's body is still arriving, and expects the
// response all the same.
func TestDemoShutdownFinishesRequestsInFlight(t *testing.T) {
	r := startDemo(t, "SE")
	defer r.cancel()
	host := strings.TrimSuffix(strings.TrimPrefix(r.Nodes[0].URL, "http://"), "/")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "username=officer&password=wrong-password"
	fmt.Fprintf(conn, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	r.cancel()
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to the request in flight: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode == 0 {
		t.Fatal("empty response")
	}
	if err := <-r.done; err != nil {
		t.Fatalf("demo did not stop cleanly: %v", err)
	}
}
