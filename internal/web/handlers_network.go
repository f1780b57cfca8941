package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/hub"
)

// NetworkView is what the hub's network pages read (*hub.Service
// implements it). The hub holds no personal data, so these pages show
// nodes and counts only.
type NetworkView interface {
	Nodes(ctx context.Context) ([]*hub.Node, error)
	Health(ctx context.Context) (*hub.Health, error)
	Schema() string
}

// withoutNetwork drops the network pages from the navigation of a server
// without them (a node).
func (s *Server) withoutNetwork(nav []navItem) []navItem {
	if s.deps.Network != nil {
		return nav
	}
	return slices.DeleteFunc(nav, func(n navItem) bool { return n.perm == auth.PermNetworkMonitor })
}

// certWarning is how long before its expiry a node's certificate is
// flagged: time enough to issue and install the next one.
const certWarning = 14 * 24 * time.Hour

type networkNode struct {
	*hub.Node
	SchemaOK bool
	Expiring bool
	Expired  bool
}

func (s *Server) networkNodesPage(w http.ResponseWriter, r *http.Request) {
	if s.deps.Network == nil {
		s.notFound(w, r)
		return
	}
	nodes, err := s.deps.Network.Nodes(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := s.now()
	schema := s.deps.Network.Schema()
	d := struct {
		Nodes  []networkNode
		Schema string
	}{Schema: schema}
	for _, n := range nodes {
		d.Nodes = append(d.Nodes, networkNode{Node: n, SchemaOK: n.Schema == schema,
			Expired: now.After(n.NotAfter), Expiring: !now.After(n.NotAfter) && n.NotAfter.Sub(now) < certWarning})
	}
	s.render(w, r, http.StatusOK, "network_nodes", &page{TitleKey: "network.nodes_title", Data: d})
}

type countryCount struct {
	Country string
	Count   int64
}

func (s *Server) networkMatchingPage(w http.ResponseWriter, r *http.Request) {
	if s.deps.Network == nil {
		s.notFound(w, r)
		return
	}
	h, err := s.deps.Network.Health(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := struct {
		*hub.Health
		PerCountry []countryCount
		Total      int64
		P50, P95   string
		P99        string
	}{Health: h}
	for c, n := range h.Encodings {
		d.PerCountry = append(d.PerCountry, countryCount{c, n})
		d.Total += n
	}
	slices.SortFunc(d.PerCountry, func(a, b countryCount) int {
		if a.Country < b.Country {
			return -1
		}
		return 1
	})
	secs := func(v float64) string {
		return time.Duration(v * float64(time.Second)).Round(time.Millisecond).String()
	}
	d.P50, d.P95, d.P99 = secs(h.P50), secs(h.P95), secs(h.P99)
	s.render(w, r, http.StatusOK, "network_matching", &page{TitleKey: "network.matching_title", Data: d})
}
