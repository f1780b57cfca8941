package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/store"
)

var secretRE = regexp.MustCompile(`(?m)^token: (cct_[a-z2-7]+)$`)

func TestTokenCommands(t *testing.T) {
	vars, dbPath := adminNode(t)
	steps := []struct {
		args []string
		env  map[string]string // added to vars for this step
		code int
		want string // in stdout for 0, in stderr otherwise
	}{
		{[]string{"token", "create", "--name", "Migrationsverket", "--country", "se"}, nil, 0, "scopes read,write"},
		{[]string{"token", "create", "--name", "Statistics", "--scopes", "export, read"}, map[string]string{"CHILDCENTRE_COUNTRY": "SE"}, 0, "country SE, scopes export,read"},
		{[]string{"token", "create", "--name", "DK system", "--country", "DK"}, map[string]string{"CHILDCENTRE_COUNTRY": "SE"}, 2, "differs from this node's country"},
		{[]string{"token", "create", "--name", "x"}, nil, 2, "--country is required"},
		{[]string{"token", "create", "--country", "SE"}, nil, 2, "--name is required"},
		{[]string{"token", "create", "--name", "x", "--country", "SE", "--scopes", "admin"}, nil, 2, "--scopes"},
		{[]string{"token", "create", "--name", "x", "--country", "Sweden"}, nil, 1, "ISO 3166-1"},
		{[]string{"token", "create", "--name", strings.Repeat("n", 101), "--country", "SE"}, nil, 1, "longer than 100"},
		{[]string{"token", "create", "--name", "x", "--country", "SE", "--expires-in", "400d"}, nil, 1, "between 1 hour and 365 days"},
		{[]string{"token", "create", "--name", "x", "--country", "SE", "--expires-in", "soon"}, nil, 2, "--expires-in"},
		{[]string{"token", "revoke", "1"}, nil, 0, "revoked token 1"},
		{[]string{"token", "revoke", "1"}, nil, 1, "already revoked"},
		{[]string{"token", "revoke", "99"}, nil, 1, "not found"},
		{[]string{"token", "revoke", "one"}, nil, 2, "not a token ID"},
		{[]string{"token", "revoke"}, nil, 2, "exactly one token ID"},
		{[]string{"token", "list", "--country", "dk"}, nil, 0, "ID  NAME"},
	}
	var secrets []string
	for _, s := range steps {
		env := map[string]string{}
		for k, v := range vars {
			env[k] = v
		}
		for k, v := range s.env {
			env[k] = v
		}
		code, stdout, stderr := runCLI(t, env, s.args...)
		got := stdout
		if s.code != 0 {
			got = stderr
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Fatalf("%v: exit %d, want %d; output %q, want it to contain %q (stderr %q)", s.args, code, s.code, got, s.want, stderr)
		}
		if m := secretRE.FindStringSubmatch(stdout); m != nil {
			secrets = append(secrets, m[1])
		}
	}
	if len(secrets) != 2 {
		t.Fatalf("printed secrets = %d, want 2", len(secrets))
	}

	code, stdout, _ := runCLI(t, vars, "token", "list")
	if code != 0 {
		t.Fatalf("token list: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasSuffix(strings.TrimSpace(lines[0]), "EXPIRES") || !strings.Contains(lines[1], "Migrationsverket") || !strings.Contains(lines[1], "revoked") ||
		!strings.Contains(lines[2], "Statistics") || !strings.Contains(lines[2], "active") {
		t.Errorf("token list =\n%s", stdout)
	}
	for _, s := range secrets {
		if strings.Contains(stdout, s) || strings.Contains(stdout, s[len(tokens.SecretPrefix):len(tokens.SecretPrefix)+8]) {
			t.Errorf("token list shows a secret")
		}
	}

	// The printed secrets are the tokens: the revoked one no longer
	// authenticates, the other does; the database holds neither.
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: dbPath})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := tokens.NewService(store.NewTokenStore(db), time.Now)
	if _, err := svc.Authenticate(ctx, secrets[0]); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("revoked token authenticates: %v", err)
	}
	if tok, err := svc.Authenticate(ctx, secrets[1]); err != nil || tok.Name != "Statistics" || !tok.Has(tokens.ScopeExport) {
		t.Errorf("Authenticate(new token) = %+v, %v", tok, err)
	}
	for _, f := range []string{dbPath, dbPath + "-wal"} {
		raw, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s[len(tokens.SecretPrefix):])) {
				t.Errorf("%s holds a token in clear", filepath.Base(f))
			}
		}
	}

	// Creation and revocation are audited, without the secret.
	var actions []string
	err = db.WalkAudit(ctx, func(e audit.Entry) error {
		if strings.HasPrefix(e.Action, "token.") {
			actions = append(actions, e.Action+" "+e.Target+" "+e.Actor)
		}
		for _, s := range secrets {
			if strings.Contains(e.Detail, s) {
				t.Errorf("audit entry %d holds a secret", e.Seq)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"token.create token:1 system", "token.create token:2 system", "token.revoke token:1 system"}
	if strings.Join(actions, "|") != strings.Join(want, "|") {
		t.Errorf("audit = %q, want %q", actions, want)
	}
}
