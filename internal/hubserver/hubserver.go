// Package hubserver assembles the hub from its parts: configuration, keys,
// database, the hub's matching service, the exchange endpoint nodes reach
// with mutual TLS and the secretariat's web interface, and runs it until
// it is told to stop. The serve and demo commands and the end-to-end tests
// share it, so that what is tested is what runs.
//
// It shares with internal/node what both roles need (keys, database,
// logger) by calling it, and wires only what differs.
package hubserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/web"
)

// Hub is a running hub's parts.
type Hub struct {
	Config   *config.Config
	Keys     *crypto.Keyring
	DB       *store.DB
	Auth     *auth.Service
	Service  *hub.Service
	Network  *network.Identity
	Exchange http.Handler // the exchange endpoint (/exchange/v1/…)
	Web      *web.Server  // the secretariat's interface
	Metrics  *metrics.Registry
	Logger   *slog.Logger
	Now      func() time.Time

	exchangeTLS *tls.Config
}

// Open assembles a hub from a validated configuration (role hub). The
// database must be migrated, as for a node. It loads every encoding into
// the in-memory index before it returns.
func Open(ctx context.Context, c *config.Config, logger *slog.Logger, now func() time.Time) (*Hub, error) {
	if now == nil {
		now = time.Now
	}
	kr, err := node.Keyring(c)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	id, err := network.Load(c, now)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := id.ServerTLS()
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	schema, err := network.Schema(c)
	if err != nil {
		return nil, err
	}
	db, err := node.OpenDB(ctx, c, kr, logger, now)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	fail := func(err error) (*Hub, error) {
		db.Close()
		return nil, err
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		return fail(fmt.Errorf("database: %w", err))
	}
	if len(pending) > 0 {
		return fail(fmt.Errorf("database: %d migration(s) not applied (first: %s); run 'childcentre migrate' first", len(pending), pending[0]))
	}
	h := &Hub{Config: c, Keys: kr, DB: db, Network: id, Metrics: metrics.NewRegistry(), Logger: logger, Now: now, exchangeTLS: tlsCfg}
	h.Metrics.RegisterRuntime()
	h.Service, err = hub.New(store.NewHubStore(db), hub.Config{
		Schema:  schema.Fingerprint(),
		Words:   schema.EncodedBits() / 64,
		Options: network.ModelOptions(schema),
		Now:     now,
		Logger:  logger,
		Metrics: h.Metrics,
	})
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	if err := h.Service.Load(ctx); err != nil {
		return fail(fmt.Errorf("hub index: %w", err))
	}
	logger.Info("hub index loaded", "encodings", h.Service.Indexed(), "seconds", time.Since(start).Seconds())
	h.Exchange = exchange.NewServer(h.Service, exchange.ServerConfig{Identify: id.Identify, Logger: logger})
	h.Auth = auth.NewService(store.NewAuthStore(db), node.NewLiveKeys(c.KeyFile, kr, logger).Sealer(crypto.PurposeTOTP), auth.Config{
		IdleTimeout:     c.IdleTimeout,
		AbsoluteTimeout: c.AbsoluteTimeout,
		Issuer:          "Childcentre hub",
		Now:             now,
	})
	h.Web, err = web.New(web.Config{
		TLS:             c.TLSCert != "",
		TrustedProxy:    c.TrustedProxy,
		DefaultLanguage: c.Language,
		Now:             now,
		Location:        c.Location,
	}, web.Deps{
		Auth:    h.Auth,
		Audit:   db,
		Ready:   db.Ping,
		Keys:    kr,
		Metrics: h.Metrics,
		Logger:  logger,
		Network: h.Service,
	})
	if err != nil {
		return fail(err)
	}
	return h, nil
}

// Close releases the database.
func (h *Hub) Close() error { return h.DB.Close() }

// ExchangeTLS returns the exchange endpoint's TLS configuration.
func (h *Hub) ExchangeTLS() *tls.Config { return h.exchangeTLS.Clone() }

// Serve serves the web interface on webLn and the exchange, with mutual
// TLS, on exchangeLn until ctx is cancelled; then it stops accepting and
// gives requests in flight the shutdown timeout. Matching runs meanwhile,
// as do the revocation list's reload and the session sweep.
func (h *Hub) Serve(ctx context.Context, webLn, exchangeLn net.Listener) error {
	webSrv := h.server(h.Web.Handler())
	exSrv := h.server(h.Exchange)
	exSrv.TLSConfig = h.ExchangeTLS()
	tlsOn := h.Config.TLSCert != ""
	if tlsOn {
		webSrv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	bg, stop := context.WithCancel(ctx)
	defer stop()
	matching := make(chan struct{})
	go func() {
		defer close(matching)
		h.Service.Run(bg)
	}()
	go h.Network.Watch(bg, h.Logger)
	go h.sweep(bg)

	errc := make(chan error, 2)
	go func() {
		if tlsOn {
			errc <- webSrv.ServeTLS(webLn, h.Config.TLSCert, h.Config.TLSKey)
		} else {
			errc <- webSrv.Serve(webLn)
		}
	}()
	go func() { errc <- exSrv.ServeTLS(exchangeLn, "", "") }()
	h.Logger.Info("hub serving", "web", webLn.Addr().String(), "exchange", exchangeLn.Addr().String(), "tls", tlsOn)
	var first error
	select {
	case first = <-errc:
	case <-ctx.Done():
	}
	h.Logger.Info("hub shutting down", "timeout", h.Config.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), h.Config.ShutdownTimeout)
	defer cancel()
	err := errors.Join(exSrv.Shutdown(sctx), webSrv.Shutdown(sctx))
	stop()
	<-matching // its claims given back before the database closes
	if first != nil && !errors.Is(first, http.ErrServerClosed) {
		return first
	}
	return err
}

func (h *Hub) server(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(h.Logger.Handler(), slog.LevelWarn),
	}
}

// sweep removes expired sessions every few minutes.
func (h *Hub) sweep(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := h.Auth.DeleteExpired(ctx); err != nil {
				h.Logger.Warn("session sweep failed", "err", err)
			}
		}
	}
}
