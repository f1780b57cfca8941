package web

import (
	"net/http"
	"net/netip"

	"github.com/cbss-egcc/childcentre/internal/clientip"
	"github.com/cbss-egcc/childcentre/internal/crypto"
)

// clientAddr returns the client's IP address and whether the request came
// through the trusted proxy (see clientip.Of).
func (s *Server) clientAddr(r *http.Request) (ip netip.Addr, viaProxy bool) {
	return clientip.Of(r, s.proxy)
}

// pseudonym returns the keyed pseudonym of a client's source, the only form
// in which an address reaches logs, sessions, rate limits and the audit
// log. An IPv6 address counts by its /64 (clientip.Source), so that one
// machine cannot escape the per-source limits by changing addresses.
func (s *Server) pseudonym(ip netip.Addr) string {
	if !ip.IsValid() {
		return "unknown"
	}
	return s.deps.Keys.Pseudonym(crypto.PurposeAddrPseudonym, clientip.Source(ip).String())
}

// directLoopback reports whether the request comes from this host itself
// and not through a proxy: no trusted proxy hop and no forwarding headers,
// so that a misconfigured proxy on the same host does not make every
// visitor look local.
func directLoopback(r *http.Request, ip netip.Addr, viaProxy bool) bool {
	return !viaProxy && ip.IsLoopback() &&
		r.Header.Get("X-Forwarded-For") == "" && r.Header.Get("Forwarded") == ""
}
