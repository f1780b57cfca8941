package node

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// NewAPI builds the node's JSON API for national systems (internal/api)
// on the node's database, with the sealer and index keys of its case
// registry (give the same ones as to n.Cases, so that key rotation reaches
// both) and kr for pseudonyms of client addresses. The API makes its own
// cases.Service, whose audit records name the API token of each request.
func NewAPI(c *config.Config, db *store.DB, sealer cases.Sealer, index cases.Indexer, kr api.Keys,
	reg *metrics.Registry, logger *slog.Logger, now func() time.Time) (*api.Server, error) {
	return api.New(api.Config{
		Country:      auth.Country(c.Country),
		TLS:          c.TLSCert != "",
		TrustedProxy: c.TrustedProxy,
		Now:          now,
	}, api.Deps{
		CaseStore: store.NewCaseStore(db),
		Sealer:    sealer,
		Index:     index,
		Tokens:    store.NewTokenStore(db),
		Keys:      kr,
		Metrics:   reg,
		Logger:    logger,
	})
}

// Handler is the node's whole HTTP handler: the API under api.Prefix
// (/api/), the web interface everywhere else. The API answers every path
// under its prefix itself (unknown ones with a problem details 404), so
// that a national system never receives an HTML page.
func Handler(apiHandler, webHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(api.Prefix, apiHandler)
	mux.Handle("/", webHandler)
	return retryAfter(mux)
}
