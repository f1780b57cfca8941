package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/crypto"
)

// keyFile writes a new key file and returns its path and the keyring a
// node would load from it.
func keyFile(t *testing.T) (string, *crypto.Keyring) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := crypto.GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	kr, err := crypto.LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, kr
}

// rotateFile does what keys rotate does to the file, in "another process":
// a fresh load, a new primary, an atomic write. It returns that keyring.
func rotateFile(t *testing.T, path string) *crypto.Keyring {
	t.Helper()
	kr, err := crypto.LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := kr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return kr
}

func keyOf(t *testing.T, sealed []byte) crypto.KeyID {
	t.Helper()
	id, err := crypto.KeyIDOf(sealed)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLiveKeysOpenReloadsOnUnknownKey(t *testing.T) {
	path, kr := keyFile(t)
	live := NewLiveKeys(path, kr, nil)
	s := live.Sealer(crypto.PurposeIdentity)
	old, err := s.Seal([]byte("Amina"), "child:x/given_names")
	if err != nil || keyOf(t, old) != 1 {
		t.Fatalf("seal: key %v, %v", keyOf(t, old), err)
	}

	other := rotateFile(t, path)
	resealed, changed, err := other.Sealer(crypto.PurposeIdentity).Reseal(old, "child:x/given_names")
	if err != nil || !changed || keyOf(t, resealed) != 2 {
		t.Fatalf("reseal in the other process: %v %v", changed, err)
	}
	// The node has not looked at the file yet: opening the re-sealed value
	// makes it.
	pt, err := s.Open(resealed, "child:x/given_names")
	if err != nil || string(pt) != "Amina" {
		t.Fatalf("open of a value under the new key: %q, %v", pt, err)
	}
	if live.Keyring().Primary() != 2 {
		t.Errorf("primary after reload = %d", live.Keyring().Primary())
	}
	if v, _ := s.Seal([]byte("x"), "a"); keyOf(t, v) != 2 {
		t.Error("new values are not sealed under the new primary")
	}
	if pt, err := s.Open(old, "child:x/given_names"); err != nil || string(pt) != "Amina" {
		t.Errorf("the old value no longer opens: %v", err)
	}
	if !s.NeedsRotation(old) || s.NeedsRotation(resealed) {
		t.Error("NeedsRotation does not follow the reloaded primary")
	}
	// A value under a key nobody holds still fails, naming the cause.
	if _, err := s.Open(append([]byte{1, 0, 0, 0, 9}, resealed[5:]...), "child:x/given_names"); !errors.Is(err, crypto.ErrUnknownKey) {
		t.Errorf("open under an unknown key: %v", err)
	}
}

func TestLiveKeysWatch(t *testing.T) {
	path, kr := keyFile(t)
	live := NewLiveKeys(path, kr, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { live.Watch(ctx, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	rotateFile(t, path)
	deadline := time.Now().Add(5 * time.Second)
	for live.Keyring().Primary() != 2 {
		if time.Now().After(deadline) {
			t.Fatal("Watch did not load the rotated key file")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLiveKeysRefusesForeignOrOldFiles(t *testing.T) {
	path, kr := keyFile(t)
	live := NewLiveKeys(path, kr, nil)
	s := live.Sealer(crypto.PurposeTOTP)
	oldCopy, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rotateFile(t, path)
	if changed, err := live.Reload(); !changed || err != nil {
		t.Fatalf("reload after rotation: %v %v", changed, err)
	}

	// An older copy, without the key that now seals new values.
	if err := os.WriteFile(path+".tmp", oldCopy, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	if changed, err := live.Reload(); changed || err == nil {
		t.Errorf("an older key file was accepted: %v %v", changed, err)
	}
	// Another node's key file.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := crypto.GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	if changed, err := live.Reload(); changed || err == nil {
		t.Errorf("another node's key file was accepted: %v %v", changed, err)
	}
	if live.Keyring().Primary() != 2 {
		t.Errorf("keys in use changed: primary %d", live.Keyring().Primary())
	}
	if v, err := s.Seal([]byte("secret"), "totp:user:1"); err != nil || keyOf(t, v) != 2 {
		t.Errorf("sealing after refused reloads: %v", err)
	}
	// A refused file is not read again on every request.
	if changed, err := live.Reload(); changed || err != nil {
		t.Errorf("unchanged refused file read again: %v %v", changed, err)
	}
}

// TestLiveKeysConcurrentRotation seals and opens from many goroutines
// while the key file is rotated and every value re-sealed under the new
// key by "another process": no call fails, and every value opens after.
func TestLiveKeysConcurrentRotation(t *testing.T) {
	path, kr := keyFile(t)
	live := NewLiveKeys(path, kr, nil)
	s := live.Sealer(crypto.PurposeIdentity)
	const n = 200
	var mu sync.Mutex
	vals := make([][]byte, n)
	for i := range vals {
		v, err := s.Seal(fmt.Appendf(nil, "value %d", i), fmt.Sprint("row:", i))
		if err != nil {
			t.Fatal(err)
		}
		vals[i] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { live.Watch(ctx, 5*time.Millisecond) })
	var failures, ops atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i = (i + 7) % n {
				mu.Lock()
				v := vals[i]
				mu.Unlock()
				pt, err := s.Open(v, fmt.Sprint("row:", i))
				if err != nil || string(pt) != fmt.Sprint("value ", i) {
					failures.Add(1)
					t.Errorf("open of row %d during rotation: %v", i, err)
					return
				}
				// An edit: the value sealed anew by the node.
				nv, err := s.Seal(pt, fmt.Sprint("row:", i))
				if err != nil {
					failures.Add(1)
					return
				}
				mu.Lock()
				vals[i] = nv
				mu.Unlock()
				ops.Add(1)
			}
		})
	}
	other := rotateFile(t, path)
	os2 := other.Sealer(crypto.PurposeIdentity)
	// Re-sealing starts at once, before the node has looked at the file:
	// it keeps sealing edits under key 1 until it does.
	resealPass := func() (left int) {
		for i := range vals {
			mu.Lock()
			v := vals[i]
			mu.Unlock()
			nv, changed, err := os2.Reseal(v, fmt.Sprint("row:", i))
			if err != nil {
				t.Fatalf("reseal row %d: %v", i, err)
			}
			if changed {
				left++
				mu.Lock()
				if string(vals[i]) == string(v) { // compare and swap, as the store does
					vals[i] = nv
				}
				mu.Unlock()
			}
		}
		return left
	}
	for pass := 0; pass < 50 && resealPass() > 0; pass++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	// An edit that took the old keyring just before the node reloaded may
	// land after the last pass: keys rotate counts what is left once more
	// and re-seals it (and --retire refuses while anything is left).
	resealPass()
	if live.Keyring().Primary() != 2 {
		t.Errorf("the node did not load the rotated key file")
	}
	if failures.Load() > 0 || ops.Load() == 0 {
		t.Fatalf("%d failures in %d operations", failures.Load(), ops.Load())
	}
	for i, v := range vals {
		if keyOf(t, v) != 2 {
			t.Errorf("row %d still under key %d", i, keyOf(t, v))
		}
		if pt, err := os2.Open(v, fmt.Sprint("row:", i)); err != nil || string(pt) != fmt.Sprint("value ", i) {
			t.Errorf("row %d lost: %v", i, err)
		}
	}
}
