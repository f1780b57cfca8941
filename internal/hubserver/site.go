package hubserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/site"
	"github.com/cbss-egcc/childcentre/internal/site/sitehttp"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// openSite assembles the public knowledge site: its service on the hub's
// database, seeded with the seed content on first start, and its pages,
// whose editors sign in through the hub's web server.
func (h *Hub) openSite(ctx context.Context) error {
	h.Site = site.New(store.NewSiteStore(h.DB), h.Now)
	seeded, err := h.Site.Seed(ctx)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if seeded {
		h.Logger.Info("site seeded with its first content")
	}
	h.SiteWeb, err = sitehttp.New(sitehttp.Deps{
		Site:       h.Site,
		Sessions:   h.Web.SiteSessions(),
		SignInPath: "/signin",
		BaseURL:    h.SiteURL(),
		TLS:        h.Config.TLSCert != "" || strings.HasPrefix(h.Config.SiteURL, "https://"),
		Logger:     h.Logger,
	})
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

// SiteURL is the public site's address: --site-url, else derived from
// --listen (what the demo and a hub without a proxy serve on).
func (h *Hub) SiteURL() string {
	if h.Config.SiteURL != "" {
		return h.Config.SiteURL
	}
	scheme := "http://"
	if h.Config.TLSCert != "" {
		scheme = "https://"
	}
	return scheme + h.Config.Listen
}

// Handler is everything the hub serves on its web address: the public
// site on its own paths (sitehttp.Prefixes: /en/ … /sv/, /search,
// /sitemap.xml, its static files and attachments), the secretariat's
// interface on the rest. The site's root is its English home page's
// neighbour: "/" stays the secretariat's overview.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, p := range sitehttp.Prefixes() {
		mux.Handle(p, h.SiteWeb)
	}
	mux.Handle("/", h.Web.Handler())
	return mux
}
