package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// testParams are small Argon2id parameters that keep unit tests fast; the
// code paths are the same as with DefaultPasswordParams.
var testParams = PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(testParams, 2)
	enc, err := h.Hash(ctx, "correct battery horse stapler")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("PHC string %q lacks the expected prefix", enc)
	}
	again, _ := h.Hash(ctx, "correct battery horse stapler")
	if again == enc {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name     string
		password string
		hasher   *Hasher
		ok       bool
		rehash   bool
	}{
		{"right", "correct battery horse stapler", h, true, false},
		{"wrong", "correct battery horse staples", h, false, false},
		{"empty", "", h, false, false},
		{"params changed", "correct battery horse stapler", NewHasher(PasswordParams{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1), true, true},
		{"params changed, wrong password", "nope", NewHasher(PasswordParams{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := tc.hasher.Verify(ctx, tc.password, enc)
			if err != nil || ok != tc.ok || rehash != tc.rehash {
				t.Fatalf("Verify = %v, %v, %v; want %v, %v, nil", ok, rehash, err, tc.ok, tc.rehash)
			}
		})
	}
}

func TestDecodePHCRefusesMalformed(t *testing.T) {
	salt := "c29tZXNhbHRzb21lc2FsdA"                 // 16 bytes
	key := "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U" // 29 bytes
	for _, s := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
	} {
		if _, _, _, err := decodePHC(s); err == nil {
			t.Errorf("decodePHC(%q) accepted a malformed hash", s)
		}
	}
	if _, _, _, err := decodePHC("$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key); err != nil {
		t.Errorf("decodePHC refused a well-formed hash: %v", err)
	}
}

func TestHasherSemaphore(t *testing.T) {
	h := NewHasher(testParams, 1)
	h.Wait = 20 * time.Millisecond
	ctx := context.Background()
	if err := h.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	// The only slot is taken: a hash must wait, then report the server busy.
	if _, err := h.Hash(ctx, "whatever it is"); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("Hash with no free slot = %v, want %s", err, errs.Unavailable)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	h.Wait = time.Hour
	if _, _, err := h.Verify(cctx, "x", h.dummyHash()); err == nil {
		t.Fatal("Verify with a cancelled context and no free slot succeeded")
	}
	h.release()
	if _, err := h.Hash(ctx, "whatever it is"); err != nil {
		t.Fatalf("Hash after release: %v", err)
	}
}

func TestDummyHashNeverMatches(t *testing.T) {
	h := NewHasher(testParams, 1)
	d := h.dummyHash()
	p, _, _, err := decodePHC(d)
	if err != nil || p != testParams {
		t.Fatalf("dummy hash %q: params %+v, %v", d, p, err)
	}
	for _, pw := range []string{"", "password", d} {
		if ok, _, _ := h.Verify(context.Background(), pw, d); ok {
			t.Fatalf("a password matched the dummy hash")
		}
	}
}

// BenchmarkHashPassword reports the time of one Argon2id hash with the
// default parameters on one core: the figure DefaultPasswordParams was
// chosen by. Run it briefly: -benchtime 20x. Besides wall time (ms/hash) it
// reports the process's CPU time per hash (cpu-ms/hash), which stays close
// to the one-core cost when other work shares the machine.
func BenchmarkHashPassword(b *testing.B) {
	h := NewHasher(DefaultPasswordParams, 1)
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct battery horse stapler"); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/hash")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/hash")
	b.ReportMetric(float64(DefaultPasswordParams.Memory)/1024, "MiB")
}
