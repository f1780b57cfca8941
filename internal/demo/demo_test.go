package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// stockholmTime is a time on a page of a node in Europe/Stockholm.
var stockholmTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T<`)

func startDemo(t *testing.T) (Ready, context.CancelFunc, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	readyc := make(chan Ready, 1)
	done := make(chan error, 1)
	var out strings.Builder
	go func() {
		done <- Run(ctx, Options{Listen: "127.0.0.1:0", Dir: t.TempDir()}, &out, func(r Ready) { readyc <- r })
	}()
	select {
	case r := <-readyc:
		if !strings.Contains(out.String(), r.URL) || !strings.Contains(out.String(), "totp SECRET") {
			t.Errorf("printed details lack the address or the TOTP hint:\n%s", out.String())
		}
		return r, cancel, done
	case err := <-done:
		cancel()
		t.Fatalf("demo stopped before it was ready: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("demo not ready after 60 s")
	}
	return Ready{}, cancel, done
}

func TestDemoSignIn(t *testing.T) {
	r, cancel, done := startDemo(t)
	defer cancel()
	if len(r.Accounts) != len(auth.Roles) {
		t.Fatalf("%d demo accounts, want one per role (%d)", len(r.Accounts), len(auth.Roles))
	}
	for _, a := range r.Accounts {
		if a.Password == "" || a.TOTPSecret == "" {
			t.Fatalf("account %s printed without password or secret", a.Username)
		}
	}
	c := webtest.New(r.URL)
	if p, err := c.Get("/readyz"); err != nil || p.Status != http.StatusOK {
		t.Fatalf("readyz: %v %d", err, p.Status)
	}
	officer := r.Accounts[0]
	p, err := c.SignIn(officer.Username, officer.Password, officer.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Body, "Demo Officer") {
		t.Fatal("signed in, but the page does not show the user's name")
	}
	// The registry and the JSON API are wired into the node.
	for _, path := range []string{"/children", "/children/new", "/api/v1/openapi.yaml"} {
		if p, err := c.Get(path); err != nil || p.Status != http.StatusOK || p.Path != path {
			t.Errorf("GET %s: %v, status %d at %s", path, err, p.Status, p.Path)
		}
	}
	// A Swedish node: its pages show Stockholm's time (CET or CEST after
	// the date), whatever the zone of the machine running the test.
	if p, err := c.Get("/cases/1"); err != nil || p.Status != http.StatusOK || !stockholmTime.MatchString(p.Body) || strings.Contains(p.Body, " UTC<") {
		t.Errorf("GET /cases/1: %v, status %d; want times in Europe/Stockholm:\n%s", err, p.Status, p.Body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo did not stop cleanly: %v", err)
	}
}

// TestDemoShutdownFinishesRequestsInFlight starts a request, stops the
// server while the request's body is still arriving, and expects the
// response all the same.
func TestDemoShutdownFinishesRequestsInFlight(t *testing.T) {
	r, cancel, done := startDemo(t)
	defer cancel()
	host := strings.TrimSuffix(strings.TrimPrefix(r.URL, "http://"), "/")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "username=officer&password=wrong-password"
	fmt.Fprintf(conn, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	cancel()
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
	if err := <-done; err != nil {
		t.Fatalf("demo did not stop cleanly: %v", err)
	}
}
