package node

import (
	"cmp"
	"context"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/web"
)

// Exchange is a node's link to the hub: present only when --hub-url is
// set. A node without it works as before, alone.
type Exchange struct {
	Identity *network.Identity
	Client   *exchange.Client
	Sharer   *nodesync.Sharer
	Secrets  *nodesync.Secrets
	Sender   *nodesync.Sender
	Puller   *nodesync.Puller
	Hits     *nodesync.Hits
	Store    nodesync.Store
	FollowUp *followup.Service // follow-up requests (followup.go)
	// Witness lodges the audit checkpoints with the hub (one of
	// Node.Witnesses).
	Witness *nodesync.HubWitness

	resync sync.Mutex
}

// HelloInterval is how often a node tells the hub its schema, key and
// outbox depth (the hub's page of nodes shows them), and how often the
// maker of the linkage secret shares it with nodes that lack it.
const HelloInterval = 30 * time.Second

// openExchange wires the exchange into n when the configuration names a hub.
func (n *Node) openExchange(ctx context.Context) error {
	c := n.Config
	if c.HubURL == "" {
		return nil
	}
	id, err := network.Load(c, n.Now)
	if err != nil {
		return err
	}
	schema, err := network.Schema(c)
	if err != nil {
		return err
	}
	client, err := id.Client(c.HubURL, 0)
	if err != nil {
		return fmt.Errorf("network: %w", err)
	}
	st := store.NewNodeSyncStore(n.DB)
	x := &Exchange{Identity: id, Client: client, Sharer: nodesync.NewSharer(schema), Store: st}
	x.Secrets = &nodesync.Secrets{Store: st, Sharer: x.Sharer, AtRest: n.LiveKeys.Sealer(nodesync.SecretPurpose),
		Peers: &pkiPeers{id: id, client: client}, Country: c.Country, Now: n.Now, Logger: n.Logger}
	if _, err := x.Secrets.Load(ctx); err != nil {
		return err
	}
	x.Sender = nodesync.NewSender(st, client, n.Metrics, n.Logger, n.Now)
	x.Puller = nodesync.NewPuller(st, client, x.Secrets, n.Metrics, n.Logger, n.Now)
	x.Witness = &nodesync.HubWitness{Store: st, Source: client, Wake: x.Sender.Wake,
		CertSign: func(msg []byte) ([]byte, error) { return pki.Sign(id.Bundle.Key, msg) }}
	n.Witnesses = append(n.Witnesses, x.Witness)
	x.Hits = &nodesync.Hits{Store: st, Country: auth.Country(c.Country), Now: n.Now, Wake: x.Sender.Wake}
	// A new secret (received, made or rotated) re-encodes the registry.
	// Set here, before anything can change the secret, not when serving.
	x.Secrets.Changed = func() { n.Resync(context.Background()) }
	n.Cases.SetSharing(x.Sharer)
	n.Exchange = x
	n.openFollowUp(x)
	return nil
}

// hitQueue is the web's work queue of possible matches abroad: nil (not a
// nil pointer in an interface) on a node without a hub.
func (n *Node) hitQueue() web.HitQueue {
	if n.Exchange == nil {
		return nil
	}
	return n.Exchange.Hits
}

// workQueues are the start page's lines the exchange adds.
func (n *Node) workQueues() []web.WorkQueue {
	if n.Exchange == nil {
		return nil
	}
	return []web.WorkQueue{web.HitsWorkQueue(n.Exchange.Hits)}
}

// runExchange runs the sender, the puller and the node's housekeeping with
// the hub until ctx ends.
func (n *Node) runExchange(ctx context.Context) {
	x := n.Exchange
	if x == nil {
		return
	}
	go x.Identity.Watch(ctx, n.Logger)
	go x.Sender.Run(ctx)
	go x.Puller.Run(ctx)
	go n.Resync(ctx) // children registered before the secret, or before a crash mid-way
	t := time.NewTicker(cmp.Or(n.ExchangeEvery, HelloInterval))
	defer t.Stop()
	for {
		n.hello(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// hello tells the hub this node's state; if this node made the secret in
// use, it shares it with nodes the directory shows without it; and it
// picks up a secret made by `childcentre network secret`.
func (n *Node) hello(ctx context.Context) {
	x := n.Exchange
	if _, err := x.Secrets.Refresh(ctx); err != nil {
		n.Logger.Warn("network: reading the linkage secret failed", "err", err)
	}
	var pending int
	_ = x.Store.View(ctx, func(tx nodesync.Tx) error {
		var err error
		pending, _, err = tx.OutboxCounts(ctx)
		return err
	})
	if _, err := x.Client.Hello(ctx, exchange.Hello{Schema: x.Sharer.Schema().Fingerprint(), KeyID: x.Secrets.KeyID(),
		Software: "childcentre", Pending: pending}); err != nil {
		n.Logger.Warn("network: hello to the hub failed", "err", err)
		return
	}
	if x.Secrets.Origin() != n.Config.Country || x.Secrets.KeyID() == "" {
		return
	}
	dir, err := x.Client.Directory(ctx)
	if err != nil {
		return
	}
	var lacking []string
	for _, e := range dir.Nodes {
		if e.Country != n.Config.Country && e.KeyID != x.Secrets.KeyID() {
			lacking = append(lacking, e.Country)
		}
	}
	if len(lacking) > 0 {
		if k, err := x.Secrets.Share(ctx, lacking); err != nil {
			n.Logger.Warn("network: sharing the linkage secret failed", "err", err)
		} else if k > 0 {
			n.Logger.Info("network: linkage secret shared", "nodes", k)
			x.Sender.Wake()
		}
	}
}

// Resync brings the hub's view of the registry up to date under the
// current linkage secret (cases.Service.Resync), once at a time.
func (n *Node) Resync(ctx context.Context) {
	x := n.Exchange
	if x == nil {
		return
	}
	x.resync.Lock()
	defer x.resync.Unlock()
	start := time.Now()
	k, err := n.Cases.Resync(ctx, 0)
	if err != nil {
		n.Logger.Error("network: re-encoding the registry failed", "err", err, "done", k)
		return
	}
	if k > 0 {
		n.Logger.Info("network: registry queued for the hub", "children", k, "seconds", time.Since(start).Seconds())
		x.Sender.Wake()
	}
}

// pkiPeers seals and opens messages between nodes with the network's PKI;
// the other nodes' certificates come from the hub's directory and are
// checked against the network CA (and CRL) by pki on every use, so the hub
// cannot slip in a key of its own.
type pkiPeers struct {
	id     *network.Identity
	client *exchange.Client
}

func (p *pkiPeers) opts() pki.VerifyOptions {
	return pki.VerifyOptions{CRL: p.id.CRL, Now: p.id.Now, Roles: []pki.Role{pki.RoleNode}}
}

func (p *pkiPeers) Certificates(ctx context.Context) ([]*x509.Certificate, error) {
	dir, err := p.client.Directory(ctx)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for _, e := range dir.Nodes {
		c, err := x509.ParseCertificate(e.Certificate)
		if err != nil {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (p *pkiPeers) Seal(to *x509.Certificate, kind string, plaintext []byte) ([]byte, error) {
	return pki.SealSigned(p.id.Bundle, to, kind, plaintext, p.opts())
}

func (p *pkiPeers) Open(ctx context.Context, from, kind string, sealed []byte) ([]byte, error) {
	certs, err := p.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		if p.Country(c) == from {
			return pki.OpenVerified(p.id.Bundle, c, kind, sealed, p.opts())
		}
	}
	return nil, fmt.Errorf("network: no certificate of %s in the hub's directory", from)
}

func (p *pkiPeers) Country(c *x509.Certificate) string {
	id, err := pki.IdentityOf(c)
	if err != nil {
		return ""
	}
	return id.Country
}
