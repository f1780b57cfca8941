package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/hubserver"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/pki"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

// The region's data folder:
//
//	ca/                   the network CA (its key too: a demo)
//	hub/keys.json hub.db network/   the hub
//	SE/keys.json node.db network/   one folder per node
//	demo.json
//
// Every server has its own keyring, database and certificate; the hub's
// exchange listens on a free port with mutual TLS, and the nodes reach it
// there, as they would across the region.

// exchangeEvery is how often the demo's nodes say hello to the hub (and
// the node that made the linkage secret shares it with nodes lacking it):
// a real node does it every half minute; the demo wants hits within a
// minute of start.
const exchangeEvery = 2 * time.Second

// region is the running demo.
type region struct {
	hub    *hubserver.Hub
	nodes  []*node.Node
	file   File
	acc    map[string][]Account
	dir    string
	cancel context.CancelFunc
	errc   chan error
	n      int
	bg     sync.WaitGroup // the background seeding (network.go)
}

// startRegion makes (or reopens, with a kept --dir) the CA, certificates,
// databases and accounts, seeds the registries and starts every server.
func startRegion(ctx context.Context, opt Options, dir string) (*region, error) {
	ca, err := openCA(filepath.Join(dir, "ca"))
	if err != nil {
		return nil, err
	}
	recs, err := regionRecords(opt.Countries, opt.Now())
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	r := &region{dir: dir, cancel: cancel, errc: make(chan error, len(opt.Countries)+1), acc: map[string][]Account{}}
	ok := false
	defer func() {
		if !ok {
			r.stop()
			r.close()
		}
	}()

	// The hub first: the nodes need its exchange address.
	hc, err := serverConfig(ca, dir, "hub", "", opt)
	if err != nil {
		return nil, err
	}
	if err := hubserver.Migrate(ctx, hc, opt.Logger, opt.Now); err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	if r.hub, err = hubserver.Open(ctx, hc, opt.Logger, opt.Now); err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	if r.acc[""], err = seedAccounts(ctx, r.hub.Auth, "", []auth.Role{auth.RoleNetworkAdmin}); err != nil {
		return nil, err
	}
	// The site's editors sign in on the hub; a national coordinator edits
	// the first country's pages.
	site, err := seedAccounts(ctx, r.hub.Auth, auth.Country(opt.Countries[0]),
		[]auth.Role{auth.RoleSiteEditor, auth.RoleSiteCoordinator, auth.RoleSiteReviewer})
	if err != nil {
		return nil, err
	}
	r.acc[""] = append(r.acc[""], site...)
	webLn, err := listen(opt.Listen)
	if err != nil {
		return nil, err
	}
	exLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		webLn.Close()
		return nil, err
	}
	exURL := "https://" + exLn.Addr().String()
	hubURL := "http://" + webLn.Addr().String() + "/"
	r.file.Hub = HubEntry{URL: hubURL, ExchangeURL: exURL, MetricsURL: hubURL + "metrics", Env: envOf(hc),
		SiteURL: hubURL + "en/", StatisticsCSVURL: hubURL + "statistics/regional.csv"}
	r.serve(func() error { return r.hub.Serve(sctx, webLn, exLn) })

	// Then the nodes, each set up in its own goroutine (each has its own
	// database; the time goes into password hashing and seeding). The first
	// makes the linkage secret before its registry is seeded, so its
	// children go to the hub as they are written; the others receive it
	// sealed through the hub and re-encode.
	setups := make([]*nodeSetup, len(opt.Countries))
	var wg sync.WaitGroup
	for i, cc := range opt.Countries {
		setups[i] = &nodeSetup{country: cc}
		wg.Go(func() { setups[i].err = setupNode(ctx, setups[i], ca, dir, exURL, i == 0, recs, opt) })
	}
	wg.Wait()
	for _, s := range setups {
		if s.node != nil {
			r.nodes = append(r.nodes, s.node)
		}
	}
	for _, s := range setups {
		if s.err != nil {
			return nil, fmt.Errorf("node %s: %w", s.country, s.err)
		}
	}
	for _, s := range setups {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		url := "http://" + ln.Addr().String() + "/"
		r.acc[s.country] = s.accounts
		r.file.Nodes = append(r.file.Nodes, NodeEntry{Country: s.country, URL: url, MetricsURL: url + "metrics", Env: envOf(s.config), Accounts: s.accounts})
		n := s.node
		r.serve(func() error { return n.Serve(sctx, ln) })
	}
	// With every server up, work the network in the background: the
	// servers answer meanwhile, and the sign-in details appear at once.
	r.bg.Go(func() { r.seedNetwork(sctx, opt) })
	ok = true
	return r, nil
}

// nodeSetup is one node being prepared.
type nodeSetup struct {
	country  string
	config   *config.Config
	node     *node.Node
	accounts []Account
	err      error
}

// setupNode makes, migrates, opens and seeds one node; with first, it
// makes the network's linkage secret.
func setupNode(ctx context.Context, s *nodeSetup, ca *pki.CA, dir, exURL string, first bool, recs []synth.Record, opt Options) error {
	nc, err := serverConfig(ca, dir, "node", s.country, opt)
	if err != nil {
		return err
	}
	nc.HubURL = exURL
	s.config = nc
	if err := migrateNode(ctx, nc, opt); err != nil {
		return err
	}
	n, err := node.Open(ctx, nc, opt.Logger, opt.Now)
	if err != nil {
		return err
	}
	s.node = n
	n.ExchangeEvery = exchangeEvery
	if first && n.Exchange.Secrets.KeyID() == "" {
		if _, err := n.Exchange.Secrets.Init(ctx); err != nil {
			return fmt.Errorf("linkage secret: %w", err)
		}
	}
	country := auth.Country(s.country)
	if s.accounts, err = seedAccounts(ctx, n.Auth, country, nodeRoles(first)); err != nil {
		return err
	}
	_, err = seedRegistry(ctx, n.Cases, n.Auth, country, recs, opt.Now())
	return err
}

// nodeRoles are the demo accounts of a node: every role on the first, the
// officer and supervisor who work the cases and the hits on the others
// (each account costs a memory-hard password hash at start).
func nodeRoles(first bool) []auth.Role {
	if first {
		return []auth.Role{auth.RoleOfficer, auth.RoleSupervisor, auth.RoleCountryAdmin, auth.RoleAuditor, auth.RoleNetworkAdmin}
	}
	return []auth.Role{auth.RoleOfficer, auth.RoleSupervisor}
}

// serve runs one server in its own goroutine.
func (r *region) serve(fn func() error) {
	r.n++
	go func() { r.errc <- fn() }()
}

// wait serves until the context ends or a server stops, then stops them
// all and reports the first server's error.
func (r *region) wait() error {
	first := <-r.errc
	r.n--
	r.stop()
	return first
}

// stop stops the background seeding and every server and waits for them.
func (r *region) stop() {
	r.cancel()
	r.bg.Wait()
	for ; r.n > 0; r.n-- {
		<-r.errc
	}
}

func (r *region) close() {
	for _, n := range r.nodes {
		n.Close()
	}
	if r.hub != nil {
		r.hub.Close()
	}
}

func (r *region) ready() Ready {
	return Ready{Dir: r.dir, File: r.file, Accounts: r.acc}
}

// listen listens on addr, or on a free port when addr is the default and taken.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) && addr == "127.0.0.1:8080" {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// openCA opens the demo's CA, making it on first use.
func openCA(dir string) (*pki.CA, error) {
	if _, err := os.Stat(filepath.Join(dir, pki.CACertFile)); err == nil {
		return pki.LoadCA(dir)
	}
	return pki.InitCA(dir, pki.CAOptions{Name: "Childcentre demo network CA"})
}

// serverConfig makes (or reuses) a server's folder: key file, database,
// certificate; and returns its configuration.
func serverConfig(ca *pki.CA, dir, role, country string, opt Options) (*config.Config, error) {
	name := country
	if role == "hub" {
		name = "hub"
	}
	sdir := filepath.Join(dir, name)
	if err := os.MkdirAll(sdir, 0o700); err != nil {
		return nil, err
	}
	keyFile := filepath.Join(sdir, "keys.json")
	if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
		if err := crypto.GenerateKeyFile(keyFile); err != nil {
			return nil, err
		}
	}
	netDir := filepath.Join(sdir, "network")
	if _, err := os.Stat(filepath.Join(netDir, pki.NodeCertFile)); errors.Is(err, os.ErrNotExist) {
		cc, prole := country, pki.RoleNode
		if role == "hub" {
			cc, prole = opt.Country, pki.RoleHub // the secretariat's host country
		}
		b, err := pki.Issue(ca, cc, prole, pki.IssueOptions{Hosts: []string{"127.0.0.1", "localhost"}})
		if err != nil {
			return nil, fmt.Errorf("%s certificate: %w", name, err)
		}
		if err := b.Save(netDir); err != nil {
			return nil, err
		}
	}
	// The demo's network runs the field-level model, not a network's
	// default (child-clk), so that its possible hits carry the review
	// screen's explanation: the demo shows what the product can do.
	c := &config.Config{
		Role: role, Country: country, Listen: "127.0.0.1:0", ExchangeListen: "127.0.0.1:0",
		DatabaseURL: filepath.Join(sdir, role+".db"), KeyFile: keyFile,
		NetworkDir: netDir, NetworkCA: filepath.Join(ca.Dir, pki.CACertFile), NetworkCRL: ca.CRLPath(), NetworkSchema: "child-fields",
		LogLevel: "info", LogFormat: "json", Language: "en",
		IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: 5 * time.Second,
		Location: opt.Location,
		// Retention as serve has it by default, so that the demo shows the
		// scheduled purge (in /metrics) as a real node runs it.
		Retention: 1826 * 24 * time.Hour, PurgeEvery: 24 * time.Hour,
		// The shortest interval serve allows: a demo lives minutes, and
		// entries cut from the end of its audit log after the last
		// checkpoint would go unseen (serve's default is 5 minutes).
		AuditCheckpointEvery: time.Minute,
	}
	if role == "node" {
		c.HubURL = "https://127.0.0.1" // replaced by the hub's address; validated as a hub URL
	}
	return c, c.Validate()
}

// envOf is the environment with which childcentre subcommands act as the
// operator of the server configured by c.
func envOf(c *config.Config) map[string]string {
	env := map[string]string{
		"CHILDCENTRE_ROLE":           c.Role,
		"CHILDCENTRE_DATABASE_URL":   c.DatabaseURL,
		"CHILDCENTRE_KEY_FILE":       c.KeyFile,
		"CHILDCENTRE_NETWORK_DIR":    c.NetworkDir,
		"CHILDCENTRE_NETWORK_CA":     c.NetworkCA,
		"CHILDCENTRE_NETWORK_CRL":    c.NetworkCRL,
		"CHILDCENTRE_NETWORK_SCHEMA": c.NetworkSchema,
		"CHILDCENTRE_TIMEZONE":       c.Location.String(),
	}
	if c.Country != "" {
		env["CHILDCENTRE_COUNTRY"] = c.Country
	}
	if c.HubURL != "" {
		env["CHILDCENTRE_HUB_URL"] = c.HubURL
	}
	return env
}

func migrateNode(ctx context.Context, c *config.Config, opt Options) error {
	kr, err := node.Keyring(c)
	if err != nil {
		return err
	}
	db, err := node.OpenDB(ctx, c, kr, opt.Logger, opt.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(ctx)
	return err
}

// writeFile writes demo.json.
func writeFile(dir string, f File) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, FileName), append(b, '\n'), 0o600)
}
