package crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// The key file is JSON:
//
//	{
//	  "kind": "childcentre-keys",
//	  "version": 1,
//	  "data": [
//	    {"id": 1, "created": "2026-01-05T09:00:00Z", "key": "<base64 of 32 bytes>"},
//	    {"id": 2, "created": "2026-07-01T09:00:00Z", "key": "<base64 of 32 bytes>"}
//	  ],
//	  "chain": {"created": "2026-01-05T09:00:00Z", "key": "<base64 of 32 bytes>"},
//	  "index": {"created": "2026-01-05T09:00:00Z", "key": "<base64 of 32 bytes>"}
//	}
//
// "data" keys encrypt identifying fields; the one with the highest id is the
// primary and seals new values, older ones only open what they sealed until a
// rotation has re-sealed it and they are retired. "chain" keys the audit hash
// chain and "index" the blind indexes, pseudonyms and other derived secrets;
// both are long-lived (see Keyring). Unknown fields are refused so that a
// misspelt field name cannot silently drop a key.

// Kind is the value of the "kind" field of a key file.
const Kind = "childcentre-keys"

// FormatVersion is the version of the key-file format this package writes.
const FormatVersion = 1

// EnvKeys is the environment variable that may carry the key file, as its
// JSON or as the standard base64 of its JSON, instead of a file on disk.
const EnvKeys = "CHILDCENTRE_KEYS"

// KeySize is the length in bytes of every key in a key file.
const KeySize = 32

// maxKeyFile bounds what ParseKeyring reads: a key file with a thousand data
// keys is far below it.
const maxKeyFile = 1 << 20

type fileKey struct {
	ID      KeyID     `json:"id,omitempty"`
	Created time.Time `json:"created"`
	Key     []byte    `json:"key"` // encoding/json reads and writes []byte as standard base64
}

type keyFile struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version"`
	Data    []fileKey `json:"data"`
	Chain   *fileKey  `json:"chain"`
	Index   *fileKey  `json:"index"`
}

// ParseKeyring reads a key file from its JSON, or from the standard base64
// of its JSON (the form of the CHILDCENTRE_KEYS environment variable).
// Errors name what is wrong and never quote the input.
func ParseKeyring(data []byte) (*Keyring, error) {
	if len(data) > maxKeyFile {
		return nil, errs.E(errs.Invalid, "key file: larger than %d bytes", maxKeyFile)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errs.E(errs.Invalid, "key file: empty")
	}
	if data[0] != '{' {
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(data)))
		n, err := base64.StdEncoding.Decode(dec, data)
		if err != nil {
			// CorruptInputError carries only an offset, but say it in our words.
			return nil, errs.E(errs.Invalid, "key file: neither JSON nor base64 of JSON")
		}
		data = bytes.TrimSpace(dec[:n])
		if len(data) == 0 || data[0] != '{' {
			return nil, errs.E(errs.Invalid, "key file: base64 does not hold a JSON object")
		}
	}
	var f keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errs.E(errs.Invalid, "key file: data after the JSON object")
	}
	return fromFile(&f)
}

// jsonError describes a decoding failure without quoting the input: the
// messages of encoding/json may contain a character or a field name of it.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return errs.E(errs.Invalid, "key file: not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" && isKnownField(typ.Field) {
			return errs.E(errs.Invalid, "key file: field %q has the wrong type", typ.Field)
		}
		return errs.E(errs.Invalid, "key file: a field has the wrong type (at byte %d)", typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "key file: JSON ends early")
	}
	var b64 base64.CorruptInputError
	if errors.As(err, &b64) {
		return errs.E(errs.Invalid, "key file: a key is not valid base64")
	}
	// Unknown fields, bad times and the like: encoding/json would quote the
	// offending name or value, which may be key material pasted in the wrong place.
	return errs.E(errs.Invalid, "key file: unknown field or malformed value (expected fields: kind, version, data, chain, index; keys: id, created, key)")
}

var knownFields = map[string]bool{
	"kind": true, "version": true, "data": true, "chain": true, "index": true,
	"data.id": true, "data.created": true, "data.key": true,
	"chain.created": true, "chain.key": true, "chain.id": true,
	"index.created": true, "index.key": true, "index.id": true,
}

func isKnownField(f string) bool { return knownFields[f] }

func fromFile(f *keyFile) (*Keyring, error) {
	if f.Kind != Kind {
		return nil, errs.E(errs.Invalid, "key file: field \"kind\" must be %q", Kind)
	}
	if f.Version != FormatVersion {
		return nil, errs.E(errs.Invalid, "key file: version %d is not supported (this program reads version %d)", f.Version, FormatVersion)
	}
	if len(f.Data) == 0 {
		return nil, errs.E(errs.Invalid, "key file: no data keys")
	}
	k := &Keyring{data: make(map[KeyID]*dataKey, len(f.Data))}
	for i, fk := range f.Data {
		if fk.ID == 0 {
			return nil, errs.E(errs.Invalid, "key file: data key %d has no id (ids start at 1)", i+1)
		}
		if _, dup := k.data[fk.ID]; dup {
			return nil, errs.E(errs.Invalid, "key file: data key id %d appears twice", fk.ID)
		}
		if len(fk.Key) != KeySize {
			return nil, errs.E(errs.Invalid, "key file: data key %d is %d bytes, want %d", fk.ID, len(fk.Key), KeySize)
		}
		if fk.Created.IsZero() {
			return nil, errs.E(errs.Invalid, "key file: data key %d has no creation time", fk.ID)
		}
		k.data[fk.ID] = &dataKey{id: fk.ID, created: fk.Created.UTC(), key: fk.Key}
		k.primary = max(k.primary, fk.ID)
	}
	for _, s := range []struct {
		name string
		fk   *fileKey
		dst  **rootKey
	}{{"chain", f.Chain, &k.chain}, {"index", f.Index, &k.index}} {
		if s.fk == nil {
			return nil, errs.E(errs.Invalid, "key file: no %s key", s.name)
		}
		if s.fk.ID != 0 {
			return nil, errs.E(errs.Invalid, "key file: the %s key takes no id", s.name)
		}
		if len(s.fk.Key) != KeySize {
			return nil, errs.E(errs.Invalid, "key file: %s key is %d bytes, want %d", s.name, len(s.fk.Key), KeySize)
		}
		if s.fk.Created.IsZero() {
			return nil, errs.E(errs.Invalid, "key file: %s key has no creation time", s.name)
		}
		*s.dst = &rootKey{created: s.fk.Created.UTC(), key: s.fk.Key}
	}
	if bytes.Equal(k.chain.key, k.index.key) {
		return nil, errs.E(errs.Invalid, "key file: chain and index keys are the same; each key must be generated on its own")
	}
	for _, d := range k.data {
		if bytes.Equal(d.key, k.chain.key) || bytes.Equal(d.key, k.index.key) {
			return nil, errs.E(errs.Invalid, "key file: data key %d repeats another key; each key must be generated on its own", d.id)
		}
	}
	return k, nil
}

// Marshal returns the key file of k as indented JSON, data keys in id order.
// The result is secret: write it only to a file of mode 0600 (WriteFile).
func (k *Keyring) Marshal() ([]byte, error) {
	k.mu.RLock()
	f := keyFile{Kind: Kind, Version: FormatVersion}
	for _, d := range k.data {
		f.Data = append(f.Data, fileKey{ID: d.id, Created: d.created, Key: d.key})
	}
	f.Chain = &fileKey{Created: k.chain.created, Key: k.chain.key}
	f.Index = &fileKey{Created: k.index.created, Key: k.index.key}
	k.mu.RUnlock()
	sort.Slice(f.Data, func(i, j int) bool { return f.Data[i].ID < f.Data[j].ID })
	b, err := json.MarshalIndent(&f, "", "  ")
	if err != nil {
		return nil, errs.Wrap(err, "crypto: encode key file")
	}
	return append(b, '\n'), nil
}

// NewKeyring returns a keyring with fresh random keys: one data key (id 1),
// a chain key and an index key, all created at now.
func NewKeyring(now time.Time) *Keyring {
	now = now.UTC().Truncate(time.Second)
	return &Keyring{
		data:    map[KeyID]*dataKey{1: {id: 1, created: now, key: randomKey()}},
		primary: 1,
		chain:   &rootKey{created: now, key: randomKey()},
		index:   &rootKey{created: now, key: randomKey()},
	}
}

// GenerateKeyFile writes a new key file with fresh keys at path, with mode
// 0600. It refuses to overwrite an existing file: losing a key file loses
// every value sealed with it.
func GenerateKeyFile(path string) error {
	b, err := NewKeyring(time.Now()).Marshal()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return errs.E(errs.Conflict, "key file %s already exists; refusing to overwrite it", path)
	}
	if err != nil {
		return errs.Wrap(err, "crypto: create key file")
	}
	if err := writeSync(f, b); err != nil {
		os.Remove(path)
		return errs.Wrap(err, "crypto: write key file")
	}
	return syncDir(filepath.Dir(path))
}

// LoadKeyring reads the key file at path. It refuses a file that its group
// or other users may read or write: the keys protect children's identities.
func LoadKeyring(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.Invalid, "key file %s does not exist (create one with 'childcentre keys generate')", path)
	}
	if err != nil {
		return nil, errs.Wrap(err, "crypto: open key file")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, errs.Wrap(err, "crypto: stat key file")
	}
	if err := checkMode(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, errs.Wrap(err, "crypto: read key file")
	}
	k, err := ParseKeyring(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// checkMode refuses key files that are not regular files or that the group
// or others may access. Windows has no such mode bits; its ACLs are the
// administrator's business there.
func checkMode(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return errs.E(errs.Invalid, "key file %s is not a regular file", path)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return errs.E(errs.Invalid, "key file %s has mode %04o: group or others may access it; run 'chmod 600 %s'", path, perm, path)
	}
	return nil
}

// WriteFile replaces the key file at path with k, atomically: it writes a
// temporary file of mode 0600 beside it, syncs it and renames it over path,
// so that a crash leaves either the old or the new key file, never half of one.
func (k *Keyring) WriteFile(path string) error {
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".keys-*.tmp") // CreateTemp uses mode 0600
	if err != nil {
		return errs.Wrap(err, "crypto: create temporary key file")
	}
	tmp := f.Name()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(tmp)
		return errs.Wrap(err, "crypto: chmod temporary key file")
	}
	if err := writeSync(f, b); err != nil {
		os.Remove(tmp)
		return errs.Wrap(err, "crypto: write key file")
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return errs.Wrap(err, "crypto: replace key file")
	}
	return syncDir(dir)
}

// writeSync writes b to f, syncs and closes it.
func writeSync(f *os.File, b []byte) error {
	_, err := f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a created or renamed file's directory entry durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return errs.Wrap(err, "crypto: open key directory")
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return errs.Wrap(err, "crypto: sync key directory")
	}
	return nil
}
