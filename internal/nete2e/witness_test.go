package nete2e

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cli"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

// hubCheckpoint is the seq of the latest checkpoint the hub holds of
// country (-1: none).
func (n *testNet) hubCheckpoint(t testing.TB, country string) int64 {
	t.Helper()
	var after int64 = -1
	for {
		w, err := n.hub.Service.Checkpoints(context.Background(), exchange.Peer{Country: country, Role: "node"}, max(after, 0), exchange.MaxCheckpoints)
		if err != nil {
			t.Fatal(err)
		}
		if k := len(w.Checkpoints); k > 0 {
			after = w.Checkpoints[k-1].Seq
		}
		if !w.More {
			return after
		}
	}
}

// auditVerify runs 'childcentre audit verify' on a stopped node's
// database, configured as its server is (the environment of the service).
func auditVerify(t testing.TB, c *config.Config, withHub bool, flags ...string) (int, string, string) {
	t.Helper()
	vars := map[string]string{
		"CHILDCENTRE_KEY_FILE": c.KeyFile, "CHILDCENTRE_DATABASE_URL": c.DatabaseURL, "CHILDCENTRE_COUNTRY": c.Country,
		"CHILDCENTRE_NETWORK_DIR": c.NetworkDir, "CHILDCENTRE_NETWORK_CA": c.NetworkCA,
		"CHILDCENTRE_NETWORK_CRL": c.NetworkCRL, "CHILDCENTRE_LOG_LEVEL": "error",
	}
	if withHub {
		vars["CHILDCENTRE_HUB_URL"] = c.HubURL
	}
	var out, errOut strings.Builder
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now}
	code := cli.Main(context.Background(), env, append([]string{"audit", "verify"}, flags...))
	return code, out.String(), errOut.String()
}

// appendAudit appends k non-creation entries to the node's log (as any
// act does) and returns the head after them.
func (tn *testNode) appendAudit(t testing.TB, k int) int64 {
	t.Helper()
	ctx := context.Background()
	for range k {
		if err := tn.DB.AppendAudit(ctx, audit.Record{Actor: "system", Action: audit.ActAuditVerify, Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	seq, _, err := tn.DB.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// TestHubWitnessCatchesTailDeletion: a node lodges its audit checkpoints
// with the hub through the outbox (kept while the hub is down, delivered
// when it is back). Someone who controls the node's database and its
// checkpoint file cuts the end of the log, moves the head back, drops the
// triggers and rewrites the file to match: verification with the file
// alone passes, with the hub it fails; the node restarted on the cut log
// lodges a checkpoint the hub refuses as a regression; and once the log
// has grown back past the hub's latest checkpoint, the hub's earlier
// checkpoints still tell.
func TestHubWitnessCatchesTailDeletion(t *testing.T) {
	net := newNet(t)
	cfg := net.config(t, "node", "SE")
	cfg.AuditCheckpointEvery = 200 * time.Millisecond // after Validate, which asks for a minute at least
	se := net.startNode(t, "SE", cfg)

	head := se.appendAudit(t, 3)
	waitFor(t, 30*time.Second, "the hub to witness the head", func() bool { return net.hubCheckpoint(t, "SE") >= head })

	// The hub is down: checkpoints wait in the outbox and reach it later.
	net.stopHub()
	head = se.appendAudit(t, 3)
	waitFor(t, 10*time.Second, "a checkpoint in the outbox", func() bool { p, _ := se.pending(t); return p > 0 })
	net.startHub(t)
	waitFor(t, 30*time.Second, "the hub to witness the head after its restart", func() bool { return net.hubCheckpoint(t, "SE") >= head })
	se.stop()
	witnessed := net.hubCheckpoint(t, "SE")

	if code, stdout, stderr := auditVerify(t, cfg, true); code != 0 || !strings.Contains(stdout, fmt.Sprintf("checkpoints; latest entry %d signed", witnessed)) {
		t.Fatalf("intact log: exit %d\n%s%s", code, stdout, stderr)
	}
	// The hub down: the intact log passes on the local evidence, with a
	// warning; a scheduled check that requires the hub fails.
	net.stopHub()
	if code, stdout, stderr := auditVerify(t, cfg, true); code != 0 || !strings.Contains(stderr, "hub witness: NOT consulted") {
		t.Fatalf("intact log, hub down: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := auditVerify(t, cfg, true, "--require-hub"); code != 1 || !strings.Contains(stderr, "NOT verified") {
		t.Fatalf("intact log, hub down, --require-hub: exit %d\n%s%s", code, stdout, stderr)
	}
	net.startHub(t)

	// The cut: below what the hub witnessed.
	cut := witnessed - 2
	db, err := sql.Open("sqlite", cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER audit_log_no_delete`,
		fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, cut),
		fmt.Sprintf(`UPDATE audit_head SET seq = %d, hash = (SELECT hash FROM audit_log WHERE seq = %d)`, cut, cut),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	rewriteCheckpoints(t, cfg.CheckpointFile(), cut)

	if code, stdout, stderr := auditVerify(t, cfg, false); code != 0 {
		t.Fatalf("the file witness alone should be fooled by the rewritten file: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr := auditVerify(t, cfg, true)
	want := fmt.Sprintf("anchor names entry %d but the log ends at %d", witnessed, cut)
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "hub witness") {
		t.Fatalf("cut log with the hub as witness: exit %d, stderr %q; want %q", code, stderr, want)
	}

	// Restarted on the cut log, the node signs a shorter head: refused.
	se = net.startNode(t, "SE", cfg)
	waitFor(t, 30*time.Second, "the hub to refuse the shorter log", func() bool { _, r := se.pending(t); return r > 0 })
	var m bytes.Buffer
	net.hub.Metrics.WriteTo(&m)
	if !strings.Contains(m.String(), `childcentre_hub_checkpoints_refused_total{country="SE",reason="regression"}`) {
		t.Errorf("no regression counted:\n%s", m.String())
	}
	if got := net.hubCheckpoint(t, "SE"); got != witnessed {
		t.Errorf("the hub holds entry %d, want %d still", got, witnessed)
	}

	// The log grows back past what the hub witnessed. The hub compares
	// heads, so it takes the longer one; but every checkpoint it took
	// before is an anchor, and entry `witnessed` is not what it was.
	regrown := se.appendAudit(t, int(witnessed-cut)+3)
	waitFor(t, 30*time.Second, "the hub to take the regrown head", func() bool { return net.hubCheckpoint(t, "SE") >= regrown })
	se.stop()
	if code, stdout, stderr := auditVerify(t, cfg, false); code != 0 {
		t.Fatalf("regrown log, file witness alone: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = auditVerify(t, cfg, true)
	want = fmt.Sprintf("entry %d: hash differs from the anchor", witnessed)
	if code != 1 || !strings.Contains(stderr, want) {
		t.Fatalf("regrown log with the hub as witness: exit %d, stderr %q; want %q", code, stderr, want)
	}
	// Had the cut been an incident recorded elsewhere (a restore from a
	// backup that lost entries), the operator names the entries lost; the
	// hub's later checkpoints still count.
	code, stdout, stderr := auditVerify(t, cfg, true, "--hub-after", fmt.Sprint(witnessed))
	if code != 0 || !strings.Contains(stdout, "left out: --hub-after") {
		t.Fatalf("regrown log, the lost entries acknowledged: exit %d\n%s%s", code, stdout, stderr)
	}
}

// rewriteCheckpoints keeps in a checkpoint file only the lines of entries
// up to seq, as someone who can write the file would.
func rewriteCheckpoints(t testing.TB, path string, seq int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	dropped := 0
	for sc.Scan() {
		var cp audit.Checkpoint
		if err := json.Unmarshal(sc.Bytes(), &cp); err != nil {
			t.Fatal(err)
		}
		if cp.Seq > seq {
			dropped++
			continue
		}
		keep.Write(sc.Bytes())
		keep.WriteByte('\n')
	}
	if dropped == 0 {
		t.Fatal("the checkpoint file names nothing past the cut")
	}
	if err := os.WriteFile(path, keep.Bytes(), 0o640); err != nil {
		t.Fatal(err)
	}
}
