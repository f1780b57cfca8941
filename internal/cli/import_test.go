package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// eachBackend runs fn on a node with a key file and a migrated database:
// SQLite, and PostgreSQL when CHILDCENTRE_TEST_POSTGRES is set.
func eachBackend(t *testing.T, fn func(t *testing.T, vars map[string]string)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			url := filepath.Join(dir, "node.db")
			if name == "postgres" {
				url = storetest.PostgresURL(t) // skips without CHILDCENTRE_TEST_POSTGRES
			}
			keys := filepath.Join(dir, "keys.json")
			if code, _, stderr := runCLI(t, nil, "keys", "init", "--out", keys); code != 0 {
				t.Fatalf("keys init: %s", stderr)
			}
			vars := map[string]string{"CHILDCENTRE_KEY_FILE": keys, "CHILDCENTRE_DATABASE_URL": url,
				"CHILDCENTRE_LOG_LEVEL": "error", "CHILDCENTRE_COUNTRY": "SE"}
			if code, _, stderr := runCLI(t, vars, "migrate"); code != 0 {
				t.Fatalf("migrate: %s", stderr)
			}
			fn(t, vars)
		})
	}
}

// testRegistry opens the node's registry as the commands do, with the
// given clock (time.Now when nil).
func testRegistry(t *testing.T, vars map[string]string, now func() time.Time) *registry {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	env := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(k string) string { return vars[k] }, Now: now}
	r, _, err := openRegistry(context.Background(), env, "test", nil, nil, "country", "retention")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	return r
}

var officer = auth.Actor{UserID: 1, Role: auth.RoleOfficer, Country: "SE"}

// countChildren lists the registry as an officer would.
func countChildren(t *testing.T, r *registry) int {
	t.Helper()
	res, err := r.cases.Search(context.Background(), officer, cases.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "import.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const importHeader = "national_ref,given_names,family_name,sex,birth_date,citizenships,languages,aliases,alias_sources,category,exploitation,evidence,consent,opened_at\n"

// goodRows returns n valid rows with national references N-1...N-n.
func goodRows(n int, family string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "N-%d,Amina,%s%d,female,2011-04-0%d,SO,so|ar,Aamina,passport,presumed_trafficking,forced_labour,presumed,yes,2025-02-01\n",
			i, family, i, 1+i%9)
	}
	return b.String()
}

func TestImportDryRunReportsEveryProblem(t *testing.T) {
	eachBackend(t, func(t *testing.T, vars map[string]string) {
		// Secret values a problem must never quote.
		file := writeFile(t, importHeader+goodRows(3, "Warsame")+
			"N-10,Qwertzu,Farah,boy,2011,SO,so,,,unaccompanied,,identified,no,\n"+ // 5: sex (registry)
			"N-11,Asdfgh,Farah,female,2031-01-01,SO,so,,,unaccompanied,,identified,perhaps,\n"+ // 6: birth_date (registry), consent (file)
			"N-12,Yxcvbn,Farah,female,2011,SO,so,A|B,x|y|z,,,identified,,\n"+ // 7: alias_sources (file), category (registry)
			"N-1,Poiuzt,Farah,female,2011,XX,so,,,unaccompanied,,identified,,\n"+ // 8: national_ref twice (file), citizenships (registry)
			",Lkjhgf,,female,2011,,,,,unaccompanied,,maybe,,\n") // 9: national_ref (file), evidence (registry)
		code, stdout, stderr := runCLI(t, vars, "import", "--dry-run", file)
		if code != 1 || !strings.Contains(stderr, "nothing was imported") {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		want := []string{
			"row 5, column sex:", "row 6, column birth_date:", "row 6, column consent:",
			"row 7, column alias_sources:", "row 7, column category:",
			"row 8, column national_ref: the same national reference is on row 2", "row 8, column citizenships:",
			"row 9, column national_ref:", "row 9, column evidence:",
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != len(want) {
			t.Errorf("%d problems, want %d:\n%s", len(lines), len(want), stdout)
		}
		for i, w := range want {
			if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
				t.Errorf("problem %d: want %q\n%s", i+1, w, stdout)
			}
		}
		for _, secret := range []string{"Qwertzu", "Asdfgh", "Yxcvbn", "Poiuzt", "Lkjhgf", "boy", "perhaps", "maybe", "2031"} {
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("the output quotes a value of the file (%s):\n%s%s", secret, stdout, stderr)
			}
		}
		if n := countChildren(t, testRegistry(t, vars, nil)); n != 0 {
			t.Errorf("a dry run with problems wrote %d children", n)
		}
	})
}

func TestImportAllOrNothingAndReimport(t *testing.T) {
	eachBackend(t, func(t *testing.T, vars map[string]string) {
		good := importHeader + goodRows(40, "Warsame")
		bad := good + "N-41,Amina,Omar,female,2011,SO,so,,,unaccompanied,,identified,,2099-01-01\n" // opened in the future

		// One bad row among forty good ones: nothing is written.
		code, stdout, stderr := runCLI(t, vars, "import", writeFile(t, bad))
		if code != 1 || !strings.Contains(stdout, "row 42, column opened_at:") {
			t.Fatalf("import with a bad row: exit %d\n%s%s", code, stdout, stderr)
		}
		r := testRegistry(t, vars, nil)
		if n := countChildren(t, r); n != 0 {
			t.Fatalf("an import with a bad row committed %d children", n)
		}

		// A dry run of the good file says what would happen and writes nothing.
		code, stdout, stderr = runCLI(t, vars, "import", "--dry-run", writeFile(t, good))
		if code != 0 || !strings.Contains(stdout, "would register 40 children") || !strings.Contains(stdout, "update 0") {
			t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
		}
		if n := countChildren(t, r); n != 0 {
			t.Fatalf("a dry run wrote %d children", n)
		}

		code, stdout, stderr = runCLI(t, vars, "import", writeFile(t, good))
		if code != 0 || !strings.Contains(stdout, "registered 40 children") {
			t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
		}
		// The same references again, one family name changed by the
		// national system, from standard input: updates, no duplicates.
		again := strings.Replace(good, "Warsame7,", "Warsame-Hassan,", 1)
		var out, errOut strings.Builder
		env := &Env{Stdin: strings.NewReader(again), Stdout: &out, Stderr: &errOut,
			Getenv: func(k string) string { return vars[k] }, Now: time.Now}
		if code := Main(context.Background(), env, []string{"import", "-"}); code != 0 || !strings.Contains(out.String(), "registered 0 children") ||
			!strings.Contains(out.String(), "updated 40") {
			t.Fatalf("re-import: exit %d\n%s%s", code, out.String(), errOut.String())
		}
		if n := countChildren(t, r); n != 40 {
			t.Errorf("%d children after a re-import of 40, want 40", n)
		}
		c, err := r.cases.ChildByNationalRef(context.Background(), officer, "N-7")
		if err != nil || c.FamilyName != "Warsame-Hassan" || len(c.Aliases) != 1 || c.Aliases[0].Source != "passport" {
			t.Errorf("re-imported child: %+v, %v", c, err)
		}
		res, err := r.cases.Search(context.Background(), officer, cases.Query{Text: "Amina Warsame12"})
		if err != nil || res.Total == 0 || res.Hits[0].Child.NationalRef != "N-12" {
			t.Errorf("an imported child is not found by name: %+v, %v", res, err)
		}
		imports := 0
		err = r.db.WalkAudit(context.Background(), func(e audit.Entry) error {
			if e.Action == audit.ActDataImport && !strings.HasPrefix(e.Detail, "dry_run ") {
				imports++
				if strings.Contains(e.Detail, "Amina") || e.Actor != "system" {
					t.Errorf("data.import entry: %+v", e.Record)
				}
			}
			return nil
		})
		if err != nil || imports != 2 {
			t.Errorf("%d data.import entries (%v), want 2: one per committed import (and one per dry run, not counted)", imports, err)
		}
	})
}

func TestImportUsage(t *testing.T) {
	vars, _ := adminNode(t)
	if code, _, stderr := runCLI(t, vars, "import", "a.csv"); code != 2 || !strings.Contains(stderr, "--country") {
		t.Errorf("import without a country: exit %d %s", code, stderr)
	}
	vars["CHILDCENTRE_COUNTRY"] = "SE"
	if code, _, _ := runCLI(t, vars, "import"); code != 2 {
		t.Errorf("import without a file: exit %d", code)
	}
	if code, _, stderr := runCLI(t, vars, "import", filepath.Join(t.TempDir(), "none.csv")); code != 1 {
		t.Errorf("import of a missing file: exit %d %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, vars, "import", writeFile(t, "Amina,Farah,2011\n"))
	if code != 1 || !strings.Contains(stdout, "row 1: the first row is not a header") || strings.Contains(stdout, "Amina") {
		t.Errorf("import of a file without a header: exit %d\n%s", code, stdout)
	}
}
