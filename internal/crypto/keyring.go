// Package crypto holds the key material of a node and what is built on it:
// sealing of identifying fields at rest (an AEAD bound to record and field),
// subkeys for the audit chain and CSRF tokens, keyed pseudonyms of client
// addresses and blind indexes for search over encrypted names.
//
// A Keyring has three kinds of keys, each 32 random bytes:
//
//   - data keys, numbered from 1, seal identifying fields. The newest (the
//     highest id) is the primary and seals every new value; older ones are
//     kept to open what they sealed. Rotate adds a new primary; a rotation job
//     re-seals every value whose NeedsRotation is true, and Retire then drops
//     the old key. A sealed value names its key id, so both generations open
//     during the re-sealing, which therefore needs no downtime.
//   - the chain key keys the audit log's hash chain. It is never rotated:
//     every entry's hash depends on it, so a new chain key would make every
//     existing entry fail verification. Should it ever leak, the remedy is to
//     verify the log under the old key, archive it with its verification
//     report and start a new chain (a new key file and a new log).
//   - the index key is the root of blind indexes, address pseudonyms and the
//     other derived secrets (Derive). It is long-lived too: rotating it means
//     recomputing every blind index from the decrypted values, and breaks the
//     link between old and new pseudonyms in the audit log. The key-file
//     format is versioned so that index generations can be added later.
//
// Subkeys are derived with HKDF-SHA256 under fixed labels, so one secret
// never serves two purposes. Nothing in this package prints key material:
// Keyring and Sealer redact themselves under fmt and log/slog, and error
// messages name keys by id.
package crypto

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// KeyID numbers a data key. Ids start at 1 and grow with each rotation.
type KeyID uint32

// Labels of derived secrets. A label is part of the derivation: changing one
// changes the secret, so a shipped label is never renamed.
const (
	// PurposeAuditChain derives the audit chain's HMAC key from the chain key:
	// audit.NewChain(k.Derive(crypto.PurposeAuditChain, 32)).
	PurposeAuditChain = "audit-chain"
	// PurposeAuditCheckpoint derives, from the chain key too, the Ed25519
	// seed that signs checkpoints of the audit log's head: it lives as long
	// as the chain, so witnesses keep one public key per node.
	PurposeAuditCheckpoint = "audit-checkpoint"
	// PurposeCSRF derives the key of CSRF tokens.
	PurposeCSRF = "csrf"
	// PurposeAddrPseudonym is the Pseudonym purpose of client addresses in
	// the audit log and in sessions.
	PurposeAddrPseudonym = "addr-pseudonym"
	// PurposeTOTP is the Sealer purpose of second-factor secrets.
	PurposeTOTP = "totp-secret"
	// PurposeIdentity is the Sealer purpose of children's identifying fields.
	PurposeIdentity = "identity"
	// BlindIndexName is the BlindIndex purpose of name tokens; its derived
	// key has the label "blind-index/name".
	BlindIndexName = "name"
)

// PseudonymLen is the length in hex digits of a Pseudonym (64 bits).
const PseudonymLen = 16

// BlindIndexLen is the length in bytes of a BlindIndex (128 bits).
const BlindIndexLen = 16

var purposeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]{0,63}$`)

type dataKey struct {
	id      KeyID
	created time.Time
	key     []byte
}

type rootKey struct {
	created time.Time
	key     []byte
}

// Keyring is a node's key material, made by NewKeyring, LoadKeyring or
// ParseKeyring (the zero value holds no keys). It is safe for concurrent use;
// Rotate and Retire may run while other goroutines seal and open.
type Keyring struct {
	mu      sync.RWMutex
	data    map[KeyID]*dataKey
	primary KeyID
	// chain and index are pointers so that even a printed copy of a
	// Keyring value (which fmt would walk field by field) shows addresses.
	chain *rootKey
	index *rootKey

	// derived caches subkeys of the chain and index keys by label, and
	// macs pools of HMACs keyed with them; those keys never change, so
	// neither do their subkeys.
	derived sync.Map // subkeyID -> []byte
	macs    sync.Map // label -> *sync.Pool of hash.Hash

	// Now is the clock of Rotate; nil means time.Now.
	Now func() time.Time
}

// KeyInfo describes a data key without its material.
type KeyInfo struct {
	ID      KeyID
	Created time.Time
	Primary bool
}

// Keys lists the data keys in id order.
func (k *Keyring) Keys() []KeyInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]KeyInfo, 0, len(k.data))
	for _, d := range k.data {
		out = append(out, KeyInfo{ID: d.id, Created: d.created, Primary: d.id == k.primary})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Primary returns the id of the key that seals new values.
func (k *Keyring) Primary() KeyID {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.primary
}

// Rotate adds a fresh data key and makes it the primary; it returns its id.
// Values sealed before stay readable. The caller persists the keyring
// (WriteFile) before sealing anything with the new key: a value sealed under
// a key that was never saved is lost when the process ends. It fails only
// when the ids are exhausted (a crafted key file).
func (k *Keyring) Rotate() (KeyID, error) {
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	d := &dataKey{created: now().UTC().Truncate(time.Second), key: randomKey()}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.primary == math.MaxUint32 {
		return 0, errs.E(errs.Conflict, "data key ids are exhausted")
	}
	d.id = k.primary + 1
	k.data[d.id] = d
	k.primary = d.id
	return d.id, nil
}

// Retire removes an older data key once nothing sealed under it remains.
// The primary cannot be retired. Values still sealed under a retired key no
// longer open, so the caller first re-seals every one (NeedsRotation).
func (k *Keyring) Retire(id KeyID) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id == k.primary {
		return errs.E(errs.Conflict, "data key %d is the primary and cannot be retired", id)
	}
	if _, ok := k.data[id]; !ok {
		return errs.E(errs.NotFound, "no data key %d", id)
	}
	delete(k.data, id)
	return nil
}

// Derive returns an n-byte secret for purpose, derived with HKDF-SHA256.
// PurposeAuditChain and PurposeAuditCheckpoint derive from the chain key,
// every other label from the index key. Labels are fixed strings of the program ([a-z0-9._/-], at most
// 64): Derive panics on a malformed label or an n outside 1..8160, which are
// programming errors.
func (k *Keyring) Derive(purpose string, n int) []byte {
	if n < 1 || n > 255*sha256.Size {
		panic("crypto: Derive length out of range: " + strconv.Itoa(n))
	}
	root := k.index.key
	if purpose == PurposeAuditChain || purpose == PurposeAuditCheckpoint {
		root = k.chain.key
	}
	return k.subkey(root, "derive/"+purpose, n)
}

// Pseudonym returns a keyed hash of value: HMAC-SHA256 under a key derived
// for purpose, as PseudonymLen hex digits. The same value gives the same
// pseudonym on this node, so the audit log can tell that two events came
// from one address without holding the address.
func (k *Keyring) Pseudonym(purpose, value string) string {
	var sum [sha256.Size]byte
	k.mac("pseudonym/"+purpose, value, sum[:0])
	return hex.EncodeToString(sum[:PseudonymLen/2])
}

// BlindIndex returns a keyed hash of a search token (a normalised name or a
// phonetic code) for purpose, e.g. BlindIndexName, whose key has the label
// "blind-index/name": HMAC-SHA256 truncated to BlindIndexLen bytes. Equal
// tokens give equal indexes, so the database can match them without holding
// the token. Callers normalise tokens before indexing.
func (k *Keyring) BlindIndex(purpose, token string) []byte {
	return k.mac("blind-index/"+purpose, token, make([]byte, 0, sha256.Size))[:BlindIndexLen]
}

// mac appends HMAC-SHA256(subkey of the index key under label, msg) to
// dst. HMACs are pooled per label: a reset HMAC resumes from its keyed
// state, which saves deriving the key and hashing its pads on every call
// (blind indexes are computed for every token of every record).
func (k *Keyring) mac(label, msg string, dst []byte) []byte {
	p, ok := k.macs.Load(label)
	if !ok {
		key := k.subkey(k.index.key, label, sha256.Size) // checks the label
		p, _ = k.macs.LoadOrStore(label, &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }})
	}
	pool := p.(*sync.Pool)
	m := pool.Get().(hash.Hash)
	m.Reset()
	io.WriteString(m, msg)
	dst = m.Sum(dst)
	pool.Put(m)
	return dst
}

// subkey derives (and caches) a subkey of root under label. The info string
// carries a version and the function ("derive/", "pseudonym/", "seal/"), so
// the same purpose in two functions still gives two keys.
func (k *Keyring) subkey(root []byte, label string, n int) []byte {
	checkPurpose(label)
	cacheKey := subkeyID{label, n}
	if v, ok := k.derived.Load(cacheKey); ok {
		return append([]byte(nil), v.([]byte)...)
	}
	b := hkdfKey(root, label, n)
	k.derived.Store(cacheKey, b)
	return append([]byte(nil), b...)
}

type subkeyID struct {
	label string
	n     int
}

func checkPurpose(label string) {
	_, purpose, _ := strings.Cut(label, "/")
	if !purposeRE.MatchString(purpose) {
		panic("crypto: malformed purpose label " + strconv.Quote(purpose))
	}
}

func hkdfKey(root []byte, label string, n int) []byte {
	b, err := hkdf.Key(sha256.New, root, nil, "childcentre/v1/"+label, n)
	if err != nil {
		panic("crypto: hkdf: " + err.Error()) // only for n out of range, checked by callers
	}
	return b
}

func randomKey() []byte {
	b := make([]byte, KeySize)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return b
}

// String describes the keyring by key ids and dates only.
func (k *Keyring) String() string {
	if k == nil {
		return "crypto.Keyring(nil)"
	}
	var b strings.Builder
	b.WriteString("crypto.Keyring{data keys:")
	for _, ki := range k.Keys() {
		fmt.Fprintf(&b, " %d (%s)", ki.ID, ki.Created.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, "; primary %d; chain key; index key; material redacted}", k.Primary())
	return b.String()
}

// GoString redacts like String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Format redacts the keyring under every fmt verb, including %v, %+v and
// %x, which would otherwise print its fields.
func (k *Keyring) Format(f fmt.State, verb rune) { fmt.Fprint(f, k.String()) }

// LogValue redacts the keyring in log/slog records.
func (k *Keyring) LogValue() slog.Value { return slog.StringValue(k.String()) }

// WithNewIndexKey returns a copy of k with a fresh random index key (issue
// 10 M3): the data and chain keys are the same, so sealed values and the
// audit chain stay readable, but every blind index, linkage encoding,
// address pseudonym and CSRF key derived from the index key changes. The
// caller recomputes the blind indexes and encodings ('childcentre keys
// rotate-index') before it replaces the key file.
func (k *Keyring) WithNewIndexKey(now time.Time) *Keyring {
	k.mu.RLock()
	defer k.mu.RUnlock()
	n := &Keyring{data: make(map[KeyID]*dataKey, len(k.data)), primary: k.primary, chain: k.chain,
		index: &rootKey{created: now.UTC().Truncate(time.Second), key: randomKey()}, Now: k.Now}
	for id, d := range k.data {
		n.data[id] = d
	}
	return n
}
