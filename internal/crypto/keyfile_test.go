package crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// secretsOf returns every key of a marshalled key file in the encodings in
// which it could leak: base64 as in the file, hex, and raw bytes.
func secretsOf(t *testing.T, file []byte) []string {
	t.Helper()
	var f keyFile
	if err := json.Unmarshal(file, &f); err != nil {
		t.Fatal(err)
	}
	var keys [][]byte
	for _, d := range f.Data {
		keys = append(keys, d.Key)
	}
	keys = append(keys, f.Chain.Key, f.Index.Key)
	var out []string
	for _, k := range keys {
		out = append(out, base64.StdEncoding.EncodeToString(k), strings.ToLower(hexOf(k)), strings.ToUpper(hexOf(k)), string(k))
		// A prefix is enough to leak part of a key.
		out = append(out, base64.StdEncoding.EncodeToString(k)[:12], hexOf(k)[:12])
	}
	return out
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}

func assertNoSecret(t *testing.T, what, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s contains key material: %q", what, out)
			return
		}
	}
}

func TestGenerateAndLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	k, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	if keys := k.Keys(); len(keys) != 1 || keys[0].ID != 1 || !keys[0].Primary {
		t.Errorf("keys = %+v, want one primary key 1", keys)
	}
	// The loaded keyring is the one written: Marshal gives the file back.
	file, _ := os.ReadFile(path)
	again, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, again) {
		t.Errorf("Marshal of a loaded file differs from the file:\n%s\n%s", file, again)
	}

	// A second generate must not overwrite the keys.
	err = GenerateKeyFile(path)
	if !errs.Is(err, errs.Conflict) {
		t.Errorf("GenerateKeyFile over an existing file: err = %v, want conflict", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, file) {
		t.Error("GenerateKeyFile changed an existing key file")
	}
	assertNoSecret(t, "overwrite error", err.Error(), secretsOf(t, file))
}

func TestLoadRefusesLooseModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix mode bits on Windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o644, 0o666, 0o610, 0o601, 0o620, 0o602} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyring(path)
		if err == nil {
			t.Errorf("mode %04o: loaded, want refusal", mode)
			continue
		}
		if !strings.Contains(err.Error(), "group or others") || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: error %q does not say what is wrong and how to fix it", mode, err)
		}
		assertNoSecret(t, "mode error", err.Error(), secretsOf(t, file))
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, err := LoadKeyring(path); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	if _, err := LoadKeyring(dir); err == nil {
		t.Error("loaded a directory")
	}
	if _, err := LoadKeyring(filepath.Join(dir, "absent.json")); !errs.Is(err, errs.Invalid) {
		t.Errorf("absent file: err = %v, want invalid", err)
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	mustRotate(t, k)
	if err := k.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKeyring(path) // also checks the mode is still 0600
	if err != nil {
		t.Fatal(err)
	}
	if k2.Primary() != 2 || len(k2.Keys()) != 2 {
		t.Errorf("after rotate and write: %v", k2)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after WriteFile, want 1 (no temporary left)", len(entries))
	}
}

func TestParseKeyringBase64(t *testing.T) {
	k := NewKeyring(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	mustRotate(t, k)
	file, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"json":             file,
		"base64":           []byte(base64.StdEncoding.EncodeToString(file)),
		"base64 + newline": []byte(base64.StdEncoding.EncodeToString(file) + "\n"),
	} {
		got, err := ParseKeyring(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, _ := got.Marshal()
		if !bytes.Equal(b, file) {
			t.Errorf("%s: parsed keyring differs", name)
		}
	}
}

func TestParseKeyringErrors(t *testing.T) {
	key := func(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }
	valid := func(mod func(m map[string]any)) []byte {
		m := map[string]any{
			"kind":    Kind,
			"version": 1,
			"data":    []any{map[string]any{"id": 1, "created": "2026-01-05T09:00:00Z", "key": key(1)}},
			"chain":   map[string]any{"created": "2026-01-05T09:00:00Z", "key": key(2)},
			"index":   map[string]any{"created": "2026-01-05T09:00:00Z", "key": key(3)},
		}
		if mod != nil {
			mod(m)
		}
		b, _ := json.Marshal(m)
		return b
	}
	if _, err := ParseKeyring(valid(nil)); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	secrets := []string{key(1), key(2), key(3), key(1)[:12], key(2)[:12], key(3)[:12]}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"not json", []byte("{kind"), "not valid JSON"},
		{"not base64", []byte("%%%"), "neither JSON nor base64"},
		{"base64 of non-json", []byte(base64.StdEncoding.EncodeToString([]byte("hello"))), "does not hold a JSON object"},
		{"trailing data", append(valid(nil), []byte(` {}`)...), "data after"},
		{"wrong kind", valid(func(m map[string]any) { m["kind"] = "other" }), `"kind"`},
		{"future version", valid(func(m map[string]any) { m["version"] = 2 }), "version 2 is not supported"},
		{"no data keys", valid(func(m map[string]any) { m["data"] = []any{} }), "no data keys"},
		{"id zero", valid(func(m map[string]any) {
			m["data"] = []any{map[string]any{"created": "2026-01-05T09:00:00Z", "key": key(1)}}
		}), "has no id"},
		{"duplicate id", valid(func(m map[string]any) {
			d := map[string]any{"id": 1, "created": "2026-01-05T09:00:00Z", "key": key(1)}
			e := map[string]any{"id": 1, "created": "2026-01-05T09:00:00Z", "key": key(4)}
			m["data"] = []any{d, e}
		}), "appears twice"},
		{"short data key", valid(func(m map[string]any) {
			m["data"] = []any{map[string]any{"id": 1, "created": "2026-01-05T09:00:00Z", "key": key(1)[:20]}}
		}), "want 32"},
		{"no created", valid(func(m map[string]any) {
			m["data"] = []any{map[string]any{"id": 1, "key": key(1)}}
		}), "no creation time"},
		{"no chain", valid(func(m map[string]any) { delete(m, "chain") }), "no chain key"},
		{"no index", valid(func(m map[string]any) { delete(m, "index") }), "no index key"},
		{"chain with id", valid(func(m map[string]any) {
			m["chain"] = map[string]any{"id": 3, "created": "2026-01-05T09:00:00Z", "key": key(2)}
		}), "takes no id"},
		{"chain equals index", valid(func(m map[string]any) {
			m["index"] = map[string]any{"created": "2026-01-05T09:00:00Z", "key": key(2)}
		}), "the same"},
		{"data equals chain", valid(func(m map[string]any) {
			m["data"] = []any{map[string]any{"id": 1, "created": "2026-01-05T09:00:00Z", "key": key(2)}}
		}), "repeats another key"},
		// A key pasted under a misspelt field must not be echoed by the error.
		{"unknown field", valid(func(m map[string]any) { m[key(9)] = key(1) }), "unknown field"},
		{"bad base64 key", valid(func(m map[string]any) {
			m["chain"] = map[string]any{"created": "2026-01-05T09:00:00Z", "key": "!" + key(2)}
		}), "base64"},
		{"bad time", valid(func(m map[string]any) {
			m["chain"] = map[string]any{"created": key(2), "key": key(1)}
		}), "malformed value"},
		{"wrong type", valid(func(m map[string]any) { m["version"] = "1" }), "wrong type"},
		{"too large", bytes.Repeat([]byte(" "), maxKeyFile+1), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyring(tt.in)
			if err == nil {
				t.Fatal("parsed, want error")
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("code %q, want invalid", errs.CodeOf(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			assertNoSecret(t, "error", err.Error(), append(secrets, key(9)[:12]))
		})
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(`{"kind":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadKeyring(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want it to name %s", err, path)
	}
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("code %q, want invalid", errs.CodeOf(err))
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Error("error does not unwrap to *errs.Error")
	}
}
