package clientip

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestOf(t *testing.T) {
	proxy := netip.MustParseAddr("10.0.0.5")
	tests := []struct {
		name   string
		remote string
		xff    []string
		proxy  netip.Addr
		want   string
		via    bool
	}{
		{"no proxy configured: header ignored", "192.0.2.1:4000", []string{"203.0.113.9"}, netip.Addr{}, "192.0.2.1", false},
		{"not from the proxy: header ignored", "192.0.2.1:4000", []string{"203.0.113.9"}, proxy, "192.0.2.1", false},
		{"from the proxy: its entry", "10.0.0.5:4000", []string{"203.0.113.9"}, proxy, "203.0.113.9", true},
		{"client-invented entries before it", "10.0.0.5:4000", []string{"198.51.100.7, 203.0.113.9"}, proxy, "203.0.113.9", true},
		{"last header line wins", "10.0.0.5:4000", []string{"198.51.100.7", "203.0.113.9"}, proxy, "203.0.113.9", true},
		{"garbage from the proxy: the proxy", "10.0.0.5:4000", []string{"not-an-ip"}, proxy, "10.0.0.5", true},
		{"proxy without header", "10.0.0.5:4000", nil, proxy, "10.0.0.5", true},
		{"IPv6 peer", "[2001:db8::1]:443", nil, netip.Addr{}, "2001:db8::1", false},
		{"IPv4-mapped peer", "[::ffff:192.0.2.1]:443", nil, netip.Addr{}, "192.0.2.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			ip, via := Of(r, tt.proxy)
			if ip.String() != tt.want || via != tt.via {
				t.Errorf("Of = %s, %v; want %s, %v", ip, via, tt.want, tt.via)
			}
		})
	}
}

func TestParseProxy(t *testing.T) {
	tests := []struct {
		in      string
		want    netip.Addr
		wantErr bool
	}{
		{"", netip.Addr{}, false},
		{"10.0.0.2", netip.MustParseAddr("10.0.0.2"), false},
		{"::ffff:10.0.0.2", netip.MustParseAddr("10.0.0.2"), false}, // unmapped, as Of sees peers
		{"::1", netip.MustParseAddr("::1"), false},
		{"proxy.example", netip.Addr{}, true},
		{"10.0.0.2:443", netip.Addr{}, true},
	}
	for _, tt := range tests {
		got, err := ParseProxy(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseProxy(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSource(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"},
		{"2001:db8:1:2::1", "2001:db8:1:2::"},
		{"2001:db8:1:3::1", "2001:db8:1:3::"},
		{"fe80::1%eth0", "fe80::"},
	}
	for _, tt := range tests {
		if got := Source(netip.MustParseAddr(tt.in)).String(); got != tt.want {
			t.Errorf("Source(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
