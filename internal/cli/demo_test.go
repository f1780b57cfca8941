package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/demo"
)

func TestDemoRefusesUnknownZone(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{}, "demo", "--timezone", "Europe/Atlantis", "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "not an IANA time zone") {
		t.Fatalf("demo with an unknown zone: exit %d, %s", code, stderr)
	}
}

// TestDemoEnvActsAsOperator runs a small region and then the operator's
// commands with the environment demo.json gives for each server: they
// must act on that server's database with its keys.
func TestDemoEnvActsAsOperator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a demo region")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	readyc := make(chan struct{})
	var out strings.Builder
	go func() {
		done <- demo.Run(ctx, demo.Options{Listen: "127.0.0.1:0", Dir: dir, Countries: []string{"SE", "FI"}},
			&out, func(demo.Ready) { close(readyc) })
	}()
	select {
	case <-readyc:
	case err := <-done:
		t.Fatalf("demo stopped: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("demo not ready after 90 s")
	}
	raw, err := os.ReadFile(filepath.Join(dir, demo.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var f demo.File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	servers := map[string]map[string]string{"hub": f.Hub.Env}
	for _, n := range f.Nodes {
		servers[n.Country] = n.Env
	}
	for name, env := range servers {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"audit", "verify"}, "audit log intact"},
			{[]string{"user", "list"}, "netadmin"},
			{[]string{"migrate"}, "up to date"},
		} {
			if name == "FI" && c.args[0] == "user" {
				c.want = "officer" // the other nodes have the officer and supervisor only
			}
			code, stdout, stderr := runCLI(t, env, c.args...)
			if code != 0 || !strings.Contains(stdout, c.want) {
				t.Errorf("%s: %s: exit %d\n%s%s", name, strings.Join(c.args, " "), code, stdout, stderr)
			}
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
