package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/synth"
)

// runLinkageCLI runs a command in-process with stdin and returns its exit
// status, standard output and standard error.
func runLinkageCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, Now: time.Now}
	code := Main(context.Background(), env, args)
	return code, stdout.String(), stderr.String()
}

func newSecretFile(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "linkage.key")
	if code, _, stderr := runLinkageCLI(t, "", "keys", "new", "--out", path); code != 0 {
		t.Fatalf("keys new: %d %s", code, stderr)
	}
	return path
}

func TestKeysNew(t *testing.T) {
	dir := t.TempDir()
	path := newSecretFile(t, dir)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", fi.Mode().Perm())
	}
	before, _ := os.ReadFile(path)
	code, _, stderr := runLinkageCLI(t, "", "keys", "new", "--out", path)
	if code != 1 || !strings.Contains(stderr, "refusing to overwrite") {
		t.Errorf("second keys new: %d %q", code, stderr)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the secret was overwritten")
	}
	if code, _, _ := runLinkageCLI(t, "", "keys", "new"); code != 2 {
		t.Errorf("keys new without --out: exit %d, want 2", code)
	}
	other := newSecretFile(t, t.TempDir())
	if a, _ := os.ReadFile(other); bytes.Equal(a, before) {
		t.Error("two secrets are equal")
	}
}

// writeCountryFiles writes synthetic registrations as one CSV per country
// and the ground truth, and returns the CSV paths and the truth path.
func writeCountryFiles(t *testing.T, dir string, children int) ([]string, string) {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Children: children, Seed: 11, Countries: []string{"SE", "DK", "NO"}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	by := synth.ByCountry(recs)
	for _, c := range synth.CountriesOf(recs) {
		var buf bytes.Buffer
		if err := synth.WriteChildCSV(&buf, by[c]); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, c+".csv")
		os.WriteFile(p, buf.Bytes(), 0o600)
		paths = append(paths, p)
	}
	var truth bytes.Buffer
	synth.WriteTruthCSV(&truth, recs)
	tp := filepath.Join(dir, "truth.csv")
	os.WriteFile(tp, truth.Bytes(), 0o600)
	return paths, tp
}

func TestEncodeAndLink(t *testing.T) {
	dir := t.TempDir()
	secret := newSecretFile(t, dir)
	csvs, truth := writeCountryFiles(t, dir, 300)
	var encs []string
	for i, c := range csvs {
		out := strings.TrimSuffix(c, ".csv") + ".clk"
		var code int
		var stderr string
		if i == 0 {
			// The first country through standard input.
			data, _ := os.ReadFile(c)
			code, _, stderr = runLinkageCLI(t, string(data), "encode", "--schema", "child", "--secret-file", secret, "--out", out)
		} else {
			code, _, stderr = runLinkageCLI(t, "", "encode", "--schema", "child", "--secret-file", secret, "--out", out, c)
		}
		if code != 0 {
			t.Fatalf("encode %s: %d %s", c, code, stderr)
		}
		data, _ := os.ReadFile(out)
		if !bytes.HasPrefix(data, []byte(`{"format":"childcentre-encodings"`)) {
			t.Fatalf("%s does not start with the header", out)
		}
		// --schema child is the field-level model, named in the header.
		if !bytes.Contains(data[:bytes.IndexByte(data, '\n')], []byte(`"schema":"child-fields"`)) {
			t.Fatalf("%s: --schema child did not encode with child-fields", out)
		}
		encs = append(encs, out)
	}
	clusters := filepath.Join(dir, "clusters.csv")
	pairs := filepath.Join(dir, "pairs.csv")
	args := append([]string{"link", "--out", clusters, "--pairs", pairs, "--truth", truth}, encs...)
	code, stdout, stderr := runLinkageCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("link: %d %s", code, stderr)
	}
	for _, want := range []string{"precision ", "recall ", "F1 ", "clusters "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("link output lacks %q: %s", want, stdout)
		}
	}
	rows := readCSV(t, clusters)
	if strings.Join(rows[0], ",") != "id,cluster" || len(rows) < 50 {
		t.Fatalf("clusters file: header %v, %d rows", rows[0], len(rows))
	}
	count := map[string]int{}
	for _, r := range rows[1:] {
		count[r[1]]++
	}
	for c, n := range count {
		if n < 2 {
			t.Errorf("cluster %s has %d record", c, n)
		}
	}
	prow := readCSV(t, pairs)
	if strings.Join(prow[0], ",") != "a,b,score" || len(prow) < 2 {
		t.Fatalf("pairs file: header %v, %d rows", prow[0], len(prow))
	}
	// The thresholds can be given.
	code, stdout, _ = runLinkageCLI(t, "", append([]string{"link", "--threshold", "0.9", "--review", "0.8", "--out", clusters}, encs...)...)
	if code != 0 || !strings.Contains(stdout, "threshold 0.90, review 0.80") {
		t.Errorf("link with thresholds: %d %s", code, stdout)
	}
	// Usage errors.
	for _, bad := range [][]string{
		{"link", "--out", clusters},
		{"link", encs[0]},
		{"link", "--threshold", "1.5", "--out", clusters, encs[0]},
		{"link", "--threshold", "0.7", "--review", "0.8", "--out", clusters, encs[0]},
	} {
		if code, _, _ := runLinkageCLI(t, "", bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	// The same file twice: duplicate ids, said clearly.
	code, _, stderr = runLinkageCLI(t, "", "link", "--out", clusters, encs[0], encs[0])
	if code != 1 || !strings.Contains(stderr, "occurs more than once") {
		t.Errorf("duplicate ids: %d %q", code, stderr)
	}
	// Encodings under another secret are refused.
	other := newSecretFile(t, t.TempDir())
	otherOut := filepath.Join(dir, "other.clk")
	if code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", "child", "--secret-file", other, "--out", otherOut, csvs[1]); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr = runLinkageCLI(t, "", "link", "--out", clusters, encs[0], otherOut)
	if code != 1 || !strings.Contains(stderr, "different linkage secrets") {
		t.Errorf("other secret: %d %q", code, stderr)
	}
	// Encodings of the record-level schema (what --schema child gave before
	// 5 December 2026) still link among themselves and are refused, named,
	// next to the field-level ones.
	var clks []string
	for _, c := range csvs[:2] {
		out := strings.TrimSuffix(c, ".csv") + ".old.clk"
		if code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", "child-clk", "--secret-file", secret, "--out", out, c); code != 0 {
			t.Fatal(stderr)
		}
		clks = append(clks, out)
	}
	if code, stdout, stderr := runLinkageCLI(t, "", "link", "--out", clusters, clks[0], clks[1]); code != 0 || !strings.Contains(stdout, "clusters ") {
		t.Errorf("child-clk link: %d %s %s", code, stdout, stderr)
	}
	code, _, stderr = runLinkageCLI(t, "", "link", "--out", clusters, encs[0], clks[1])
	if code != 1 || !strings.Contains(stderr, "different schemas (child-fields, child-clk)") {
		t.Errorf("mixed schemas: %d %q", code, stderr)
	}
}

func TestEncodeBadRowLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	secret := newSecretFile(t, dir)
	csvPath := filepath.Join(dir, "in.csv")
	os.WriteFile(csvPath, []byte("id,given_name,family_name,sex,date_of_birth,dob_estimated,citizenship\n"+
		"SE-1,Anna,Berg,f,2010-03-04,0,SE\n"+
		"SE-2,Zebulon,Quist,m,04/03/2010,0,SE\n"), 0o600)
	out := filepath.Join(dir, "out.clk")
	code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", "child", "--secret-file", secret, "--out", out, csvPath)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{csvPath, "row 3", "column date_of_birth", "not a date"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error %q lacks %q", stderr, want)
		}
	}
	for _, value := range []string{"Zebulon", "Quist", "04/03/2010"} {
		if strings.Contains(stderr, value) {
			t.Errorf("error %q contains the value %q", stderr, value)
		}
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Errorf("files left behind: %v", names)
	}
	// A missing column is named; an unknown schema is a usage error.
	os.WriteFile(csvPath, []byte("id,given_name\nSE-1,Anna\n"), 0o600)
	code, _, stderr = runLinkageCLI(t, "", "encode", "--schema", "child", "--secret-file", secret, "--out", out, csvPath)
	if code != 1 || !strings.Contains(stderr, "column family_name: the header lacks this column") {
		t.Errorf("missing column: %d %q", code, stderr)
	}
	if code, _, _ := runLinkageCLI(t, "", "encode", "--schema", "nosuch", "--secret-file", secret, "--out", out, csvPath); code != 2 {
		t.Errorf("unknown schema: exit %d, want 2", code)
	}
	if code, _, _ := runLinkageCLI(t, "", "encode", "--schema", "child", "--out", out, csvPath); code != 2 {
		t.Errorf("no secret: exit %d, want 2", code)
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Errorf("files left behind: %v", names)
	}
}

func TestEncodeSchemaFile(t *testing.T) {
	dir := t.TempDir()
	secret := newSecretFile(t, dir)
	febrl := "../../examples/schemas/febrl.json"
	csvPath := filepath.Join(dir, "f.csv")
	os.WriteFile(csvPath, []byte("rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n"+
		"rec-1-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218\n"), 0o600)
	out := filepath.Join(dir, "f.clk")
	if code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", febrl, "--secret-file", secret, "--out", out, csvPath); code != 0 {
		t.Fatalf("encode with schema file: %s", stderr)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "childcentre-linkage-schema", "version": 1, "name": "x", "id": "id", "fields": [{"name": "g", "normalise": "nope", "tokens": []}]}`), 0o600)
	code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", bad, "--secret-file", secret, "--out", out, csvPath)
	if code != 1 || !strings.Contains(stderr, "field g: normalise: unknown normaliser") {
		t.Errorf("bad schema: %d %q", code, stderr)
	}
}

// TestLinkFieldsExplainAndWeights links child-fields encodings, writes the
// learned weights, links again with them, and explains one pair.
func TestLinkFieldsExplainAndWeights(t *testing.T) {
	dir := t.TempDir()
	secret := newSecretFile(t, dir)
	csvs, truth := writeCountryFiles(t, dir, 600)
	var encs []string
	for _, c := range csvs {
		out := strings.TrimSuffix(c, ".csv") + ".enc"
		if code, _, stderr := runLinkageCLI(t, "", "encode", "--schema", "child-fields", "--secret-file", secret, "--out", out, c); code != 0 {
			t.Fatalf("encode: %d %s", code, stderr)
		}
		encs = append(encs, out)
	}
	weights := filepath.Join(dir, "weights.json")
	clusters := filepath.Join(dir, "clusters.csv")
	args := append([]string{"link", "--out", clusters, "--truth", truth, "--weights-out", weights}, encs...)
	code, stdout, stderr := runLinkageCLI(t, "", args...)
	if code != 0 || !strings.Contains(stdout, "F1 ") {
		t.Fatalf("link: %d %q %q", code, stdout, stderr)
	}
	args = append([]string{"link", "--out", clusters, "--weights", weights}, encs...)
	if code, _, stderr := runLinkageCLI(t, "", args...); code != 0 {
		t.Fatalf("link --weights: %d %q", code, stderr)
	}
	// The first cluster's first two records.
	data, _ := os.ReadFile(clusters)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 3 {
		t.Fatalf("no cluster: %q", data)
	}
	a, _, _ := strings.Cut(lines[1], ",")
	b, _, _ := strings.Cut(lines[2], ",")
	args = append([]string{"link", "--explain", a, b}, encs...)
	code, stdout, stderr = runLinkageCLI(t, "", args...)
	if code != 0 || !strings.Contains(stdout, "probability") || !strings.Contains(stdout, "dob") {
		t.Fatalf("link --explain: %d %q %q", code, stdout, stderr)
	}
	t.Logf("link --explain %s %s:\n%s", a, b, stdout)
	args = append([]string{"link", "--explain", a, "nobody"}, encs...)
	if code, _, _ := runLinkageCLI(t, "", args...); code != 2 {
		t.Errorf("--explain with an unknown id: exit %d, want 2", code)
	}
}
