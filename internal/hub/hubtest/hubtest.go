// Package hubtest makes what tests of the hub and the exchange need:
// synthetic registrations encoded with the child schema (or child-fields)
// under a fixed test secret, and the upload messages that carry them.
package hubtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// Secret is the linkage secret of every test network. Not secret.
var Secret = []byte("childcentre hubtest linkage secret, 32+ bytes long.")

// Schema returns the built-in child schema.
func Schema(t testing.TB) *linkage.Schema {
	t.Helper()
	return builtin(t, "child-clk")
}

// FieldsSchema returns the built-in child-fields schema: segmented, so
// that the hub scores it with the Fellegi–Sunter model.
func FieldsSchema(t testing.TB) *linkage.Schema {
	t.Helper()
	return builtin(t, "child-fields")
}

func builtin(t testing.TB, name string) *linkage.Schema {
	t.Helper()
	s, ok := linkage.BuiltinSchema(name)
	if !ok {
		t.Fatalf("hubtest: no built-in %s schema", name)
	}
	return s
}

// Encoder encodes synth records with a schema (the child schema unless
// made by NewEncoderOf) and Secret.
type Encoder struct {
	enc  *linkage.Encoder
	cols []string
	row  []string
	f    []uint64
}

// NewEncoder returns an encoder of the child schema; it is not safe for
// concurrent use.
func NewEncoder(t testing.TB) *Encoder {
	t.Helper()
	return NewEncoderOf(t, Schema(t))
}

// NewSchemaEncoder returns an encoder of the built-in schema name (child,
// child-fields): a network of a segmented schema scores field by field
// and explains its "possible" hits.
func NewSchemaEncoder(t testing.TB, name string) *Encoder {
	t.Helper()
	return NewEncoderOf(t, builtin(t, name))
}

// NewEncoderOf returns an encoder with schema s, whose columns are among
// the child schema's.
func NewEncoderOf(t testing.TB, s *linkage.Schema) *Encoder {
	t.Helper()
	enc, err := linkage.NewEncoder(s, Secret)
	if err != nil {
		t.Fatal(err)
	}
	return &Encoder{enc: enc, cols: s.Columns(), row: make([]string, len(s.Columns())), f: make([]uint64, enc.Words())}
}

// LinkageSchema returns the schema the encoder encodes with.
func (e *Encoder) LinkageSchema() *linkage.Schema { return e.enc.Schema() }

// Schema returns the schema fingerprint, KeyID the secret's key id.
func (e *Encoder) Schema() string { return e.enc.Schema().Fingerprint() }

// KeyID returns the fingerprint of Secret.
func (e *Encoder) KeyID() string { return e.enc.KeyID() }

// Words returns the filter length in 64-bit words.
func (e *Encoder) Words() int { return e.enc.Words() }

// Encode returns r's filter as the wire carries it (little-endian words).
func (e *Encoder) Encode(r synth.Record) ([]byte, error) {
	est := "0"
	if r.DOBEstimated {
		est = "1"
	}
	vals := map[string]string{"id": r.ID, "given_name": r.GivenName, "family_name": r.FamilyName, "sex": r.Sex,
		"date_of_birth": r.DateOfBirth, "dob_estimated": est, "citizenship": r.Citizenship}
	for i, c := range e.cols {
		e.row[i] = vals[c]
	}
	if err := e.enc.Encode(e.row, e.f); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 8*len(e.f))
	for _, w := range e.f {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b, nil
}

// Ref is the pseudonymous reference a test node gives r: a keyed hash of
// its registration number, as a node's pseudonyms are, so that nothing of
// the national reference reaches the hub.
func Ref(r synth.Record) string {
	m := hmac.New(sha256.New, []byte("hubtest pseudonyms"))
	m.Write([]byte(r.ID))
	return "r" + hex.EncodeToString(m.Sum(nil)[:12])
}

// Upsert returns the message uploading r (id is the message id).
func (e *Encoder) Upsert(t testing.TB, id string, r synth.Record, shareable bool) exchange.Envelope {
	t.Helper()
	f, err := e.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	year := 0
	if len(r.DateOfBirth) >= 4 {
		fmt.Sscanf(r.DateOfBirth[:4], "%d", &year)
	}
	return exchange.Envelope{ID: id, Type: exchange.TypeUpsert, SentAt: time.Now().UTC(), Upsert: &exchange.Upsert{
		Ref: Ref(r), Schema: e.Schema(), KeyID: e.KeyID(), Filter: f,
		Metadata: exchange.Metadata{Sex: r.Sex, BirthYearBand: exchange.BandOf(year), Category: "unaccompanied",
			Evidence: "confirmed", Year: r.Registered.Year(), Shareable: shareable},
	}}
}

// Withdraw returns the message withdrawing r.
func Withdraw(id string, r synth.Record, reason string) exchange.Envelope {
	return exchange.Envelope{ID: id, Type: exchange.TypeWithdraw, SentAt: time.Now().UTC(),
		Withdraw: &exchange.Withdraw{Ref: Ref(r), Reason: reason}}
}

// Records generates n children's registrations in countries (seed fixed).
func Records(t testing.TB, children int, countries ...string) []synth.Record {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Children: children, Countries: countries, Seed: 8})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// CrossBorder returns, for each child registered in two countries or more,
// its first registration in each of two countries: pairs a hub should find.
func CrossBorder(recs []synth.Record) [][2]synth.Record {
	first := map[string]map[string]synth.Record{}
	var order []string
	for _, r := range recs {
		m := first[r.Entity]
		if m == nil {
			m = map[string]synth.Record{}
			first[r.Entity] = m
			order = append(order, r.Entity)
		}
		if _, ok := m[r.Country]; !ok {
			m[r.Country] = r
		}
	}
	var out [][2]synth.Record
	for _, e := range order {
		var two []synth.Record
		for _, r := range recs {
			if r.Entity == e {
				if len(two) == 0 || two[0].Country != r.Country {
					two = append(two, first[e][r.Country])
				}
				if len(two) == 2 {
					break
				}
			}
		}
		if len(two) == 2 {
			out = append(out, [2]synth.Record{two[0], two[1]})
		}
	}
	return out
}
