package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func init() {
	register(&Command{Name: "user add", Args: "--username NAME --role ROLE [--country CC] [--display-name TEXT]",
		Summary: "create an account and print its one-time enrolment link (the user sets their own password); supervisors, administrators and auditors then need a second administrator's approval, except a node's first administrator", Run: runUserAdd})
	register(&Command{Name: "user list", Args: "[--country CC] [--role ROLE]",
		Summary: "list accounts", Run: runUserList})
	for _, c := range []struct{ name, summary string }{
		{"disable", "disable an account and end its sessions"},
		{"enable", "enable a disabled account"},
		{"reset-2fa", "clear an account's second factor; it enrols again at next sign-in"},
		{"reset-password", "replace an account's password by a new one-time enrolment link, ending its sessions"},
	} {
		register(&Command{Name: "user " + c.name, Args: "USERNAME", Summary: c.summary, Run: userAct(c.name)})
	}
}

// admin is the database and services an administration command works on,
// acting as auth.SystemActor: the operator on the server's own machine.
type admin struct {
	db   *store.DB
	auth *auth.Service
}

func openAdmin(ctx context.Context, env *Env, name string, args []string, define func(*flag.FlagSet)) (*admin, []string, error) {
	fs := newFlags(name, env)
	if define != nil {
		define(fs)
	}
	c, err := loadConfig(fs, env, args, adminOptions...)
	if err != nil {
		return nil, nil, err
	}
	kr, db, err := openStorage(ctx, env, c, true)
	if err != nil {
		return nil, nil, err
	}
	svc := auth.NewService(store.NewAuthStore(db), kr.Sealer(crypto.PurposeTOTP), auth.Config{Now: env.Now})
	return &admin{db: db, auth: svc}, fs.Args(), nil
}

func (a *admin) userID(ctx context.Context, username string) (int64, error) {
	var id int64
	err := store.NewAuthStore(a.db).View(ctx, func(tx auth.Tx) error {
		u, err := tx.UserByName(ctx, strings.ToLower(username))
		if err == nil {
			id = u.ID
		}
		return err
	})
	return id, err
}

func runUserAdd(ctx context.Context, env *Env, args []string) error {
	var nu auth.NewUser
	var role, country string
	a, rest, err := openAdmin(ctx, env, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&nu.Username, "username", "", "sign-in name: lower-case letters, digits, . _ -")
		fs.StringVar(&nu.DisplayName, "display-name", "", "name shown in the interface")
		fs.StringVar(&role, "role", "", "one of "+roleList())
		fs.StringVar(&country, "country", "", "ISO 3166-1 alpha-2 country (not for network_admin)")
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	if len(rest) > 0 {
		return Usagef("unexpected argument %q", rest[0])
	}
	if nu.Username == "" || role == "" {
		return Usagef("--username and --role are required")
	}
	nu.Role, nu.Country = auth.Role(role), auth.Country(strings.ToUpper(country))
	if nu.DisplayName == "" {
		nu.DisplayName = nu.Username
	}
	u, link, err := a.auth.InviteUser(ctx, auth.SystemActor, nu)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created user %s (id %d, role %s, country %s)\nenrolment link: /welcome/%s\n", u.Username, u.ID, u.Role, orDash(string(u.Country)), link)
	fmt.Fprintf(env.Stdout, "Give the link (on this node's address, e.g. https://node.example/welcome/…) to the user by a separate channel; "+
		"it works once, for %d hours. They choose their own password there and enrol a second factor at first sign-in.\n", int(auth.EnrolLinkLifetime.Hours()))
	if u.Pending {
		fmt.Fprintln(env.Stdout, "This account can sign in only once another administrator has approved it (Users page).")
	}
	return nil
}

func runUserList(ctx context.Context, env *Env, args []string) error {
	var f auth.UserFilter
	var role, country string
	a, rest, err := openAdmin(ctx, env, "user list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "only this role")
		fs.StringVar(&country, "country", "", "only this country")
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	if len(rest) > 0 {
		return Usagef("unexpected argument %q", rest[0])
	}
	f.Role, f.Country = auth.Role(role), auth.Country(strings.ToUpper(country))
	users, err := a.auth.ListUsers(ctx, auth.SystemActor, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tCOUNTRY\tSECOND FACTOR\tSTATUS")
	for _, u := range users {
		status, factor := "active", "not enrolled"
		if u.Disabled {
			status = "disabled"
		}
		if u.TOTPEnrolled {
			factor = "enrolled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, orDash(string(u.Country)), factor, status)
	}
	return tw.Flush()
}

func userAct(verb string) func(context.Context, *Env, []string) error {
	return func(ctx context.Context, env *Env, args []string) error {
		a, rest, err := openAdmin(ctx, env, "user "+verb, args, nil)
		if err != nil {
			return err
		}
		defer a.db.Close()
		if len(rest) != 1 {
			return Usagef("give exactly one USERNAME")
		}
		id, err := a.userID(ctx, rest[0])
		if err != nil {
			return err
		}
		switch verb {
		case "disable", "enable":
			err = a.auth.SetDisabled(ctx, auth.SystemActor, id, verb == "disable")
		case "reset-2fa":
			err = a.auth.ResetSecondFactor(ctx, auth.SystemActor, id)
		case "reset-password":
			var link string
			if link, err = a.auth.ReissueLink(ctx, auth.SystemActor, id); err == nil {
				fmt.Fprintf(env.Stdout, "new enrolment link: /welcome/%s\n", link)
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: done for user id %d\n", verb, id)
		return nil
	}
}

func roleList() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
