// Package clientip decides which address an HTTP request comes from, in one
// place for the web interface and the API: rate limits and the audit log's
// pseudonyms depend on it, so it must not be possible to forge.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Of returns the client's IP address and whether the request came through
// the trusted proxy. X-Forwarded-For is believed only from the trusted
// proxy (an invalid proxy trusts no one), and then only its last entry: the
// one the proxy appended itself; entries before it are whatever the client
// chose to send.
func Of(r *http.Request, proxy netip.Addr) (ip netip.Addr, viaProxy bool) {
	peer := Peer(r.RemoteAddr)
	if !proxy.IsValid() || peer != proxy {
		return peer, false
	}
	values := r.Header.Values("X-Forwarded-For")
	if len(values) == 0 {
		return peer, true
	}
	parts := strings.Split(values[len(values)-1], ",")
	if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
		return a.Unmap(), true
	}
	return peer, true
}

// ParseProxy reads the configured address of the trusted proxy: "" is no
// proxy (the zero Addr, which Of trusts for nothing). The address is
// unmapped so that it compares equal to the peers Of sees.
func ParseProxy(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("trusted proxy %q is not an IP address", s)
	}
	return a.Unmap(), nil
}

// Peer parses a connection's remote address ("1.2.3.4:5678", "[::1]:80").
func Peer(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// Source returns what a rate limit and a pseudonym count as one source:
// an IPv4 address as it is, an IPv6 address as its /64 prefix. A single
// host or subscriber is given a whole /64 and its privacy extensions move
// through it daily, so counting per IPv6 address would let one machine
// start afresh with each of 2^64 addresses.
func Source(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	if !ip.Is6() {
		return ip
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.Addr()
}
