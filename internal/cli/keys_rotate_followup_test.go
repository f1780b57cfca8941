package cli

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// seedFollowUp stores a follow-up thread sealed at rest under the current
// key: a request's body, an event's decision and a file with its header
// (4 values). It returns a check that every value opens with keys, bound
// to its place, as it was.
func seedFollowUp(t *testing.T, db *store.DB, keys *crypto.Keyring) func(keys *crypto.Keyring) {
	t.Helper()
	ctx := context.Background()
	s := keys.Sealer(followup.AtRestPurpose)
	const thread = "0123456789abcdef0123456789abcdef"
	plain := map[string][]byte{"body": []byte(`{"purpose":"identify"}`), "event": []byte(`{"outcome":"grant"}`),
		"meta": []byte(`{"name":"scan.pdf"}`), "file": bytes.Repeat([]byte("%PDF-1.7 "), 1000)}
	seal := func(k, aad string) []byte {
		v, err := s.Seal(plain[k], aad)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	now := time.Now().UTC()
	r := &followup.Request{Thread: thread, Direction: followup.Out, OtherCountry: "FI", LocalRef: "a", OtherRef: "b",
		Urgency: followup.Urgent, Handling: "H2", LegalBasis: "hague-1996", State: followup.StateSent, CreatedBy: "user:1",
		CreatedAt: now, UpdatedAt: now, Body: seal("body", followup.BodyAAD(thread))}
	a := &followup.Attachment{AttID: "att-1", Direction: followup.Out, ContentType: "application/pdf", Size: 9000, SHA256: "x",
		Handling: "H3", Evaluation: "A1", CreatedBy: "user:1", CreatedAt: now,
		Meta: seal("meta", followup.AttachmentAAD(thread, "att-1", "meta")), Body: seal("file", followup.AttachmentAAD(thread, "att-1", "body"))}
	err := store.NewFollowUpStore(db).Update(ctx, func(tx followup.Tx) error {
		if err := tx.PutRequest(ctx, r); err != nil {
			return err
		}
		a.RequestID = r.ID
		if err := tx.AddEvent(ctx, &followup.Event{RequestID: r.ID, Kind: followup.EvAnswered, Actor: "country:FI", At: now,
			Body: seal("event", followup.BodyAAD(thread))}); err != nil {
			return err
		}
		return tx.PutAttachment(ctx, a)
	})
	if err != nil {
		t.Fatal(err)
	}
	return func(keys *crypto.Keyring) {
		t.Helper()
		s := keys.Sealer(followup.AtRestPurpose)
		err := store.NewFollowUpStore(db).View(ctx, func(tx followup.Tx) error {
			got, err := tx.Request(ctx, r.ID)
			if err != nil {
				return err
			}
			evs, err := tx.Events(ctx, r.ID)
			if err != nil {
				return err
			}
			att, err := tx.Attachment(ctx, a.ID)
			if err != nil {
				return err
			}
			for k, v := range map[string]struct {
				sealed []byte
				aad    string
			}{"body": {got.Body, followup.BodyAAD(thread)}, "event": {evs[0].Body, followup.BodyAAD(thread)},
				"meta": {att.Meta, followup.AttachmentAAD(thread, "att-1", "meta")}, "file": {att.Body, followup.AttachmentAAD(thread, "att-1", "body")}} {
				p, err := s.Open(v.sealed, v.aad)
				if err != nil || !bytes.Equal(p, plain[k]) {
					t.Errorf("follow-up %s after rotation: %v", k, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
