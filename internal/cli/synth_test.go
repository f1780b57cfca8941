package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

func synthEnv() (*Env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, Now: time.Now}, &stdout, &stderr
}

func runSynthCmd(t *testing.T, ctx context.Context, args ...string) (int, string) {
	t.Helper()
	env, stdout, stderr := synthEnv()
	code := Main(ctx, env, append([]string{"synth"}, args...))
	return code, stdout.String() + stderr.String()
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s does not parse: %v", filepath.Base(path), err)
	}
	return rows
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestSynthCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, output := runSynthCmd(t, context.Background(), "--children", "400", "--countries", "se, DK,NO", "--seed", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, output)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"DK.csv", "NO.csv", "SE.csv", "truth.csv"}) {
		t.Fatalf("output files %v", got)
	}
	// The files hold exactly what the library generates for these options.
	recs, err := synth.Generate(synth.Options{Children: 400, Seed: 4, Countries: []string{"SE", "DK", "NO"}})
	if err != nil {
		t.Fatal(err)
	}
	by := synth.ByCountry(recs)
	ids := map[string]string{} // id -> country file
	for _, c := range []string{"SE", "DK", "NO"} {
		var want bytes.Buffer
		if err := synth.WriteChildCSV(&want, by[c]); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, c+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s.csv differs from the generated records", c)
		}
		rows := readCSV(t, filepath.Join(dir, c+".csv"))
		if !slices.Equal(rows[0], synth.ChildHeader) {
			t.Errorf("%s.csv header %v", c, rows[0])
		}
		for _, row := range rows[1:] {
			ids[row[0]] = c
		}
	}
	truth := readCSV(t, filepath.Join(dir, "truth.csv"))
	if !slices.Equal(truth[0], synth.TruthHeader) || len(truth)-1 != len(recs) || len(ids) != len(recs) {
		t.Fatalf("truth.csv: header %v, %d rows; %d records in the country files, %d generated", truth[0], len(truth)-1, len(ids), len(recs))
	}
	entities := map[string]bool{}
	for _, row := range truth[1:] {
		if c, ok := ids[row[0]]; !ok || !strings.HasPrefix(row[0], c+"-") {
			t.Fatalf("truth id %s is not in its country's file", row[0])
		}
		entities[row[1]] = true
	}
	if len(entities) != 400 {
		t.Errorf("truth.csv names %d children, want 400", len(entities))
	}
	if !strings.Contains(output, "400 children") {
		t.Errorf("summary %q", output)
	}

	// Same seed, same bytes; the existing files are replaced.
	code, output = runSynthCmd(t, context.Background(), "--children", "400", "--countries", "SE,DK,NO", "--seed", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, output)
	}
	if got := readCSV(t, filepath.Join(dir, "truth.csv")); !slices.EqualFunc(got, truth, slices.Equal) {
		t.Error("second run with the same seed wrote different data")
	}
}

func TestSynthDefaultCountriesAndNoErrors(t *testing.T) {
	dir := t.TempDir()
	if code, output := runSynthCmd(t, context.Background(), "--children", "300", "--no-errors", "--out", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, output)
	}
	want := []string{"truth.csv"}
	for _, c := range synth.DefaultCountries {
		want = append(want, c+".csv")
	}
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Fatalf("output files %v, want %v", got, want)
	}
	for _, c := range synth.DefaultCountries {
		for _, row := range readCSV(t, filepath.Join(dir, c+".csv"))[1:] {
			if row[5] != "0" || row[1] == "" || row[6] == "" {
				t.Fatalf("%s: --no-errors wrote an estimate or a missing value: %v", c, row[0])
			}
		}
	}
}

func TestSynthUsage(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"no out":        {"--children", "10"},
		"no children":   {"--out", dir},
		"zero children": {"--children", "0", "--out", dir},
		"bad country":   {"--children", "10", "--countries", "SWE", "--out", dir},
		"twice":         {"--children", "10", "--countries", "SE,SE", "--out", dir},
		"extra":         {"--children", "10", "--out", dir, "more"},
		"unknown flag":  {"--children", "10", "--out", dir, "--records", "5"},
	} {
		if code, output := runSynthCmd(t, context.Background(), args...); code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", name, code, output)
		}
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("usage errors wrote %v", got)
	}
}

// TestSynthFailureLeavesNothing cancels the command: it must leave neither
// temporary nor partial files, nor the directory it created.
func TestSynthFailureLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	existing := t.TempDir()
	if err := os.WriteFile(filepath.Join(existing, "keep.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _ := runSynthCmd(t, ctx, "--children", "100", "--out", existing); code != 1 {
		t.Errorf("cancelled run: exit %d, want 1", code)
	}
	if got := dirNames(t, existing); !slices.Equal(got, []string{"keep.txt"}) {
		t.Errorf("cancelled run left %v", got)
	}
	fresh := filepath.Join(t.TempDir(), "new")
	if code, _ := runSynthCmd(t, ctx, "--children", "100", "--out", fresh); code != 1 {
		t.Errorf("cancelled run: exit %d, want 1", code)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("cancelled run left the directory it created (%v)", err)
	}
	missingParent := filepath.Join(t.TempDir(), "a", "b")
	if code, _ := runSynthCmd(t, context.Background(), "--children", "10", "--out", missingParent); code != 1 {
		t.Errorf("output under a missing directory: exit %d, want 1", code)
	}
}
