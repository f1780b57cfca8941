package crypto

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

func TestSealRoundTrip(t *testing.T) {
	s := testKeyring(t).Sealer(PurposeIdentity)
	for _, pt := range [][]byte{nil, {}, []byte("Łukasz"), []byte("Олександр Коваленко"), bytes.Repeat([]byte{0xa5}, 70000)} {
		sealed, err := s.Seal(pt, "child:12/given_name")
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed) != len(pt)+Overhead {
			t.Errorf("sealed length %d, want %d", len(sealed), len(pt)+Overhead)
		}
		if len(pt) > 4 && bytes.Contains(sealed, pt) {
			t.Error("sealed value contains the plaintext")
		}
		got, err := s.Open(sealed, "child:12/given_name")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Errorf("Open = %q, want %q", got, pt)
		}
	}
	a, _ := s.Seal([]byte("same"), "x")
	b, _ := s.Seal([]byte("same"), "x")
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: nonces repeat")
	}
}

func TestSealTamper(t *testing.T) {
	s := testKeyring(t).Sealer(PurposeIdentity)
	sealed, err := s.Seal([]byte("Nguyễn Văn An"), "child:12/given_name")
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sealed)
			bad[i] ^= bit
			if pt, err := s.Open(bad, "child:12/given_name"); err == nil {
				t.Fatalf("byte %d bit %#x flipped: opened to %q", i, bit, pt)
			} else if !errors.Is(err, ErrOpen) && !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("byte %d: error %v wraps neither ErrOpen nor ErrUnknownKey", i, err)
			}
		}
	}
	for _, n := range []int{0, 1, 5, Overhead - 1, len(sealed) - 1} {
		if _, err := s.Open(sealed[:n], "child:12/given_name"); !errors.Is(err, ErrOpen) {
			t.Errorf("truncated to %d: err = %v, want ErrOpen", n, err)
		}
	}
	if _, err := s.Open(append(bytes.Clone(sealed), 0), "child:12/given_name"); err == nil {
		t.Error("opened with a byte appended")
	}
}

func TestSealBinding(t *testing.T) {
	k := testKeyring(t)
	s := k.Sealer(PurposeIdentity)
	sealed, err := s.Seal([]byte("Kazlauskaitė"), "child:12/family_name")
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range []string{"child:13/family_name", "child:12/given_name", "", "child:12/family_name ", "child:1/2family_name"} {
		if _, err := s.Open(sealed, aad); !errors.Is(err, ErrOpen) {
			t.Errorf("opened under aad %q: err = %v", aad, err)
		}
	}
	if _, err := k.Sealer(PurposeTOTP).Open(sealed, "child:12/family_name"); !errors.Is(err, ErrOpen) {
		t.Errorf("opened under another purpose: err = %v", err)
	}
	if _, err := testKeyring(t).Sealer(PurposeIdentity).Open(sealed, "child:12/family_name"); !errors.Is(err, ErrOpen) {
		t.Errorf("opened under another keyring: err = %v", err)
	}
	_, err = s.Open(sealed, "child:13/family_name")
	if errs.MessageOf(err) == "" || bytes.Contains([]byte(err.Error()), []byte("Kazlauskait")) {
		t.Errorf("error %q", err)
	}
}

func TestSealRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	s := k.Sealer(PurposeIdentity) // created before the rotation, must follow it
	old, err := s.Seal([]byte("Muhammad"), "child:1/given_name")
	if err != nil {
		t.Fatal(err)
	}
	if s.NeedsRotation(old) {
		t.Error("a value under the primary needs rotation")
	}
	if id, err := k.Rotate(); err != nil || id != 2 {
		t.Fatalf("Rotate = %d", id)
	}
	if err := k.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if !s.NeedsRotation(old) {
		t.Error("a value under the old key does not need rotation")
	}
	if pt, err := s.Open(old, "child:1/given_name"); err != nil || string(pt) != "Muhammad" {
		t.Errorf("old value after rotation: %q, %v", pt, err)
	}
	fresh, err := s.Seal([]byte("Mohammed"), "child:2/given_name")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := KeyIDOf(fresh); id != 2 || s.NeedsRotation(fresh) {
		t.Errorf("new value sealed under key %d, want 2", id)
	}

	// The rotation job: re-seal, then retire the old key.
	resealed, changed, err := s.Reseal(old, "child:1/given_name")
	if err != nil || !changed {
		t.Fatalf("Reseal: changed=%v err=%v", changed, err)
	}
	if again, changed, err := s.Reseal(resealed, "child:1/given_name"); err != nil || changed || !bytes.Equal(again, resealed) {
		t.Errorf("Reseal of a current value: changed=%v err=%v", changed, err)
	}
	if _, _, err := s.Reseal(old, "child:9/given_name"); !errors.Is(err, ErrOpen) {
		t.Errorf("Reseal under the wrong aad: err = %v", err)
	}
	if err := k.Retire(1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(old, "child:1/given_name"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("value under a retired key: err = %v, want ErrUnknownKey", err)
	}
	if pt, err := s.Open(resealed, "child:1/given_name"); err != nil || string(pt) != "Muhammad" {
		t.Errorf("resealed value: %q, %v", pt, err)
	}

	// A second process loading the rotated file opens both generations.
	k2, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	s2 := k2.Sealer(PurposeIdentity)
	for _, v := range [][]byte{old, fresh} {
		if _, err := s2.Open(v, map[bool]string{true: "child:1/given_name", false: "child:2/given_name"}[bytes.Equal(v, old)]); err != nil {
			t.Errorf("reloaded keyring: %v", err)
		}
	}
}

// TestSealConcurrentRotation seals and opens while keys rotate; run with -race.
func TestSealConcurrentRotation(t *testing.T) {
	k := testKeyring(t)
	s := k.Sealer(PurposeIdentity)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				v, err := s.Seal([]byte("value"), "child:1/notes")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Open(v, "child:1/notes"); err != nil {
					t.Error(err)
					return
				}
				s.NeedsRotation(v)
			}
		}()
	}
	for i := 0; i < 20; i++ {
		mustRotate(t, k)
		k.Pseudonym(PurposeAddrPseudonym, "198.51.100.1")
		_ = k.String()
	}
	wg.Wait()
}

func BenchmarkSeal(b *testing.B) {
	s := testKeyring(b).Sealer(PurposeIdentity)
	pt := []byte("Oleksandr Kovalenko")
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		s.Seal(pt, "child:123456/given_name")
	}
}

func BenchmarkOpen(b *testing.B) {
	s := testKeyring(b).Sealer(PurposeIdentity)
	v, _ := s.Seal([]byte("Oleksandr Kovalenko"), "child:123456/given_name")
	for b.Loop() {
		if _, err := s.Open(v, "child:123456/given_name"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	k := testKeyring(b)
	for b.Loop() {
		k.BlindIndex(BlindIndexName, "oleksandr")
	}
}
