package hubserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub/hubtest"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

func pairOf(t *testing.T) (a, b [2]string, ra, rb exchange.Envelope, enc *hubtest.Encoder) {
	t.Helper()
	enc = hubtest.NewEncoder(t)
	ps := hubtest.CrossBorder(hubtest.Records(t, 40, "SE", "FI"))
	p := ps[0]
	return [2]string{p[0].Country, hubtest.Ref(p[0])}, [2]string{p[1].Country, hubtest.Ref(p[1])},
		enc.Upsert(t, "m1", p[0], true), enc.Upsert(t, "m1", p[1], true), enc
}

// TestExchangeOverMutualTLS: two countries' nodes upload the same child
// over real mutual TLS and both find the hit in their inbox; what each
// sees and may do is bounded by its certificate's country.
func TestExchangeOverMutualTLS(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	a, b, ua, ub, _ := pairOf(t)
	clients := map[string]*exchange.Client{}
	for _, c := range []string{"SE", "FI", "DE"} {
		clients[c] = n.node(t, c, pki.IssueOptions{})
	}
	ca, cb := clients[a[0]], clients[b[0]]
	if r := sendBatch(t, ca, exchange.Batch{Messages: []exchange.Envelope{ua}, Pending: 3}); r.Status != exchange.StatusAccepted {
		t.Fatalf("upload: %+v", r)
	}
	if r := send(t, cb, ub); r.Status != exchange.StatusAccepted {
		t.Fatalf("upload: %+v", r)
	}
	ha, hb := waitHits(t, ca, 1), waitHits(t, cb, 1)
	if ha[0].OtherCountry != b[0] || ha[0].OtherRef != b[1] || hb[0].OtherCountry != a[0] || hb[0].OtherRef != a[1] {
		t.Fatalf("hits %+v / %+v", ha, hb)
	}
	// A replayed message does nothing twice.
	if r := send(t, ca, ua); r.Status != exchange.StatusDuplicate {
		t.Errorf("replay: %+v", r)
	}
	// A third country can neither read the hit nor decide on it.
	waitHits(t, clients["DE"], 0)
	dec := exchange.Envelope{ID: "d1", Type: exchange.TypeHitDecision, Decision: &exchange.HitDecision{HitID: ha[0].ID, Decision: exchange.DecisionReject}}
	if r := send(t, clients["DE"], dec); r.Code != exchange.CodeForbidden {
		t.Errorf("decision by a third country: %+v", r)
	}
	// A withdrawal names a reference of the sender's own country only: a's
	// node withdrawing b's reference touches nothing of b's.
	w := exchange.Envelope{ID: "w1", Type: exchange.TypeWithdraw, Withdraw: &exchange.Withdraw{Ref: b[1], Reason: "purge"}}
	if r := send(t, ca, w); r.Status != exchange.StatusAccepted {
		t.Fatalf("withdraw: %+v", r)
	}
	health, err := n.hub.Service.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if health.Encodings[b[0]] != 1 || health.Hits != 1 {
		t.Errorf("another country's withdrawal changed %s's records: %+v", b[0], health)
	}
	// A sealed message names no sender of its own; the hub sets it.
	sl := exchange.Envelope{ID: "s1", Type: exchange.TypeSealed, Sealed: &exchange.Sealed{To: b[0], From: "DE", Kind: "linkage-secret", Ciphertext: []byte{1, 2, 3}}}
	if r := send(t, ca, sl); r.Code != exchange.CodeInvalid {
		t.Errorf("sealed message with a sender: %+v", r)
	}
	sl.Sealed.From = ""
	if r := send(t, ca, sl); r.Status != exchange.StatusAccepted {
		t.Fatalf("sealed: %+v", r)
	}
	in, err := cb.Inbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := in.Notices[len(in.Notices)-1]
	if last.Type != exchange.NoticeSealed || last.Sealed.From != a[0] {
		t.Errorf("relayed: %+v", last)
	}
	// The registry shows the nodes with the outbox depth they reported.
	nodes, err := n.hub.Service.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 3 {
		t.Fatalf("%d nodes registered", len(nodes))
	}
	d, err := clients["DE"].Directory(ctx)
	if err != nil || len(d.Nodes) != 3 || len(d.Nodes[0].Certificate) == 0 {
		t.Errorf("directory: %+v, %v", d, err)
	}
	wl, err := clients["DE"].Hello(ctx, exchange.Hello{Schema: ua.Upsert.Schema, KeyID: ua.Upsert.KeyID, Software: "test", Pending: 7})
	if err != nil || wl.Country != "DE" || wl.Schema != ua.Upsert.Schema {
		t.Errorf("hello: %+v, %v", wl, err)
	}
}

// TestRefusals: every way in that must not work, each over real TLS on
// 127.0.0.1.
func TestRefusals(t *testing.T) {
	n := newNet(t, "")
	ctx := context.Background()
	_, _, ua, _, _ := pairOf(t)
	batch := exchange.Batch{Messages: []exchange.Envelope{ua}}

	t.Run("no certificate", func(t *testing.T) {
		if err := plainTLS(t, n, nil); err == nil {
			t.Fatal("a client without a certificate got an answer")
		}
	})
	t.Run("certificate of another CA", func(t *testing.T) {
		other, err := pki.InitCA(t.TempDir()+"/other", pki.CAOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := pki.Issue(other, "SE", pki.RoleNode, pki.IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cert := b.TLSCertificate()
		if err := plainTLS(t, n, &cert); err == nil {
			t.Fatal("a certificate of another CA got an answer")
		}
	})
	t.Run("hub certificate as a client", func(t *testing.T) {
		b, err := pki.Issue(n.ca, "FI", pki.RoleHub, pki.IssueOptions{Hosts: []string{"127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		cert := b.TLSCertificate()
		if err := plainTLS(t, n, &cert); err == nil {
			t.Fatal("a hub's certificate was let in as a node")
		}
	})
	t.Run("revoked certificate", func(t *testing.T) {
		b, err := pki.Issue(n.ca, "DE", pki.RoleNode, pki.IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := n.client(t, b)
		if _, err := c.Send(ctx, batch); err != nil {
			t.Fatalf("before revocation: %v", err)
		}
		if err := n.ca.Revoke(b.Cert.SerialNumber, "keyCompromise"); err != nil {
			t.Fatal(err)
		}
		if err := n.hub.Network.CRL.Reload(); err != nil {
			t.Fatal(err)
		}
		// The connection kept alive is refused at its next request...
		_, err = c.Send(ctx, batch)
		if re, ok := err.(*exchange.RemoteError); !ok || re.Status != 403 {
			t.Fatalf("revoked certificate on a kept-alive connection: %v", err)
		}
		// ...and a new connection gets no TLS session.
		c.Close()
		_, err = c.Send(ctx, batch)
		if !refusedInHandshake(err) {
			t.Fatalf("revoked certificate: %v", err)
		}
	})
	t.Run("expired certificate", func(t *testing.T) {
		past := time.Now().Add(-48 * time.Hour)
		n.ca.Now = func() time.Time { return past }
		b, err := pki.Issue(n.ca, "PL", pki.RoleNode, pki.IssueOptions{Validity: time.Hour})
		n.ca.Now = nil
		if err != nil {
			t.Fatal(err)
		}
		cert := b.TLSCertificate()
		if err := plainTLS(t, n, &cert); err == nil {
			t.Fatal("an expired certificate got an answer")
		}
	})
	t.Run("replayed message", func(t *testing.T) {
		c := n.node(t, "LT", pki.IssueOptions{})
		m := ua
		m.ID = "replay-1"
		first := send(t, c, m)
		again := send(t, c, m, m)
		if first.Status != exchange.StatusAccepted || again.Status != exchange.StatusDuplicate {
			t.Fatalf("first %+v, replay %+v", first, again)
		}
	})
	t.Run("unknown schema version", func(t *testing.T) {
		c := n.node(t, "LV", pki.IssueOptions{})
		m := ua
		m.ID = "schema-1"
		up := *m.Upsert
		up.Schema = "0123456789abcdef0123456789abcdef"
		m.Upsert = &up
		if r := send(t, c, m); r.Status != exchange.StatusRefused || r.Code != exchange.CodeSchema {
			t.Errorf("another schema: %+v", r)
		}
		// A wire version this hub does not speak.
		b, _ := pki.Issue(n.ca, "EE", pki.RoleNode, pki.IssueOptions{})
		cert := b.TLSCertificate()
		err := plainTLSPath(t, n, &cert, "/exchange/v2/inbox")
		if err == nil || !contains(err.Error(), "404") {
			t.Errorf("exchange v2: %v", err)
		}
	})
	t.Run("malformed body", func(t *testing.T) {
		c := n.node(t, "NO", pki.IssueOptions{})
		_, err := c.Send(ctx, exchange.Batch{})
		if re, ok := err.(*exchange.RemoteError); !ok || re.Status != 422 {
			t.Errorf("empty batch: %v", err)
		}
	})
}
