package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// PasswordParams are the Argon2id parameters of new password hashes. Stored
// hashes carry their own parameters (PHC string), so raising these never
// locks anyone out: a hash made with other parameters is replaced at the
// user's next successful sign-in.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultPasswordParams were chosen by measurement on the project's
// reference machine (AMD EPYC, 2 cores shared), with
//
//	go test ./internal/auth -run '^$' -bench BenchmarkHashPassword -benchtime 20x
//
// m=64 MiB, t=2, p=1 takes about 86 ms per hash on one core (m=19 MiB, t=2,
// OWASP's minimum, takes 38 ms; m=64 MiB, t=3 takes 134 ms). It is about
// three times OWASP's minimum memory, which is what makes GPU and ASIC
// guessing expensive, while staying under 100 ms of one core per sign-in:
// with the hashing semaphore at two slots the node verifies about 20
// passwords a second and holds at most 128 MiB for hashing. One lane, because
// parallel lanes would let a single sign-in take both shared cores.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on parameters read back from the database: a tampered or corrupt
// hash must not make the server allocate gigabytes or spin for minutes.
const (
	maxHashMemory = 1 << 20 // 1 GiB, in KiB
	maxHashTime   = 64
)

// Hasher hashes and verifies passwords with Argon2id. Argon2id is memory-hard
// on purpose, which makes each hash a lever for denial of service: a
// semaphore bounds how many run at once (and so the memory they hold), and a
// caller that cannot get a slot within Wait is told the server is busy.
type Hasher struct {
	Params PasswordParams
	Wait   time.Duration
	sem    chan struct{}
}

// NewHasher returns a Hasher running at most concurrency hashes at once
// (GOMAXPROCS when ≤ 0). Zero params take DefaultPasswordParams.
func NewHasher(p PasswordParams, concurrency int) *Hasher {
	if p == (PasswordParams{}) {
		p = DefaultPasswordParams
	}
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	return &Hasher{Params: p, Wait: 10 * time.Second, sem: make(chan struct{}, concurrency)}
}

var errBusy = errs.E(errs.Unavailable, "The server is busy. Please try again in a moment.")

// acquire takes a hashing slot; release it with h.release().
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(h.Wait)
	defer t.Stop()
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errs.Wrap(ctx.Err(), "auth: wait for hashing slot")
	case <-t.C:
		return errBusy
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of an Argon2id hash of password, which must
// already be normalised (NormalizePassword).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	p := h.Params
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails (crypto/rand since Go 1.24)
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	h.release()
	return encodePHC(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash should be replaced because it was made with parameters
// other than h.Params. The comparison takes constant time.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	h.release()
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && p != h.Params, nil
}

// dummyHash returns a PHC string with h.Params and random salt and key:
// verifying any password against it costs exactly one hash and fails. It
// stands in for the hash of an unknown account, so that timing does not tell
// whether an account exists.
func (h *Hasher) dummyHash() string {
	salt := make([]byte, h.Params.SaltLen)
	key := make([]byte, h.Params.KeyLen)
	rand.Read(salt)
	rand.Read(key)
	return encodePHC(h.Params, salt, key)
}

var b64 = base64.RawStdEncoding // PHC strings use unpadded standard base64

func encodePHC(p PasswordParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errs.E(errs.Internal, "auth: malformed password hash")

// decodePHC parses "$argon2id$v=19$m=M,t=T,p=P$salt$key", refusing other
// algorithms, versions and out-of-range parameters.
func decodePHC(s string) (p PasswordParams, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var m, t, th uint64
	for i, kv := range strings.Split(parts[3], ",") {
		name, val, ok := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(val, 10, 32)
		if !ok || perr != nil || name != [...]string{"m", "t", "p"}[min(i, 2)] || i > 2 {
			return p, nil, nil, errBadHash
		}
		switch name {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			th = n
		}
	}
	if th < 1 || th > 255 || t < 1 || t > maxHashTime || m < 8*th || m > maxHashMemory {
		return p, nil, nil, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	p = PasswordParams{Memory: uint32(m), Time: uint32(t), Threads: uint8(th), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	return p, salt, key, nil
}
