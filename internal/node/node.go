// Package node assembles a national node from its parts: configuration,
// keys, database, services and the web server, and runs it until it is told
// to stop. The serve and demo commands and the end-to-end tests share it, so
// that what is tested is what runs.
package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api"
	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/metrics"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/web"
)

// Node is a running national node's parts.
type Node struct {
	Config   *config.Config
	Keys     *crypto.Keyring
	LiveKeys *LiveKeys // the data keys as the key file has them now
	DB       *store.DB
	Auth     *auth.Service
	Cases    *cases.Service
	Exchange *Exchange // the link to the network's hub; nil without --hub-url (the node works alone)
	API      *api.Server
	Web      *web.Server
	Metrics  *metrics.Registry
	Logger   *slog.Logger
	Now      func() time.Time
	// Witnesses receive each signed checkpoint of the audit log's head:
	// the checkpoint file, and the hub once the exchange adds it.
	Witnesses []audit.Witness

	purge *purgeMetrics

	// ExchangeEvery overrides HelloInterval (the demo's nodes talk more often).
	ExchangeEvery time.Duration
}

// Keyring loads the node's keys from the key file or the CHILDCENTRE_KEYS value.
func Keyring(c *config.Config) (*crypto.Keyring, error) {
	if c.Keys != "" {
		return crypto.ParseKeyring([]byte(c.Keys))
	}
	return crypto.LoadKeyring(c.KeyFile)
}

// OpenDB opens the database with the audit chain keyed from kr.
func OpenDB(ctx context.Context, c *config.Config, kr *crypto.Keyring, logger *slog.Logger, now func() time.Time) (*store.DB, error) {
	atRest, err := crypto.NewFieldCipher(kr.Derive(crypto.PurposeLinkageAtRest, 32))
	if err != nil {
		return nil, err
	}
	natRef, err := crypto.NewFieldCipher(kr.Derive(crypto.PurposeNationalRefAtRest, 32))
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, store.Options{
		URL:           c.DatabaseURL,
		Chain:         ChainOf(kr),
		Now:           now,
		Logger:        logger,
		LinkageAtRest: atRest,
		// The national reference: a keyed hash and a sealed copy.
		NationalRefAtRest: natRef,
	})
}

// ChainOf returns the audit chain keyed from the node's keys.
func ChainOf(kr *crypto.Keyring) *audit.Chain {
	return audit.NewChain(kr.Derive(crypto.PurposeAuditChain, 32))
}

// Open assembles a node from a validated configuration. The database must
// be migrated: Open refuses to start on a schema older or newer than the
// binary, so that no request ever meets a half-migrated database.
func Open(ctx context.Context, c *config.Config, logger *slog.Logger, now func() time.Time) (*Node, error) {
	if now == nil {
		now = time.Now
	}
	kr, err := Keyring(c)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	db, err := OpenDB(ctx, c, kr, logger, now)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	if len(pending) > 0 {
		db.Close()
		return nil, fmt.Errorf("database: %d migration(s) not applied (first: %s); run 'childcentre migrate' first", len(pending), pending[0])
	}
	n := &Node{Config: c, Keys: kr, DB: db, Metrics: metrics.NewRegistry(), Logger: logger, Now: now}
	n.purge = newPurgeMetrics(n.Metrics)
	n.Witnesses = Witnesses(c)
	n.Metrics.RegisterRuntime()
	// Sealed data follows the key file as 'keys rotate' changes it; the
	// chain, index and CSRF keys never rotate, so the rest keeps kr.
	n.LiveKeys = NewLiveKeys(c.KeyFile, kr, logger)
	identity := n.LiveKeys.Sealer(crypto.PurposeIdentity)
	n.Auth = auth.NewService(store.NewAuthStore(db), n.LiveKeys.Sealer(crypto.PurposeTOTP), auth.Config{
		IdleTimeout:     c.IdleTimeout,
		AbsoluteTimeout: c.AbsoluteTimeout,
		Issuer:          "Childcentre " + c.Country,
		Now:             now,
	})
	n.Cases = cases.NewService(store.NewCaseStore(db), identity, kr, cases.Config{
		Country:   auth.Country(c.Country),
		Retention: c.Retention,
		Now:       now,
	})
	if err := n.openExchange(ctx); err != nil {
		db.Close()
		return nil, err
	}
	n.API, err = NewAPI(c, db, identity, kr, kr, n.Metrics, logger, now)
	if err != nil {
		db.Close()
		return nil, err
	}
	n.Web, err = web.New(web.Config{
		Country:         auth.Country(c.Country),
		TLS:             c.TLSCert != "",
		TrustedProxy:    c.TrustedProxy,
		DefaultLanguage: c.Language,
		Now:             now,
		Location:        c.Location, // nil (a config not loaded from the options): UTC
	}, web.Deps{
		Auth:     n.Auth,
		Cases:    n.Cases,
		Exporter: api.NewExporter(n.Cases, db, logger, now),
		Audit:    db,
		Ready:    db.Ping,
		Keys:     kr,
		Metrics:  n.Metrics,
		Logger:   logger,
		// Names the API tokens that wrote history and timeline entries.
		TokenNames: tokens.NewService(store.NewTokenStore(db), now),
		// Reads the country's cases for its national figures.
		Stats:      store.NewStatsStore(db),
		Hits:       n.hitQueue(),
		WorkQueues: n.workQueues(),
		FollowUp:   n.followUps(),
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return n, nil
}

// Close releases the database.
func (n *Node) Close() error { return n.DB.Close() }

// Serve serves HTTP(S) on ln until ctx is cancelled, then stops accepting
// connections and gives requests in flight up to the shutdown timeout to
// finish. Expired sessions are swept every few minutes meanwhile, and the
// retention purge runs every Config.PurgeEvery.
func (n *Node) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           Handler(n.API.Handler(), n.Web.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(n.Logger.Handler(), slog.LevelWarn),
	}
	tlsOn := n.Config.TLSCert != ""
	if tlsOn {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	go n.sweep(ctx)
	go n.runExchange(ctx)
	go n.LiveKeys.Watch(ctx, 0)
	go n.retain(ctx, purgeDelay)
	cpCtx, stopCheckpoints := context.WithCancel(ctx)
	cpDone := n.startCheckpoints(cpCtx)
	defer func() { stopCheckpoints(); <-cpDone }()

	errc := make(chan error, 1)
	go func() {
		if tlsOn {
			errc <- srv.ServeTLS(ln, n.Config.TLSCert, n.Config.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	n.Logger.Info("serving", "addr", ln.Addr().String(), "tls", tlsOn, "country", n.Config.Country)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	n.Logger.Info("shutting down", "timeout", n.Config.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), n.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (n *Node) sweep(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if k, err := n.Auth.DeleteExpired(ctx); err != nil {
				n.Logger.Warn("session sweep failed", "err", err)
			} else if k > 0 {
				n.Logger.Info("expired sessions removed", "count", k)
			}
		}
	}
}

// NewLogger returns the JSON (or text) logger the configuration asks for.
func NewLogger(c *config.Config, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
