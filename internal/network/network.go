// Package network loads a server's place in the network from its
// configuration: its certificate and keys (internal/pki), the network CA
// and revocation list, the mutual-TLS configurations built on them, and the
// network's linkage schema. The hub (internal/hubserver) and the nodes
// share it, so that both ends read the same settings the same way.
package network

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/linkage"
	"github.com/cbss-egcc/childcentre/internal/pki"
)

// Identity is a server's identity in the network.
type Identity struct {
	Bundle *pki.Bundle
	CRL    *pki.CRLWatcher
	Now    func() time.Time
}

// Load reads the identity from --network-dir, --network-ca and
// --network-crl. now is the clock of certificate and CRL validity.
func Load(c *config.Config, now func() time.Time) (*Identity, error) {
	if c.NetworkDir == "" {
		return nil, fmt.Errorf("network: --network-dir is not set")
	}
	if now == nil {
		now = time.Now
	}
	b, err := pki.LoadNode(c.NetworkDir)
	if err != nil {
		return nil, fmt.Errorf("network: certificate in %s: %w", c.NetworkDir, err)
	}
	if c.NetworkCA != "" {
		data, err := os.ReadFile(c.NetworkCA)
		if err != nil {
			return nil, fmt.Errorf("network: --network-ca: %w", err)
		}
		blk, _ := pem.Decode(data)
		if blk == nil || !bytes.Equal(blk.Bytes, b.CA.Raw) {
			return nil, fmt.Errorf("network: --network-ca is not the CA that issued the certificate in %s", c.NetworkDir)
		}
	}
	crlPath := c.NetworkCRL
	if crlPath == "" {
		crlPath = filepath.Join(c.NetworkDir, pki.CRLFile)
	}
	crl, err := pki.NewCRLWatcher(crlPath, b.CA, now)
	if err != nil {
		return nil, fmt.Errorf("network: revocation list %s: %w", crlPath, err)
	}
	return &Identity{Bundle: b, CRL: crl, Now: now}, nil
}

// Watch re-reads the revocation list every minute until ctx ends, so that
// a revocation published takes effect without a restart.
func (id *Identity) Watch(ctx context.Context, log *slog.Logger) {
	id.CRL.Watch(ctx, time.Minute, func(err error) {
		if log != nil {
			log.Warn("network: revocation list not reloaded; the one held stays in force", "err", err)
		}
	})
}

// ServerTLS is the hub's exchange configuration: TLS 1.3, a node's
// certificate of the network required, revoked and expired ones refused
// in the handshake.
func (id *Identity) ServerTLS() (*tls.Config, error) {
	return pki.ServerTLS(id.Bundle, pki.VerifyOptions{CRL: id.CRL, Now: id.Now})
}

// Client returns a node's exchange client for the hub at hubURL, verifying
// that the server holds a hub certificate of the network.
func (id *Identity) Client(hubURL string, timeout time.Duration) (*exchange.Client, error) {
	u, err := url.Parse(hubURL)
	if err != nil {
		return nil, fmt.Errorf("network: hub URL: %w", err)
	}
	host := u.Hostname()
	if h, _, err := net.SplitHostPort(u.Host); err == nil {
		host = h
	}
	cfg, err := pki.ClientTLS(id.Bundle, host, pki.VerifyOptions{CRL: id.CRL, Now: id.Now})
	if err != nil {
		return nil, err
	}
	return exchange.NewClient(exchange.ClientConfig{URL: hubURL, TLS: cfg, Timeout: timeout})
}

// Identify reads the peer of a verified TLS session for the exchange
// server: country, role and serial from the network's certificate. It
// checks expiry and the CRL again at each request (pki.VerifyPeer), so that
// a connection kept alive does not outlive a revocation.
func (i *Identity) Identify(cs tls.ConnectionState) (exchange.Peer, error) {
	id, err := pki.VerifyPeer(cs, pki.VerifyOptions{CRL: i.CRL, Now: i.Now, Roles: []pki.Role{pki.RoleNode}})
	if err != nil {
		return exchange.Peer{}, err
	}
	return exchange.Peer{Country: id.Country, Role: string(id.Role), Serial: id.Serial, NotAfter: id.NotAfter,
		Certificate: cs.PeerCertificates[0].Raw}, nil
}

// Schema returns the network's linkage schema named by --network-schema: a
// built-in schema's name or a schema file.
func Schema(c *config.Config) (*linkage.Schema, error) {
	if s, ok := linkage.BuiltinSchema(c.NetworkSchema); ok {
		return s, nil
	}
	f, err := os.Open(c.NetworkSchema)
	if err != nil {
		return nil, fmt.Errorf("network: --network-schema %q is neither a built-in schema (%s) nor a readable file", c.NetworkSchema, linkage.BuiltinSchemaNames())
	}
	defer f.Close()
	return linkage.ParseSchema(f)
}

// ModelOptions are the linkage options the hub scores with: Link's
// defaults, with the thresholds the schema recommends, as 'childcentre
// link' takes them; for a segmented schema (child-fields) its layout, so
// that the hub scores field by field with the schema's built-in weights,
// as the batch link does, and can explain a pair (Model.Explain). Without
// the layout the hub read a segmented schema's probabilities as Dice
// similarities of whole filters.
func ModelOptions(s *linkage.Schema) linkage.Options {
	var o linkage.Options
	o.Layout = s.Layout()
	if s.Threshold > 0 {
		o.Threshold = s.Threshold
	}
	if s.Review > 0 {
		o.Review = s.Review
	}
	return o
}
