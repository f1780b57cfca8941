package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// runCLI runs one command in-process with the given environment variables.
func runCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now,
	}
	code := Main(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

// adminNode prepares a key file and a migrated database and returns the
// environment that points the administration commands at them.
func adminNode(t *testing.T) (map[string]string, string) {
	t.Helper()
	dir := t.TempDir()
	keys, db := filepath.Join(dir, "keys.json"), filepath.Join(dir, "node.db")
	if code, _, stderr := runCLI(t, nil, "keys", "init", "--out", keys); code != 0 {
		t.Fatalf("keys init: %d %s", code, stderr)
	}
	vars := map[string]string{"CHILDCENTRE_KEY_FILE": keys, "CHILDCENTRE_DATABASE_URL": db, "CHILDCENTRE_LOG_LEVEL": "error"}
	code, stdout, stderr := runCLI(t, vars, "migrate")
	if code != 0 || !strings.Contains(stdout, "applied ") {
		t.Fatalf("migrate: %d %q %s", code, stdout, stderr)
	}
	return vars, db
}

func TestKeysInitRefusesOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	if code, _, _ := runCLI(t, nil, "keys", "init", "--out", path); code != 0 {
		t.Fatal("first keys init failed")
	}
	if code, _, _ := runCLI(t, nil, "keys", "init", "--out", path); code != 1 {
		t.Fatalf("second keys init over the same file: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, nil, "keys", "init"); code != 2 {
		t.Fatalf("keys init without --out: exit %d, want 2", code)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	vars, _ := adminNode(t)
	code, stdout, _ := runCLI(t, vars, "migrate")
	if code != 0 || !strings.Contains(stdout, "up to date") {
		t.Fatalf("second migrate: %d %q", code, stdout)
	}
}

func TestUserCommands(t *testing.T) {
	vars, _ := adminNode(t)
	steps := []struct {
		args []string
		code int
		want string // in stdout for 0, in stderr otherwise
	}{
		{[]string{"user", "add", "--username", "anna.admin", "--role", "country_admin", "--country", "se"}, 0, "enrolment link: /welcome/"},
		{[]string{"user", "add", "--username", "anna.admin", "--role", "ncp_officer", "--country", "SE"}, 1, ""},
		{[]string{"user", "add", "--username", "bob", "--role", "king", "--country", "SE"}, 1, "role"},
		{[]string{"user", "add", "--username", "bob"}, 2, "--username and --role are required"},
		{[]string{"user", "list"}, 0, "anna.admin"},
		{[]string{"user", "disable", "anna.admin"}, 0, "disable: done"},
		{[]string{"user", "list", "--country", "SE"}, 0, "disabled"},
		{[]string{"user", "enable", "anna.admin"}, 0, "enable: done"},
		{[]string{"user", "reset-2fa", "anna.admin"}, 0, "reset-2fa: done"},
		{[]string{"user", "reset-password", "anna.admin"}, 0, "new enrolment link: /welcome/"},
		{[]string{"user", "disable", "nobody"}, 1, "not"},
		{[]string{"user", "disable"}, 2, "USERNAME"},
	}
	for _, s := range steps {
		code, stdout, stderr := runCLI(t, vars, s.args...)
		got := stdout
		if s.code != 0 {
			got = stderr
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Fatalf("%v: exit %d (want %d), output %q lacks %q", s.args, code, s.code, got, s.want)
		}
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	vars, dbPath := adminNode(t)
	for _, u := range []string{"aud1", "aud2", "aud3"} {
		if code, _, stderr := runCLI(t, vars, "user", "add", "--username", u, "--role", "auditor", "--country", "SE"); code != 0 {
			t.Fatal(stderr)
		}
	}
	code, stdout, stderr := runCLI(t, vars, "audit", "verify")
	if code != 0 || !strings.Contains(stdout, "audit log intact: 4 entries") {
		t.Fatalf("intact log: exit %d %q %q", code, stdout, stderr)
	}
	head := regexp.MustCompile(`head (\d+:[0-9a-f]{64})`).FindStringSubmatch(stdout)
	if head == nil {
		t.Fatalf("no head printed: %q", stdout)
	}
	if code, _, stderr := runCLI(t, vars, "audit", "verify", "--anchor", head[1]); code != 0 {
		t.Fatalf("verify with its own anchor: %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, vars, "audit", "verify", "--anchor", "nonsense"); code != 2 {
		t.Fatalf("bad anchor: exit %d, want 2", code)
	}

	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// An attacker with write access to the file can drop the append-only
	// trigger; the chain must still tell.
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = detail || 'x' WHERE seq = 3`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr = runCLI(t, vars, "audit", "verify")
	if code != 1 || !strings.Contains(stderr, "NOT intact") || !strings.Contains(stderr, "first bad entry: 3") {
		t.Fatalf("tampered log: exit %d, stderr %q", code, stderr)
	}
}

func TestServeNamesConfigurationProblems(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"CHILDCENTRE_LOG_FORMAT": "xml"}, "serve")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"--country", "exactly one of --key-file", "--log-format"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %s: %q", want, stderr)
		}
	}
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	vars, _ := adminNode(t)
	vars["CHILDCENTRE_DATABASE_URL"] = filepath.Join(t.TempDir(), "empty.db")
	vars["CHILDCENTRE_COUNTRY"] = "SE"
	code, _, stderr := runCLI(t, vars, "serve", "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "childcentre migrate") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestHelpAndUnknownCommands(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "usage: childcentre COMMAND"},
		{[]string{"help"}, 0, "user reset-2fa"},
		{[]string{"help", "user", "add"}, 0, "--username NAME"},
		{[]string{"version"}, 0, "childcentre "},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"migrate", "--no-such-flag"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
			t.Errorf("%v: exit %d (want %d), output lacks %q: %q", tt.args, code, tt.code, tt.want, stdout+stderr)
		}
	}
}
