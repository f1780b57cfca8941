package nodesync_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// fakePeers stands in for the PKI: it "seals" by tagging the plaintext
// with the receiver, and opens only what is tagged for this node. The real
// sealing (pki.SealSigned through the hub) is tested end to end in
// internal/nete2e.
type fakePeers struct {
	self  string
	peers []string
}

func (p *fakePeers) Certificates(ctx context.Context) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, c := range p.peers {
		out = append(out, &x509.Certificate{Raw: []byte(c)})
	}
	return out, nil
}
func (p *fakePeers) Country(c *x509.Certificate) string { return string(c.Raw) }
func (p *fakePeers) Seal(to *x509.Certificate, kind string, plain []byte) ([]byte, error) {
	return append([]byte(string(to.Raw)+"|"+kind+"|"), plain...), nil
}
func (p *fakePeers) Open(ctx context.Context, from, kind string, sealed []byte) ([]byte, error) {
	prefix := []byte(p.self + "|" + kind + "|")
	if !bytes.HasPrefix(sealed, prefix) {
		return nil, errors.New("not sealed to this node")
	}
	return sealed[len(prefix):], nil
}

func TestSecretTravelsSealedAndRotates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.secrets.Peers = &fakePeers{self: "SE", peers: []string{"SE", "FI", "DE"}}
		key, err := e.secrets.Init(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := e.outbox(t)
		if len(out) != 2 || out[0].Type != exchange.TypeSealed || out[0].Sealed.Kind != nodesync.SecretKind || out[0].Sealed.To == "SE" {
			t.Fatalf("outbox after Init = %+v; want the secret sealed to FI and DE", out)
		}
		if n := e.countAudit(t, "network.secret"); n != 1 {
			t.Errorf("%d network.secret audit records, want 1", n)
		}

		// FI's node receives it through the hub (From set by the hub).
		fi := newEnv(t, storetest.New(t))
		fi.secrets.Peers = &fakePeers{self: "FI"}
		fi.secrets.Country = "FI"
		var toFI *exchange.Sealed
		for _, m := range out {
			if m.Sealed.To == "FI" {
				toFI = m.Sealed
			}
		}
		toFI.From = "SE"
		fi.hub.notify(exchange.Notice{Type: exchange.NoticeSealed, Sealed: toFI})
		if _, err := fi.puller.PullOnce(e.ctx); err != nil {
			t.Fatal(err)
		}
		if fi.secrets.KeyID() != key || fi.secrets.Origin() != "SE" {
			t.Fatalf("FI uses key %q from %q, want %q from SE", fi.secrets.KeyID(), fi.secrets.Origin(), key)
		}
		// Kept sealed at rest with FI's keyring: a restarted FI node loads
		// it; another keyring cannot open it.
		schema := fi.sharer.Schema()
		again := &nodesync.Secrets{Store: fi.net, Sharer: nodesync.NewSharer(schema), AtRest: fi.keys.Sealer(nodesync.SecretPurpose), Country: "FI"}
		if ok, err := again.Load(e.ctx); !ok || err != nil || again.KeyID() != key {
			t.Fatalf("Load after restart: %v %v, key %q", ok, err, again.KeyID())
		}
		other := &nodesync.Secrets{Store: fi.net, Sharer: nodesync.NewSharer(schema), AtRest: e.keys.Sealer(nodesync.SecretPurpose), Country: "FI"}
		if _, err := other.Load(e.ctx); err == nil {
			t.Error("another node's keyring opened FI's stored secret")
		}
		// A message sealed to another node, or tampered with, is refused and changes nothing.
		var toDE *exchange.Sealed
		for _, m := range out {
			if m.Sealed.To == "DE" {
				toDE = m.Sealed
			}
		}
		if err := fi.secrets.Receive(e.ctx, &exchange.Sealed{From: "SE", Kind: nodesync.SecretKind, Ciphertext: toDE.Ciphertext}); err == nil {
			t.Error("FI opened a secret sealed to DE")
		}
		bad := append([]byte(nil), toFI.Ciphertext...)
		bad[len("FI|linkage-secret|")+15] ^= 1 // inside the secret
		if err := fi.secrets.Receive(e.ctx, &exchange.Sealed{From: "SE", Kind: nodesync.SecretKind, Ciphertext: bad}); err == nil {
			t.Error("FI accepted an altered secret")
		}
		if fi.secrets.KeyID() != key {
			t.Error("a refused message changed FI's key")
		}

		// Rotation on SE: a new key, shared the same way.
		e.drain(t)
		key2, err := e.secrets.Init(e.ctx)
		if err != nil || key2 == key {
			t.Fatalf("rotation: %q %v", key2, err)
		}
		if out := e.outbox(t); len(out) != 2 {
			t.Fatalf("rotation queued %d sealed messages, want 2", len(out))
		}
	})
}
