package pki

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// VerifyOptions says how a peer's certificate is judged.
type VerifyOptions struct {
	// CRL is the network's revocation list. ServerTLS and ClientTLS require
	// it; VerifyCert skips the revocation check without it.
	CRL *CRLWatcher
	// Now is the clock for expiry (tls.Config.Time); time.Now when nil.
	Now func() time.Time
	// Roles the peer may have. ServerTLS accepts nodes and ClientTLS
	// servers that are hubs unless this says otherwise; VerifyCert accepts
	// any role when it is empty.
	Roles []Role
}

func (o VerifyOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// ServerTLS returns the configuration of a server of the network (the hub's
// exchange endpoint): TLS 1.3 only, a client certificate of the network's CA
// required and verified, revoked or expired certificates and those of a role
// not in opts.Roles (default: node) refused during the handshake, so that
// such a client gets no TLS session at all.
func ServerTLS(b *Bundle, opts VerifyOptions) (*tls.Config, error) {
	if len(opts.Roles) == 0 {
		opts.Roles = []Role{RoleNode}
	}
	cfg, err := baseTLS(b, opts)
	if err != nil {
		return nil, err
	}
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = b.Roots()
	// Without tickets every connection is a full handshake, so a revocation
	// takes effect on the next connection and never waits for a ticket to age.
	cfg.SessionTicketsDisabled = true
	return cfg, nil
}

// ClientTLS returns the configuration of a client of the network (a node
// calling the hub at serverName): TLS 1.3 only, its certificate presented,
// the server verified against the network's CA and CRL and required to hold
// a role in opts.Roles (default: hub).
func ClientTLS(b *Bundle, serverName string, opts VerifyOptions) (*tls.Config, error) {
	if len(opts.Roles) == 0 {
		opts.Roles = []Role{RoleHub}
	}
	cfg, err := baseTLS(b, opts)
	if err != nil {
		return nil, err
	}
	cfg.RootCAs = b.Roots()
	cfg.ServerName = serverName
	return cfg, nil
}

func baseTLS(b *Bundle, opts VerifyOptions) (*tls.Config, error) {
	if b == nil || b.CA == nil {
		return nil, errs.E(errs.Invalid, "pki: no identity bundle")
	}
	if opts.CRL == nil {
		return nil, errs.E(errs.Invalid, "pki: a CRL is required for mutual TLS")
	}
	roles := slices.Clone(opts.Roles)
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{b.TLSCertificate()},
		Time:         opts.Now,
		// Called after the standard chain and expiry checks (against Time),
		// on both sides; an error here aborts the handshake.
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errs.E(errs.Unauthorized, "no peer certificate")
			}
			leaf := cs.PeerCertificates[0]
			if err := opts.CRL.Check(leaf); err != nil {
				return err
			}
			id, err := IdentityOf(leaf)
			if err != nil {
				return err
			}
			if !slices.Contains(roles, id.Role) {
				return errs.E(errs.Forbidden, "peer has the role %s, expected %v", id.Role, roles)
			}
			return nil
		},
	}, nil
}

// PeerIdentity returns the identity of the peer of a connection configured
// by ServerTLS or ClientTLS. The hub takes the country of every message from
// it, never from a message body. It refuses a connection whose peer was not
// verified.
func PeerIdentity(cs tls.ConnectionState) (Identity, error) {
	if !cs.HandshakeComplete || len(cs.VerifiedChains) == 0 || len(cs.PeerCertificates) == 0 {
		return Identity{}, errs.E(errs.Unauthorized, "the peer presented no verified certificate")
	}
	return IdentityOf(cs.PeerCertificates[0])
}

// VerifyCert checks that cert was issued by ca, is valid at opts.Now, is not
// revoked (when opts.CRL is set) and has a role in opts.Roles (any when
// empty), and returns what it certifies. It is how a node checks a
// certificate relayed by the hub before sealing to it or trusting its
// signature.
func VerifyCert(ca, cert *x509.Certificate, opts VerifyOptions) (Identity, error) {
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: opts.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return Identity{}, errs.E(errs.Forbidden, "certificate %s is not valid in this network", FormatSerial(cert.SerialNumber))
	}
	if opts.CRL != nil {
		if err := opts.CRL.Check(cert); err != nil {
			return Identity{}, err
		}
	}
	id, err := IdentityOf(cert)
	if err != nil {
		return Identity{}, err
	}
	if len(opts.Roles) > 0 && !slices.Contains(opts.Roles, id.Role) {
		return Identity{}, errs.E(errs.Forbidden, "certificate has the role %s, expected %v", id.Role, opts.Roles)
	}
	return id, nil
}

// RequestIdentity is PeerIdentity for an HTTP request served with a
// ServerTLS configuration; a request that came without TLS is refused.
func RequestIdentity(r *http.Request) (Identity, error) {
	if r.TLS == nil {
		return Identity{}, errs.E(errs.Unauthorized, "the request came without TLS")
	}
	return PeerIdentity(*r.TLS)
}

// VerifyPeer is PeerIdentity checked again now: the certificate has not
// expired and is not revoked by the CRL held at this moment. The handshake
// checked both once, but an HTTP connection kept alive outlives a
// revocation or an expiry; a server calls VerifyPeer on every request so
// that a revoked node is cut off at its next request, not its next
// connection.
func VerifyPeer(cs tls.ConnectionState, opts VerifyOptions) (Identity, error) {
	id, err := PeerIdentity(cs)
	if err != nil {
		return Identity{}, err
	}
	leaf := cs.PeerCertificates[0]
	if now := opts.now(); now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return Identity{}, errs.E(errs.Unauthorized, "certificate %s is not valid at this time", id.Serial)
	}
	if opts.CRL == nil {
		return Identity{}, errs.E(errs.Invalid, "pki: a CRL is required to verify a peer")
	}
	if err := opts.CRL.Check(leaf); err != nil {
		return Identity{}, err
	}
	if len(opts.Roles) > 0 && !slices.Contains(opts.Roles, id.Role) {
		return Identity{}, errs.E(errs.Forbidden, "peer has the role %s, expected %v", id.Role, opts.Roles)
	}
	return id, nil
}
