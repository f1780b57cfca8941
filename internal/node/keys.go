package node

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Key rotation happens while the node serves (childcentre keys rotate, in
// another process): the command adds a new primary data key to the key
// file, then re-seals every value under it. A running node holds its
// keyring in memory, so it follows the key file:
//
//   - Open of a value sealed under a key the node does not hold re-reads
//     the key file (once per change of the file) and tries again, so a
//     value the command has just re-sealed opens at once;
//   - Watch looks at the file every KeyReloadInterval and loads it when it
//     changed, so that the node seals new values under the new primary
//     within that interval (the command waits longer than that before it
//     re-seals, and checks afterwards that nothing under an old key is left).
//
// Only data keys change: a key file whose chain or index key differs from
// the running one (another node's file, a restored old copy) or that no
// longer holds the key sealing new values is refused and logged, and the
// node keeps its keys.

// KeyReloadInterval is how often Watch looks at the key file. keys rotate
// waits twice as long (its --settle default) before re-sealing.
const KeyReloadInterval = 5 * time.Second

// LiveKeys is a node's keyring following its key file. It is safe for
// concurrent use.
type LiveKeys struct {
	path string // "" when the keys came from CHILDCENTRE_KEYS: nothing to follow
	log  *slog.Logger
	cur  atomic.Pointer[generation]

	mu   sync.Mutex // serialises reloads
	stat os.FileInfo
}

// generation is one loaded keyring with its sealers.
type generation struct {
	kr      *crypto.Keyring
	mu      sync.Mutex
	sealers map[string]*crypto.Sealer
}

func (g *generation) sealer(purpose string) *crypto.Sealer {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.sealers[purpose]
	if !ok {
		s = g.kr.Sealer(purpose)
		g.sealers[purpose] = s
	}
	return s
}

// NewLiveKeys returns the keys kr, loaded from the key file at path, that
// follow later changes of the file; with an empty path (keys from the
// environment) they never change.
func NewLiveKeys(path string, kr *crypto.Keyring, logger *slog.Logger) *LiveKeys {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// The file is not marked as seen: it may have changed since kr was
	// loaded from it, so the first Reload loads it again.
	k := &LiveKeys{path: path, log: logger}
	k.cur.Store(&generation{kr: kr, sealers: map[string]*crypto.Sealer{}})
	return k
}

// Keyring returns the current keyring. Its chain and index keys never
// change, so what is derived from them (audit chain, blind indexes, CSRF
// key, pseudonyms) may be kept; sealing goes through Sealer.
func (k *LiveKeys) Keyring() *crypto.Keyring { return k.cur.Load().kr }

// Sealer returns a sealer of purpose that always uses the current
// keyring; it satisfies cases.Sealer and auth.Sealer.
func (k *LiveKeys) Sealer(purpose string) *LiveSealer {
	k.cur.Load().sealer(purpose) // checks the purpose label now, not on first use
	return &LiveSealer{k: k, purpose: purpose}
}

// Reload loads the key file if it changed since it was last loaded, and
// reports whether the keyring changed. A file that cannot be used is
// logged and reported; the keys in use are kept.
func (k *LiveKeys) Reload() (bool, error) {
	if k.path == "" {
		return false, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	fi, err := os.Stat(k.path)
	if err != nil {
		return false, errs.Wrap(err, "node: key file")
	}
	if k.stat != nil && os.SameFile(k.stat, fi) && fi.ModTime().Equal(k.stat.ModTime()) && fi.Size() == k.stat.Size() {
		return false, nil
	}
	// The file is marked as seen whatever happens below: a bad file is
	// reported once, not on every request, until it changes again.
	k.stat = fi
	next, err := crypto.LoadKeyring(k.path)
	if err != nil {
		k.log.Error("key file changed but cannot be loaded; keeping the keys in use", "err", err)
		return false, err
	}
	cur := k.cur.Load().kr
	if err := compatible(cur, next); err != nil {
		k.log.Error("key file changed but is refused; keeping the keys in use", "err", err)
		return false, err
	}
	if sameDataKeys(cur, next) {
		return false, nil
	}
	k.cur.Store(&generation{kr: next, sealers: map[string]*crypto.Sealer{}})
	k.log.Info("key file reloaded", "primary", uint32(next.Primary()), "data_keys", len(next.Keys()))
	return true, nil
}

// compatible checks that next may replace cur in a running node: the same
// chain and index keys (compared through derived values, never printed),
// and the key that sealed the newest values still there.
func compatible(cur, next *crypto.Keyring) error {
	for _, purpose := range []string{crypto.PurposeAuditChain, "key-file-check"} {
		if subtle.ConstantTimeCompare(cur.Derive(purpose, 32), next.Derive(purpose, 32)) != 1 {
			return errs.E(errs.Conflict, "the key file's chain or index key is not this node's: only data keys may change while the node runs")
		}
	}
	held := false
	for _, ki := range next.Keys() {
		if ki.ID == cur.Primary() {
			held = true
		}
	}
	if !held || next.Primary() < cur.Primary() {
		return errs.E(errs.Conflict, "the key file no longer holds data key %d, which seals new values: it is an older copy", cur.Primary())
	}
	return nil
}

// sameDataKeys reports whether a and b hold data keys of the same ids and
// primary (ids are never reused with other material: Rotate only counts
// up, and compatible refuses a file going back).
func sameDataKeys(a, b *crypto.Keyring) bool {
	ka, kb := a.Keys(), b.Keys()
	if len(ka) != len(kb) || a.Primary() != b.Primary() {
		return false
	}
	for i := range ka {
		if ka[i].ID != kb[i].ID {
			return false
		}
	}
	return true
}

// Watch reloads the key file every interval (KeyReloadInterval when not
// positive) until ctx ends. Run it in its own goroutine beside Serve.
func (k *LiveKeys) Watch(ctx context.Context, interval time.Duration) {
	if k.path == "" {
		return
	}
	if interval <= 0 {
		interval = KeyReloadInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = k.Reload() // failures are logged by Reload
		}
	}
}

// LiveSealer seals with the current keyring of a LiveKeys.
type LiveSealer struct {
	k       *LiveKeys
	purpose string
}

func (s *LiveSealer) current() *crypto.Sealer { return s.k.cur.Load().sealer(s.purpose) }

// Seal seals under the current primary data key.
func (s *LiveSealer) Seal(plaintext []byte, aad string) ([]byte, error) {
	return s.current().Seal(plaintext, aad)
}

// Open opens a sealed value; a value under a key the node does not hold
// yet (just re-sealed by a rotation) makes it reload the key file and try
// again.
func (s *LiveSealer) Open(sealed []byte, aad string) ([]byte, error) {
	pt, err := s.current().Open(sealed, aad)
	if err == nil || !errors.Is(err, crypto.ErrUnknownKey) {
		return pt, err
	}
	if changed, _ := s.k.Reload(); !changed {
		// Another request may have reloaded meanwhile: try the keyring now current.
		if pt, err2 := s.current().Open(sealed, aad); err2 == nil {
			return pt, nil
		}
		return nil, err
	}
	return s.current().Open(sealed, aad)
}

// NeedsRotation reports whether a value is sealed under a key other than
// the current primary.
func (s *LiveSealer) NeedsRotation(sealed []byte) bool { return s.current().NeedsRotation(sealed) }

// String names the sealer; it holds no key material of its own.
func (s *LiveSealer) String() string { return "node.LiveSealer(" + s.purpose + ")" }
