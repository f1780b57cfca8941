package cli

import (
	"database/sql"
	"strings"
	"testing"
)

// TestAuditVerifyUsesCheckpoints: 'audit verify' with no flag at all fails
// on a log cut short with its head row moved back, because it reads the
// checkpoint file beside the key file; and it fails on an account whose
// creation is not in the log.
func TestAuditVerifyUsesCheckpoints(t *testing.T) {
	vars, dbPath := adminNode(t)
	for _, u := range []string{"aud1", "aud2", "aud3"} {
		if code, _, stderr := runCLI(t, vars, "user", "add", "--username", u, "--role", "auditor", "--country", "SE"); code != 0 {
			t.Fatal(stderr)
		}
	}
	code, stdout, stderr := runCLI(t, vars, "audit", "verify")
	if code != 0 || !strings.Contains(stdout, "checkpoints: none yet") || !strings.Contains(stdout, "every record's creation is in the log: 3") {
		t.Fatalf("before any checkpoint: exit %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, vars, "audit", "checkpoint"); code != 0 || !strings.Contains(stdout, "checkpoint of entry 4") {
		t.Fatalf("checkpoint: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := runCLI(t, vars, "audit", "verify"); code != 0 || !strings.Contains(stdout, "checkpoints: 1 checked") {
		t.Fatalf("intact, checked: %d %q", code, stdout)
	}

	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DROP TRIGGER audit_log_no_delete`,
		`DELETE FROM audit_log WHERE seq = 4`,
		`UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)`,
		`DELETE FROM users WHERE username = 'aud3'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr = runCLI(t, vars, "audit", "verify")
	if code != 1 || !strings.Contains(stderr, "anchor names entry 4 but the log ends at 3") {
		t.Fatalf("cut log: exit %d, stderr %q", code, stderr)
	}

	// An account written around the application.
	vars2, dbPath2 := adminNode(t)
	db2, err := sql.Open("sqlite", dbPath2)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := db2.Exec(`INSERT INTO users (username, display_name, role, country, password_hash, created_at, updated_at)
		VALUES ('mallory', '', 'ncp_supervisor', 'SE', 'x', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')`); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, vars2, "audit", "verify")
	if code != 1 || !strings.Contains(stderr, "NOT complete") || !strings.Contains(stderr, "user:1") {
		t.Fatalf("unlogged account: exit %d, stderr %q", code, stderr)
	}
}
