package nodesync_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/exchange"
)

func TestOutboxWrittenWithTheChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		c, _ := e.register(t, childInput("Mariam", "Ahmadi", "2011-04-05"), cases.EvidenceIdentified)
		out := e.outbox(t)
		if len(out) != 1 || out[0].Type != exchange.TypeUpsert || out[0].Upsert == nil {
			t.Fatalf("outbox after registration = %+v, want one upsert", out)
		}
		up := out[0].Upsert
		if up.KeyID != e.sharer.KeyID() || len(up.Filter) == 0 || up.Schema == "" {
			t.Errorf("upsert = %+v: want the current key, a filter and the schema", up)
		}
		want := exchange.Metadata{Sex: "f", BirthYearBand: "2010", Category: "unaccompanied", Evidence: "identified", Year: 2026, Shareable: true}
		got := up.Metadata
		got.Stats = nil
		if got != want {
			t.Errorf("metadata = %+v, want %+v", got, want)
		}
		// The regional statistics count the record by these codes alone.
		wantStats := exchange.StatsCodes{Status: "unaccompanied", Exploitation: "none", AgeGroup: "Y12-14", AgeBasis: "documented", Citizenship: "asia", Registered: "2026-03-02"}
		if up.Metadata.Stats == nil || *up.Metadata.Stats != wantStats {
			t.Errorf("statistics codes = %+v, want %+v", up.Metadata.Stats, wantStats)
		}
		// The reference is pseudonymous: neither the national reference nor the registry's own.
		if up.Ref == c.Ref || up.Ref == c.NationalRef || len(up.Ref) != 32 {
			t.Errorf("ref %q is not a fresh pseudonymous reference", up.Ref)
		}
		body := out[0]
		for _, secret := range []string{"Mariam", "Ahmadi", "2011-04-05", c.NationalRef, c.Ref} {
			raw, _ := jsonOf(body)
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("the message carries %q", secret)
			}
		}

		// A correction replaces the pending upload, under the same reference.
		c2 := childInput("Mariam", "Ahmadi", "2011-05-04") // a corrected date of birth
		if _, err := e.cases.UpdateChild(e.ctx, officer, c.ID, c.Version, c2); err != nil {
			t.Fatal(err)
		}
		out = e.outbox(t)
		if len(out) != 1 || out[0].Upsert == nil || out[0].Upsert.Ref != up.Ref || bytes.Equal(out[0].Upsert.Filter, up.Filter) {
			t.Fatalf("outbox after correction = %d messages (%+v); want the one new encoding under ref %s", len(out), out[0].Upsert, up.Ref)
		}
	})
}

func TestNoUploadWithoutSecretThenResync(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, n := range []string{"Amir", "Bilal", "Dawit"} {
			e.register(t, childInput(n, "Haile", "2012-01-01"), cases.EvidenceIdentified)
		}
		if out := e.outbox(t); len(out) != 0 {
			t.Fatalf("without a linkage secret the outbox holds %d messages", len(out))
		}
		e.withSecret(t) // Init does not resync by itself here (no Changed hook)
		n, err := e.cases.Resync(e.ctx, 2)
		if err != nil || n != 3 {
			t.Fatalf("Resync = %d, %v; want 3", n, err)
		}
		if out := e.outbox(t); len(out) != 3 {
			t.Fatalf("after resync the outbox holds %d messages, want 3", len(out))
		}
		// Idempotent: everything is up to date under this key.
		if n, err := e.cases.Resync(e.ctx, 2); err != nil || n != 0 {
			t.Fatalf("second Resync = %d, %v; want 0", n, err)
		}
		e.drain(t)
		// Rotation: a new secret, every child re-encoded under the same reference.
		old := e.sharer.KeyID()
		e.withSecret(t)
		if n, err := e.cases.Resync(e.ctx, 0); err != nil || n != 3 {
			t.Fatalf("Resync after rotation = %d, %v; want 3", n, err)
		}
		e.drain(t)
		if len(e.hub.records) != 3 {
			t.Fatalf("hub holds %d records after rotation, want 3", len(e.hub.records))
		}
		for _, r := range e.hub.records {
			if r.KeyID == old || r.KeyID != e.sharer.KeyID() {
				t.Errorf("record %s still under the old key", r.Ref)
			}
		}
	})
}

func TestSuspicionNeedsSupervisor(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		_, k := e.register(t, childInput("Yusuf", "Karimi", "2010-09-09"), cases.EvidenceSuspicion)
		if out := e.outbox(t); len(out) != 0 {
			t.Fatalf("a suspicion-only case was queued for upload: %d messages", len(out))
		}
		if err := e.cases.DecideSharing(e.ctx, officer, k.ID, true); err == nil {
			t.Fatal("an officer decided to share a suspicion-only case")
		}
		if err := e.cases.DecideSharing(e.ctx, supervisor, k.ID, true); err != nil {
			t.Fatal(err)
		}
		out := e.outbox(t)
		if len(out) != 1 || out[0].Type != exchange.TypeUpsert || out[0].Upsert.Metadata.Evidence != "suspicion" {
			t.Fatalf("after the supervisor's decision the outbox = %+v, want one upsert", out)
		}
		if share, decided, err := e.cases.SharingDecision(e.ctx, officer, k.ID); err != nil || !share || !decided {
			t.Errorf("SharingDecision = %v %v %v", share, decided, err)
		}
		if n := e.countAudit(t, "case.share"); n != 1 {
			t.Errorf("%d case.share audit records, want 1", n)
		}
		e.drain(t)
		// Revoking the decision withdraws the record.
		if err := e.cases.DecideSharing(e.ctx, supervisor, k.ID, false); err != nil {
			t.Fatal(err)
		}
		out = e.outbox(t)
		if len(out) != 1 || out[0].Type != exchange.TypeWithdraw || out[0].Withdraw.Reason != "unshare" {
			t.Fatalf("after revoking, the outbox = %+v, want one withdrawal", out)
		}
	})
}

func TestPurgeWithdraws(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.withSecret(t)
		_, k := e.register(t, childInput("Sara", "Tesfaye", "2009-02-03"), cases.EvidenceIdentified)
		e.drain(t)
		if len(e.hub.records) != 1 {
			t.Fatalf("hub holds %d records, want 1", len(e.hub.records))
		}
		if err := e.cases.RequestClose(e.ctx, officer, k.ID, "Turned 18."); err != nil {
			t.Fatal(err)
		}
		if err := e.cases.ApproveClose(e.ctx, supervisor, k.ID); err != nil {
			t.Fatal(err)
		}
		purger := e.purgeLater(t, 48*time.Hour)
		res, err := purger.Purge(e.ctx, auth.SystemActor, false)
		if err != nil || len(res.Children) != 1 {
			t.Fatalf("Purge = %+v, %v", res, err)
		}
		out := e.outbox(t)
		if len(out) != 1 || out[0].Type != exchange.TypeWithdraw || out[0].Withdraw.Reason != "purge" {
			t.Fatalf("after the purge the outbox = %+v, want one withdrawal", out)
		}
		e.drain(t)
		if len(e.hub.records) != 0 {
			t.Fatalf("hub still holds %d records after the purge", len(e.hub.records))
		}
	})
}

func jsonOf(v any) ([]byte, error) { return jsonMarshal(v) }
