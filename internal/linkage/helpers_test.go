package linkage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// febrlDir is the FEBRL benchmark data, reached from this package's
// directory as the team notes require.
const febrlDir = "../../../shared/data/febrl"

// testSecret is a fixed secret for reproducible tests.
var testSecret = bytes.Repeat([]byte{0x5a}, SecretSize)

// febrlPath returns the path of a FEBRL file or skips the test.
func febrlPath(t testing.TB, name string) string {
	t.Helper()
	dir := febrlDir
	if d := os.Getenv("CHILDCENTRE_FEBRL"); d != "" {
		dir = d // a checkout outside the usual layout (a git worktree)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("FEBRL data not found at %s (shared/data/febrl beside the repository): %v", p, err)
	}
	return p
}

// loadSchemaFile parses a schema file from the repository.
func loadSchemaFile(t testing.TB, path string) *Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseSchema(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// memSink collects encodings in memory.
type memSink struct{ e *Encodings }

func (m *memSink) Write(id string, f []uint64) error {
	m.e.IDs = append(m.e.IDs, id)
	m.e.Filters = append(m.e.Filters, f...)
	return nil
}

// encodeCSV encodes CSV data in memory.
func encodeCSV(t testing.TB, s *Schema, secret []byte, data []byte) *Encodings {
	t.Helper()
	enc, err := NewEncoder(s, secret)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{e: &Encodings{Words: enc.Words()}}
	if _, err := EncodeCSV(context.Background(), bytes.NewReader(data), enc, sink, 0, nil); err != nil {
		t.Fatal(err)
	}
	return sink.e
}

// encodeFiles encodes and concatenates FEBRL files.
func encodeFEBRL(t testing.TB, s *Schema, names ...string) *Encodings {
	t.Helper()
	all := &Encodings{}
	for _, n := range names {
		data, err := os.ReadFile(febrlPath(t, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := all.Append(encodeCSV(t, s, testSecret, data)); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// febrlEntity maps "rec-N-org" and "rec-N-dup-K" to "N".
func febrlEntity(id string) string {
	parts := strings.Split(id, "-")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

func febrlEntities(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = febrlEntity(id)
	}
	return out
}
