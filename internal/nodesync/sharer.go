package nodesync

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/stats"
)

// Sharer makes the outbox's messages for the registry's sharing rules: it
// implements cases.Sharing with the network's current linkage secret. Until
// a secret is in use it reports KeyID "" and the registry uploads nothing.
type Sharer struct {
	schema *linkage.Schema
	cur    atomic.Pointer[encoderGen]
}

// encoderGen is the encoders of one secret.
type encoderGen struct {
	keyID string
	words int
	pool  sync.Pool
}

var _ cases.Sharing = (*Sharer)(nil)

// NewSharer returns a Sharer encoding with schema (the network's).
func NewSharer(schema *linkage.Schema) *Sharer { return &Sharer{schema: schema} }

// Schema returns the network's schema.
func (s *Sharer) Schema() *linkage.Schema { return s.schema }

// Use makes secret the one new encodings are made with.
func (s *Sharer) Use(secret []byte) error {
	enc, err := linkage.NewEncoder(s.schema, secret)
	if err != nil {
		return errs.Wrap(err, "network: linkage encoder")
	}
	g := &encoderGen{keyID: enc.KeyID(), words: enc.Words()}
	g.pool.New = func() any { return enc.Clone() }
	g.pool.Put(enc)
	s.cur.Store(g)
	return nil
}

// KeyID implements cases.Sharing.
func (s *Sharer) KeyID() string {
	if g := s.cur.Load(); g != nil {
		return g.keyID
	}
	return ""
}

// Upload implements cases.Sharing.
func (s *Sharer) Upload(ref string, c *cases.Child, m cases.SharedMeta) (*cases.OutboxMessage, error) {
	g := s.cur.Load()
	if g == nil {
		return nil, errs.E(errs.Unavailable, "network: no linkage secret yet")
	}
	enc := g.pool.Get().(*linkage.Encoder)
	f := make([]uint64, g.words)
	err := enc.Encode(cases.LinkageRow(c), f)
	g.pool.Put(enc)
	if err != nil {
		return nil, errs.Wrap(err, "network: linkage encode")
	}
	filter := make([]byte, 0, 8*len(f))
	for _, w := range f {
		filter = binary.LittleEndian.AppendUint64(filter, w)
	}
	md := metadata(m)
	if m.Case != nil {
		// Codes the hub's regional statistics count; a case the mapping
		// cannot place still links, and is counted as unmapped.
		if codes, err := stats.WireCodes(stats.FactsOf(c, m.Case)); err == nil {
			md.Stats = codes
		}
	}
	up := &exchange.Upsert{Ref: ref, Schema: s.schema.Fingerprint(), KeyID: g.keyID, Filter: filter, Metadata: md}
	return message(exchange.Envelope{Type: exchange.TypeUpsert, Upsert: up}, ref)
}

// Withdrawal implements cases.Sharing.
func (s *Sharer) Withdrawal(ref, reason string) *cases.OutboxMessage {
	m, err := message(exchange.Envelope{Type: exchange.TypeWithdraw, Withdraw: &exchange.Withdraw{Ref: ref, Reason: reason}}, ref)
	if err != nil {
		panic(err) // a Withdraw of two strings always marshals
	}
	return m
}

// message gives e a fresh ID and wraps it as an outbox message about ref.
func message(e exchange.Envelope, ref string) (*cases.OutboxMessage, error) {
	e.ID = cases.NewMessageID()
	body, err := json.Marshal(e)
	if err != nil {
		return nil, errs.Wrap(err, "network: encode message")
	}
	return &cases.OutboxMessage{ID: e.ID, Type: e.Type, Ref: ref, Body: body}, nil
}

// metadata codes the shared metadata: closed lists only, no free text.
func metadata(m cases.SharedMeta) exchange.Metadata {
	out := exchange.Metadata{Category: string(m.Category), Evidence: string(m.Evidence), Shareable: m.Shareable}
	switch m.Sex {
	case cases.SexFemale:
		out.Sex = "f"
	case cases.SexMale:
		out.Sex = "m"
	case cases.SexOther:
		out.Sex = "x"
	}
	if m.BirthYear > 0 {
		out.BirthYearBand = strconv.Itoa(m.BirthYear - m.BirthYear%5)
	}
	if !m.Registered.IsZero() {
		out.Year = m.Registered.Year()
	}
	return out
}
