// Package demo runs Childcentre's region in one process for someone trying
// it: the network's hub and a national node for each of several countries
// (SE, FI, DE, PL by default) on 127.0.0.1, each with its own embedded
// database and its own certificate from a fresh network CA, talking over
// real mutual TLS; synthetic children registered in several of these
// countries, so that the hub finds them; one demo account per role with a
// second factor already enrolled; and the sign-in details printed and
// written to demo.json in the data folder.
//
// Nothing here is for production: the demo's passwords are printed and its
// TOTP secrets are shown so that `childcentre totp SECRET` can stand in for
// an authenticator app; the CA's key lies in the data folder.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // the demo's zone, whatever the machine has installed

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Options configure the demo.
type Options struct {
	// Listen is the hub's web address, printed first (later it serves the
	// public site); default 127.0.0.1:8080, falling back to a free port if
	// taken. The nodes listen on free ports.
	Listen string
	// Country is the node that makes the network's linkage secret; it is
	// listed first among the nodes. Default SE.
	Country string
	// Countries are the nodes of the region; default DefaultCountries.
	Countries []string
	Dir       string // data folder; a temporary one, removed at the end, when empty
	Logger    *slog.Logger
	Now       func() time.Time
	// Location is the zone the pages show and read times in; default
	// Europe/Stockholm, so that the demo looks the same on every machine
	// whatever its local zone.
	Location *time.Location
}

// DefaultCountries are the demo region's nodes.
var DefaultCountries = []string{"SE", "FI", "DE", "PL"}

// DefaultZone is the demo's time zone.
const DefaultZone = "Europe/Stockholm"

// FileName is the name of the file, in the data folder, that describes the
// running demo to other tools.
const FileName = "demo.json"

// Account is a demo account as printed.
type Account struct {
	Username   string    `json:"username"`
	Role       auth.Role `json:"role"`
	Password   string    `json:"password"`
	TOTPSecret string    `json:"totp_secret"` // base32
}

// Ready is what Run reports once every server is listening: the contents
// of demo.json, and the folder.
type Ready struct {
	Dir string
	File
	Accounts map[string][]Account // by country; "" for the hub's
}

// File is demo.json: a contract other tools read; keys are only ever added.
type File struct {
	Hub   HubEntry    `json:"hub"`
	Nodes []NodeEntry `json:"nodes"`
}

// HubEntry describes the hub in demo.json.
type HubEntry struct {
	URL         string            `json:"url"`          // the web interface
	ExchangeURL string            `json:"exchange_url"` // the mutual-TLS exchange nodes use
	MetricsURL  string            `json:"metrics_url"`
	Env         map[string]string `json:"env"` // childcentre subcommands with these act on the hub
	// SiteURL is the public knowledge site's English home page.
	SiteURL string `json:"site_url"`
	// StatisticsCSVURL is the published regional figures, as CSV.
	StatisticsCSVURL string `json:"statistics_csv_url"`
}

// NodeEntry describes a node in demo.json.
type NodeEntry struct {
	Country    string            `json:"country"`
	URL        string            `json:"url"`
	MetricsURL string            `json:"metrics_url"`
	Env        map[string]string `json:"env"` // childcentre subcommands with these act on the node
	Accounts   []Account         `json:"accounts"`
}

func (o *Options) defaults() error {
	if o.Country == "" {
		o.Country = "SE"
	}
	if len(o.Countries) == 0 {
		o.Countries = DefaultCountries
	}
	list := []string{o.Country}
	for _, c := range o.Countries {
		if !slices.Contains(list, c) {
			list = append(list, c)
		}
	}
	o.Countries = list
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8080"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		loc, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return err
		}
		o.Location = loc
	}
	return nil
}

// Run starts the demo region, prints the sign-in details to out, writes
// demo.json (and passes it to ready, if not nil) and serves until ctx is
// cancelled.
func Run(ctx context.Context, opt Options, out io.Writer, ready func(Ready)) error {
	return run(ctx, opt, out, func(r *region) {
		if ready != nil {
			ready(r.ready())
		}
	})
}

// run is Run handing the running region itself to started (the tests
// reach the nodes' and the hub's services through it).
func run(ctx context.Context, opt Options, out io.Writer, started func(*region)) error {
	if err := opt.defaults(); err != nil {
		return err
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
	r, err := startRegion(ctx, opt, dir)
	if err != nil {
		return err
	}
	defer r.close()
	rd := r.ready()
	if err := writeFile(dir, rd.File); err != nil {
		r.stop()
		return err
	}
	printReady(out, rd, opt.Dir == "")
	started(r)
	return r.wait()
}

// demoRoles are the accounts the demo creates on each node, one per role.
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
	{"editor", auth.RoleSiteEditor, "Demo Secretariat Editor"},
	{"coordinator", auth.RoleSiteCoordinator, "Demo National Coordinator"},
	{"reviewer", auth.RoleSiteReviewer, "Demo Site Reviewer"},
}

// seedAccounts creates the demo accounts of roles with a second factor
// enrolled; in a data folder kept from an earlier run it gives them fresh
// credentials.
func seedAccounts(ctx context.Context, svc *auth.Service, country auth.Country, roles []auth.Role) ([]Account, error) {
	var out []Account
	for _, d := range demoRoles {
		if !slices.Contains(roles, d.role) {
			continue
		}
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

func printReady(w io.Writer, r Ready, temporary bool) {
	fmt.Fprintf(w, "Childcentre demo: a region of %d national nodes and the network's hub, on mutual TLS\n\n", len(r.Nodes))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// The public site first: it is what most people open.
	fmt.Fprintf(tw, "  site\t%s\t(the network's public knowledge site and regional statistics)\n", r.Hub.SiteURL)
	fmt.Fprintf(tw, "  hub\t%s\t(exchange %s)\n", r.Hub.URL, r.Hub.ExchangeURL)
	for _, n := range r.Nodes {
		fmt.Fprintf(tw, "  node %s\t%s\t\n", n.Country, n.URL)
	}
	tw.Flush()
	printAccounts(w, "Hub", r.Accounts[""])
	for _, n := range r.Nodes {
		printAccounts(w, "Node "+n.Country, n.Accounts)
	}
	where := "kept"
	if temporary {
		where = "removed when the demo stops"
	}
	fmt.Fprintf(w, "\nSign in with a username and password, then the six-digit code of its TOTP secret:\n"+
		"add the secret to an authenticator app, or run\n\n  go run ./cmd/childcentre totp SECRET\n\n"+
		"The nodes share children registered in several countries: within a minute the hub\n"+
		"notifies possible matches abroad (the officer's page \"Possible matches abroad\").\n"+
		"Then the demo publishes the regional statistics (%s) and, between the\n"+
		"countries, seeds follow-up requests in every state (/followup on each node)\n"+
		"and a missing-child alert with a possible sighting.\n\n"+
		"Data: %s (%s); the servers, their addresses and the environment with which\n"+
		"childcentre commands act on each are in %s there. Stop with Ctrl-C.\n", r.Hub.StatisticsCSVURL, r.Dir, where, FileName)
}

func printAccounts(w io.Writer, title string, accounts []Account) {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tROLE\tPASSWORD\tTOTP SECRET")
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Role, a.Password, a.TOTPSecret)
	}
	tw.Flush()
}
