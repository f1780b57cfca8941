// Package demo runs Childcentre in one process for someone trying it: a
// national node on 127.0.0.1 with an embedded database in a temporary
// folder, one demo account for each role with a second factor already
// enrolled, and the sign-in details printed.
//
// Nothing here is for production: the demo's passwords are printed and its
// TOTP secrets are shown so that `childcentre totp SECRET` can stand in for
// an authenticator app.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // the demo's zone, whatever the machine has installed

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/node"
)

// Options configure the demo.
type Options struct {
	Listen  string // default 127.0.0.1:8080, falling back to a free port if taken
	Country string // default SE
	Dir     string // data folder; a temporary one, removed at the end, when empty
	Logger  *slog.Logger
	Now     func() time.Time
	// Location is the zone the pages show and read times in; default
	// Europe/Stockholm, the zone of the demo's Swedish node, so that the
	// demo looks the same on every machine whatever its local zone.
	Location *time.Location
}

// DefaultZone is the demo node's time zone: it is a Swedish node.
const DefaultZone = "Europe/Stockholm"

// Account is a demo account as printed.
type Account struct {
	Username   string
	Role       auth.Role
	Password   string
	TOTPSecret string // base32
}

// Ready is what Run reports once the node is listening.
type Ready struct {
	URL      string
	Dir      string
	Accounts []Account
}

// Run starts the demo, prints the sign-in details to out (and passes them to
// ready, if not nil) and serves until ctx is cancelled.
func Run(ctx context.Context, opt Options, out io.Writer, ready func(Ready)) error {
	if opt.Country == "" {
		opt.Country = "SE"
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:8080"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Location == nil {
		loc, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return err
		}
		opt.Location = loc
	}
	dir := opt.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "childcentre-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	keyFile := filepath.Join(dir, "keys.json")
	if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
		if err := crypto.GenerateKeyFile(keyFile); err != nil {
			return err
		}
	}
	c := &config.Config{
		Role: "node", Country: opt.Country, Listen: opt.Listen,
		DatabaseURL: filepath.Join(dir, "childcentre.db"), KeyFile: keyFile, NetworkSchema: "child",
		LogLevel: "info", LogFormat: "json", Language: "en",
		IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, ShutdownTimeout: 5 * time.Second,
		Location: opt.Location,
		// Retention as serve has it by default, so that the demo shows the
		// scheduled purge (in /metrics) as a real node runs it.
		Retention: 1826 * 24 * time.Hour, PurgeEvery: 24 * time.Hour,
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := migrate(ctx, c, opt); err != nil {
		return err
	}
	n, err := node.Open(ctx, c, opt.Logger, opt.Now)
	if err != nil {
		return err
	}
	defer n.Close()
	accounts, err := seedAccounts(ctx, n.Auth, auth.Country(c.Country))
	if err != nil {
		return err
	}
	if _, err := seedRegistry(ctx, n.Cases, n.Auth, auth.Country(c.Country), opt.Now()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Listen)
	if errors.Is(err, syscall.EADDRINUSE) && opt.Listen == "127.0.0.1:8080" {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	r := Ready{URL: "http://" + ln.Addr().String() + "/", Dir: dir, Accounts: accounts}
	printReady(out, r, c.Country)
	if ready != nil {
		ready(r)
	}
	return n.Serve(ctx, ln)
}

func migrate(ctx context.Context, c *config.Config, opt Options) error {
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

// demoRoles are the accounts the demo creates, one per role.
var demoRoles = []struct {
	username string
	role     auth.Role
	name     string
}{
	{"officer", auth.RoleOfficer, "Demo Officer"},
	{"supervisor", auth.RoleSupervisor, "Demo Supervisor"},
	{"admin", auth.RoleCountryAdmin, "Demo Country Administrator"},
	{"auditor", auth.RoleAuditor, "Demo Auditor"},
	{"netadmin", auth.RoleNetworkAdmin, "Demo Network Administrator"},
}

// seedAccounts creates the demo accounts with a second factor enrolled; in a
// data folder kept from an earlier run it gives them fresh credentials.
func seedAccounts(ctx context.Context, svc *auth.Service, country auth.Country) ([]Account, error) {
	var out []Account
	for _, d := range demoRoles {
		c := country
		if d.role == auth.RoleNetworkAdmin {
			c = ""
		}
		u, password, err := svc.CreateUser(ctx, auth.SystemActor, auth.NewUser{Username: d.username, DisplayName: d.name, Role: d.role, Country: c})
		if errs.Is(err, errs.Conflict) {
			// A kept --dir from an earlier run: give the account fresh credentials.
			u, password, err = resetAccount(ctx, svc, d.username)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", d.username, err)
		}
		secret := make([]byte, 20)
		rand.Read(secret)
		if err := svc.SeedSecondFactor(ctx, auth.SystemActor, u.ID, secret); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", d.username, err)
		}
		out = append(out, Account{Username: d.username, Role: d.role, Password: password,
			TOTPSecret: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)})
	}
	return out, nil
}

func resetAccount(ctx context.Context, svc *auth.Service, username string) (*auth.User, string, error) {
	users, err := svc.ListUsers(ctx, auth.SystemActor, auth.UserFilter{})
	if err != nil {
		return nil, "", err
	}
	for _, u := range users {
		if u.Username == username {
			pw, err := svc.ResetPassword(ctx, auth.SystemActor, u.ID)
			return u, pw, err
		}
	}
	return nil, "", errs.E(errs.NotFound, "demo account not found")
}

func printReady(w io.Writer, r Ready, country string) {
	fmt.Fprintf(w, "Childcentre demo: national node of %s\n\n  open %s\n\n", country, r.URL)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tROLE\tPASSWORD\tTOTP SECRET")
	for _, a := range r.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Role, a.Password, a.TOTPSecret)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nSign in with a username and password, then the six-digit code of its TOTP secret:\n"+
		"add the secret to an authenticator app, or run\n\n  go run ./cmd/childcentre totp SECRET\n\n"+
		"Data: %s (removed when the demo stops). Stop with Ctrl-C.\n", r.Dir)
}
