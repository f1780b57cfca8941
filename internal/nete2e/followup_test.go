package nete2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// auditOf lists a node's audit records of an action, oldest first.
func auditOf(t testing.TB, tn *testNode, action string) []audit.Record {
	t.Helper()
	var out []audit.Record
	err := tn.DB.WalkAudit(context.Background(), func(e audit.Entry) error {
		if e.Action == action {
			out = append(out, e.Record)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func details(rs []audit.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Outcome+":"+r.Detail)
	}
	return out
}

// request finds a node's request of a thread and direction.
func request(t testing.TB, tn *testNode, thread string) *followup.Request {
	t.Helper()
	list, err := tn.Exchange.FollowUp.List(context.Background(), officer(tn.cfg.Country), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Thread == thread {
			return r
		}
	}
	return nil
}

// TestFollowUpRequestGrantRead: an officer in SE asks from a hit; a
// supervisor in FI grants two fields; the officer in SE reads them; each
// step is in both nodes' audit logs; the hub's files hold none of them;
// tampered, replayed and wrongly signed messages are refused and audited;
// details under H3 are withheld from an officer.
func TestFollowUpRequestGrantRead(t *testing.T) {
	n := newNet(t)
	se := n.startNode(t, "SE", nil)
	fi := n.startNode(t, "FI", nil)
	shareSecret(t, se, fi)
	ctx := context.Background()

	se.register(t, cases.ChildInput{NationalRef: "SE-26-0042", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	fi.register(t, cases.ChildInput{NationalRef: "FI/2026/77", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
		BirthDate: "2011-01-01", BirthPlace: "Aleppo", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	waitFor(t, 30*time.Second, "the hit on SE", func() bool { return len(se.queue(t)) == 1 })
	hit := se.queue(t)[0]

	in := followup.Input{Purpose: "Establish whether the child registered in Finland is the child missing from our reception centre.",
		LegalBasis: "dir-2023-977", Urgency: followup.Urgent, Handling: "H2", Evaluation: "B2",
		Asked: []string{"given_names", "birth_date", "birth_place"}, Officer: "Sara Lind"}
	req, err := se.Exchange.FollowUp.Create(ctx, officer("SE"), hit.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if req.State != followup.StateSent || req.Deadline.IsZero() {
		t.Fatalf("request: state %s deadline %v; an identified record at urgent leaves at once", req.State, req.Deadline)
	}
	var got *followup.Request
	waitFor(t, 15*time.Second, "the request on FI", func() bool { got = request(t, fi, req.Thread); return got != nil })
	if got.Direction != followup.In || got.State != followup.StatePending || got.OtherCountry != "SE" || got.ChildID == 0 {
		t.Fatalf("FI's request: %+v", *got)
	}
	if err := fi.Exchange.FollowUp.Decide(ctx, supervisor("FI"), got.ID, followup.DecisionInput{Outcome: followup.Partial,
		Fields: []string{"given_names", "birth_date"}, Note: "Birth place withheld.", Handling: "H2", Evaluation: "A1", Officer: "Aino"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the answer on SE", func() bool { return request(t, se, req.Thread).State == followup.StatePartial })
	th, err := se.Exchange.FollowUp.Read(ctx, officer("SE"), req.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := th.Events[len(th.Events)-1]
	if last.Kind != followup.EvAnswered || last.Decision == nil || last.Decision.Fields["given_names"] != "Muhammad" ||
		last.Decision.Fields["birth_date"] != "2011-01-01" || last.Decision.Fields["birth_place"] != "" || last.Actor != "country:FI" {
		t.Fatalf("SE's thread ends with %+v %+v", *last.Event, last.Decision)
	}
	if err := followup.Export(last.Decision); err == nil {
		t.Error("details under H2 may be exported")
	}

	// Every state change is in both audit logs.
	for _, c := range []struct {
		tn     *testNode
		action string
		want   string
	}{
		{se, audit.ActDisclosureRequest, "ok:sent"},
		{se, audit.ActDisclosureDecide, "ok:answered partial"},
		{se, audit.ActDisclosureOpen, "ok:details shown"},
		{fi, audit.ActDisclosureRequest, "ok:received pending"},
		{fi, audit.ActDisclosureDecide, "ok:partial "},
		{fi, audit.ActDisclosureSend, "ok:birth_date,given_names"},
	} {
		if d := details(auditOf(t, c.tn, c.action)); !slices.Contains(d, c.want) {
			t.Errorf("%s's audit log of %s: %q, want %q", c.tn.cfg.Country, c.action, d, c.want)
		}
	}

	// H3: an officer sees that details exist, not the details; audited as denied.
	in.Handling, in.Urgency = "H3", followup.Danger
	req3, err := se.Exchange.FollowUp.Create(ctx, officer("SE"), hit.ID, in)
	if err != nil || req3.State != followup.StateApproval {
		t.Fatalf("an immediate-danger request: %+v %v; it must wait for approval", req3, err)
	}
	if err := se.Exchange.FollowUp.Approve(ctx, officer("SE"), req3.ID); errOf(err) != "forbidden" {
		t.Fatalf("an officer approved: %v", err)
	}
	if err := se.Exchange.FollowUp.Approve(ctx, supervisor("SE"), req3.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the H3 request on FI", func() bool { got = request(t, fi, req3.Thread); return got != nil })
	if err := fi.Exchange.FollowUp.Decide(ctx, supervisor("FI"), got.ID, followup.DecisionInput{Outcome: followup.Grant,
		Fields: []string{"family_name"}, Handling: "H3", Evaluation: "A1"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the H3 answer on SE", func() bool { return request(t, se, req3.Thread).State == followup.StateGranted })
	th, err = se.Exchange.FollowUp.Read(ctx, officer("SE"), req3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := th.Events[len(th.Events)-1]; !last.Withheld || len(last.Decision.Fields) != 0 {
		t.Fatalf("H3 details shown to an officer: %+v", last.Decision)
	}
	if d := details(auditOf(t, se, audit.ActDisclosureOpen)); !slices.Contains(d, "denied:H3 details withheld from role ncp_officer") {
		t.Errorf("SE's audit of H3 reads: %q", d)
	}
	th, _ = se.Exchange.FollowUp.Read(ctx, supervisor("SE"), req3.ID)
	if last := th.Events[len(th.Events)-1]; last.Withheld || last.Decision.Fields["family_name"] != "Al-Hassan" {
		t.Fatalf("H3 details withheld from a supervisor: %+v", last.Decision)
	}

	// Refused messages: altered, replayed, signed by another country.
	plain, _ := json.Marshal(exchange.FollowUpMessage{ID: "m-1", Thread: "t-forged", Type: exchange.FollowUpRequestType,
		SentAt: time.Now(), Request: &exchange.FollowUpRequest{SubjectRef: hit.OtherRef, Purpose: "x", LegalBasis: "hague-1996",
			Urgency: "routine", Handling: "H0", Evaluation: "C3", Asked: []string{"given_names"}}})
	certs, err := se.Exchange.Secrets.Peers.Certificates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	for _, c := range certs {
		if se.Exchange.Secrets.Peers.Country(c) == "FI" {
			sealed, err = se.Exchange.Secrets.Peers.Seal(c, exchange.KindFollowUp, plain)
		}
	}
	if err != nil || sealed == nil {
		t.Fatalf("seal: %v", err)
	}
	f := fi.Exchange.FollowUp
	if err := f.Receive(ctx, &exchange.Sealed{From: "SE", Kind: exchange.KindFollowUp, Ciphertext: sealed}); err != nil {
		t.Fatalf("a genuine message refused: %v", err)
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)/2] ^= 1
	for name, s := range map[string]*exchange.Sealed{
		"replay":       {From: "SE", Kind: exchange.KindFollowUp, Ciphertext: sealed},
		"tampered":     {From: "SE", Kind: exchange.KindFollowUp, Ciphertext: tampered},
		"wrong signer": {From: "FI", Kind: exchange.KindFollowUp, Ciphertext: sealed},
	} {
		if err := f.Receive(ctx, s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	rej := details(auditOf(t, fi, audit.ActDisclosureReject))
	for _, want := range []string{"refused:replay from SE", "refused:unverified from SE", "refused:unverified from FI"} {
		if !slices.Contains(rej, want) {
			t.Errorf("FI's audit of refused messages %q lacks %q", rej, want)
		}
	}

	// The request received above waits for FI's decision: 15 days on, it
	// is overdue on FI's gauge.
	if got := nodeMetric(t, fi, "childcentre_followup_overdue"); got != 0 {
		t.Errorf("overdue before any deadline: %v", got)
	}
	fi.offset.Store(int64(15 * 24 * time.Hour))
	if got := nodeMetric(t, fi, "childcentre_followup_overdue"); got != 1 {
		t.Errorf("childcentre_followup_overdue on FI 15 days on = %v, want 1", got)
	}
	fi.offset.Store(0)

	// Revoked: FI's certificate is revoked. SE seals nothing more to FI,
	// and refuses what FI sealed before.
	fromFI, err := fi.Exchange.Secrets.Peers.Seal(se.Exchange.Identity.Bundle.Cert, exchange.KindFollowUp, plain)
	if err != nil {
		t.Fatal(err)
	}
	if err := pki.Revoke(n.ca.Dir, pki.FormatSerial(fi.Exchange.Identity.Bundle.Cert.SerialNumber), "keyCompromise"); err != nil {
		t.Fatal(err)
	}
	if err := se.Exchange.Identity.CRL.Reload(); err != nil {
		t.Fatal(err)
	}
	in.Urgency = followup.Urgent // leaves at once: sealed now
	if _, err := se.Exchange.FollowUp.Create(ctx, officer("SE"), hit.ID, in); errOf(err) != "unavailable" {
		t.Errorf("a request to a revoked node: %v", err)
	}
	if err := se.Exchange.FollowUp.Receive(ctx, &exchange.Sealed{From: "FI", Kind: exchange.KindFollowUp, Ciphertext: fromFI}); err == nil {
		t.Error("a message from a revoked node was accepted")
	}
	rej = details(auditOf(t, se, audit.ActDisclosureReject))
	for _, want := range []string{"refused:recipient_not_valid from FI", "refused:unverified from FI"} {
		if !slices.Contains(rej, want) {
			t.Errorf("SE's audit of refused messages %q lacks %q", rej, want)
		}
	}

	// The hub relayed ciphertext only.
	n.stopHub()
	for _, file := range []string{"hub.db", "hub.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(n.dir, "hub-SE", file))
		// The purpose's words, not "reception centre" alone: the public site the
		// hub serves speaks of reception centres in its seed text.
		for _, s := range []string{"Muhammad", "Al-Hassan", "2011-01-01", "Aleppo", "missing from our reception centre", "Sara Lind", "dir-2023-977"} {
			if strings.Contains(string(b), s) {
				t.Errorf("the hub's %s contains %q", file, s)
			}
		}
	}
}

// nodeMetric reads one of a node's metrics.
func nodeMetric(t testing.TB, tn *testNode, name string) float64 {
	t.Helper()
	var b bytes.Buffer
	tn.Metrics.WriteTo(&b)
	for _, l := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	t.Fatalf("the node has no metric %s", name)
	return 0
}

func errOf(err error) string {
	if err == nil {
		return ""
	}
	return string(errs.CodeOf(err))
}
