package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// HashSize is the length of an entry hash.
const HashSize = sha256.Size

// Chain computes the keyed hashes that link entries. The key comes from the
// node's key material (internal/crypto), never from the database.
type Chain struct {
	key []byte
}

// NewChain returns a Chain keyed with key (at least 32 bytes).
func NewChain(key []byte) *Chain {
	return &Chain{key: append([]byte(nil), key...)}
}

// Link returns the entry for r at position seq after an entry whose hash is
// prev (nil for the first entry). Time is truncated to microseconds and
// converted to UTC, so that every database stores it exactly.
func (c *Chain) Link(seq int64, prev []byte, r Record) Entry {
	r.Time = r.Time.UTC().Truncate(time.Microsecond)
	if prev == nil {
		prev = make([]byte, HashSize)
	}
	e := Entry{Seq: seq, Record: r, Prev: append([]byte(nil), prev...)}
	e.Hash = c.sum(e)
	return e
}

// Valid reports whether e's hash matches its content and Prev.
func (c *Chain) Valid(e Entry) bool {
	return hmac.Equal(c.sum(e), e.Hash)
}

// sum is HMAC-SHA256 over an unambiguous encoding: fixed-width integers and
// length-prefixed strings, so that no two different entries encode alike.
func (c *Chain) sum(e Entry) []byte {
	m := hmac.New(sha256.New, c.key)
	var n [8]byte
	put := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		m.Write(n[:])
	}
	str := func(s string) {
		put(uint64(len(s)))
		m.Write([]byte(s))
	}
	m.Write([]byte("childcentre-audit-v1"))
	put(uint64(e.Seq))
	put(uint64(e.Time.UnixMicro()))
	for _, s := range []string{e.Actor, e.Role, e.Country, e.Action, e.Target, e.Outcome, e.Addr, e.Detail} {
		str(s)
	}
	put(uint64(len(e.Prev)))
	m.Write(e.Prev)
	return m.Sum(nil)
}
