package exchange

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func upsert() Envelope {
	return Envelope{ID: "m-1", Type: TypeUpsert, Upsert: &Upsert{Ref: "r1", Schema: strings.Repeat("a", 32),
		KeyID: strings.Repeat("b", 32), Filter: make([]byte, 128),
		Metadata: Metadata{Sex: "f", BirthYearBand: "2010", Category: "unaccompanied", Evidence: "confirmed", Year: 2025, Shareable: true}}}
}

func checkpoint() *Checkpoint {
	return &Checkpoint{Node: "SE", Seq: 4, Hash: make([]byte, 32), Time: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC),
		Sig: make([]byte, 64), CertSig: make([]byte, 71)}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Envelope)
		code   string // "" = valid
	}{
		{"valid upsert", func(e *Envelope) {}, ""},
		{"bad id", func(e *Envelope) { e.ID = "a b" }, CodeInvalid},
		{"two payloads", func(e *Envelope) { e.Withdraw = &Withdraw{Ref: "r1", Reason: "purge"} }, CodeInvalid},
		{"type and payload disagree", func(e *Envelope) { e.Type = TypeWithdraw }, CodeInvalid},
		{"unknown type", func(e *Envelope) { e.Type = "record.delete" }, CodeInvalid},
		{"name as a reference", func(e *Envelope) { e.Upsert.Ref = "Anna Svensson" }, CodeInvalid},
		{"schema not a fingerprint", func(e *Envelope) { e.Upsert.Schema = "child" }, CodeSchema},
		{"key not a key id", func(e *Envelope) { e.Upsert.KeyID = "k" }, CodeKey},
		{"filter not whole words", func(e *Envelope) { e.Upsert.Filter = make([]byte, 12) }, CodeInvalid},
		{"free text as category", func(e *Envelope) { e.Upsert.Metadata.Category = "Anna from Aleppo" }, CodeInvalid},
		{"date as birth band", func(e *Envelope) { e.Upsert.Metadata.BirthYearBand = "2010-03-04" }, CodeInvalid},
		{"unknown sex", func(e *Envelope) { e.Upsert.Metadata.Sex = "female" }, CodeInvalid},
		{"withdraw", func(e *Envelope) {
			e.Type, e.Upsert, e.Withdraw = TypeWithdraw, nil, &Withdraw{Ref: "r1", Reason: "purge"}
		}, ""},
		{"withdraw without reason", func(e *Envelope) {
			e.Type, e.Upsert, e.Withdraw = TypeWithdraw, nil, &Withdraw{Ref: "r1"}
		}, CodeInvalid},
		{"decision", func(e *Envelope) {
			e.Type, e.Upsert, e.Decision = TypeHitDecision, nil, &HitDecision{HitID: "h1", Decision: DecisionReject}
		}, ""},
		{"unknown decision", func(e *Envelope) {
			e.Type, e.Upsert, e.Decision = TypeHitDecision, nil, &HitDecision{HitID: "h1", Decision: "maybe"}
		}, CodeInvalid},
		{"sealed", func(e *Envelope) {
			e.Type, e.Upsert, e.Sealed = TypeSealed, nil, &Sealed{To: "FI", Kind: "linkage-secret", Ciphertext: []byte{1}}
		}, ""},
		{"sealed names its sender", func(e *Envelope) {
			e.Type, e.Upsert, e.Sealed = TypeSealed, nil, &Sealed{To: "FI", From: "SE", Kind: "linkage-secret", Ciphertext: []byte{1}}
		}, CodeInvalid},
		{"sealed too large", func(e *Envelope) {
			e.Type, e.Upsert, e.Sealed = TypeSealed, nil, &Sealed{To: "FI", Kind: "x", Ciphertext: make([]byte, MaxSealedBytes+1)}
		}, CodeInvalid},
		{"sealed attachment above the message limit", func(e *Envelope) {
			e.Type, e.Upsert, e.Sealed = TypeSealed, nil, &Sealed{To: "FI", Kind: KindFollowUpAttachment, Ciphertext: make([]byte, MaxSealedBytes+1)}
		}, ""},
		{"sealed attachment too large", func(e *Envelope) {
			e.Type, e.Upsert, e.Sealed = TypeSealed, nil, &Sealed{To: "FI", Kind: KindFollowUpAttachment, Ciphertext: make([]byte, MaxSealedAttachmentBytes+1)}
		}, CodeInvalid},
		{"checkpoint", func(e *Envelope) { e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint() }, ""},
		{"checkpoint of an empty log", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Seq, e.Checkpoint.Hash = 0, nil
		}, ""},
		{"checkpoint without payload", func(e *Envelope) { e.Type = TypeCheckpoint }, CodeInvalid},
		{"checkpoint of no country", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Node = "Sweden"
		}, CodeInvalid},
		{"checkpoint hash of the wrong length", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Hash = e.Checkpoint.Hash[:16]
		}, CodeInvalid},
		{"checkpoint of an empty log with a hash", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Seq = 0
		}, CodeInvalid},
		{"checkpoint of a negative entry", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Seq = -1
		}, CodeInvalid},
		{"checkpoint without certificate signature", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.CertSig = nil
		}, CodeInvalid},
		{"checkpoint with an oversized signature", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.CertSig = make([]byte, 4096)
		}, CodeInvalid},
		{"checkpoint without time", func(e *Envelope) {
			e.Type, e.Upsert, e.Checkpoint = TypeCheckpoint, nil, checkpoint()
			e.Checkpoint.Time = time.Time{}
		}, CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := upsert()
			tt.change(&e)
			p := e.Validate()
			switch {
			case tt.code == "" && p != nil:
				t.Fatalf("refused: %v", p)
			case tt.code != "" && (p == nil || p.Code != tt.code):
				t.Fatalf("got %v, want code %s", p, tt.code)
			}
		})
	}
}

// FuzzBatch: no body a node can send makes decoding or validation panic,
// and no refusal message echoes the body.
func FuzzBatch(f *testing.F) {
	b, _ := json.Marshal(Batch{Messages: []Envelope{upsert()}})
	f.Add(b)
	f.Add([]byte(`{"messages":[{"id":"x","type":"sealed.relay","sealed":{"to":"FI","kind":"k","ciphertext":"AQ=="}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var bt Batch
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if dec.Decode(&bt) != nil {
			return
		}
		for i := range bt.Messages {
			if p := bt.Messages[i].Validate(); p != nil && len(p.Message) > 0 && bt.Messages[i].ID != "" &&
				len(bt.Messages[i].ID) > 8 && strings.Contains(p.Message, bt.Messages[i].ID) {
				t.Fatalf("refusal echoes the message: %q", p.Message)
			}
		}
	})
}
