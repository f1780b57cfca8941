package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cbss-egcc/childcentre/internal/api/tokens"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// The token commands manage the API tokens of national systems
// (internal/api/tokens), acting as auth.SystemActor: the operator on the
// server. A token's secret is printed once, at creation; the database
// keeps only its hash.

func init() {
	register(&Command{Name: "token create", Args: "--name NAME [--country CC] [--scopes read,write,export] [--expires-in 90d]",
		Summary: "create an API token for a national system and print it once", Run: runTokenCreate})
	register(&Command{Name: "token list", Args: "[--country CC]",
		Summary: "list API tokens (never their secrets)", Run: runTokenList})
	register(&Command{Name: "token revoke", Args: "ID",
		Summary: "revoke an API token: it authenticates nothing from now on", Run: runTokenRevoke})
}

// defaultScopes are the scopes of a token whose command names none: what a
// national system needs to push registrations and pull results. Export is
// granted only when asked for.
const defaultScopes = "read,write"

func tokenService(a *admin, env *Env) *tokens.Service {
	return tokens.NewService(store.NewTokenStore(a.db), env.Now)
}

func runTokenCreate(ctx context.Context, env *Env, args []string) error {
	var name, country, scopes, expires string
	a, rest, err := openAdmin(ctx, env, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the national system the token is for (not a person's name)")
		fs.StringVar(&country, "country", "", "ISO 3166-1 alpha-2 country of the token (default: CHILDCENTRE_COUNTRY)")
		fs.StringVar(&scopes, "scopes", defaultScopes, "comma-separated scopes: read, write, export")
		fs.StringVar(&expires, "expires-in", "90d", "lifetime of the token: days (90d) or a duration (720h); at most 365d")
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	if len(rest) > 0 {
		return Usagef("unexpected argument %q", rest[0])
	}
	if strings.TrimSpace(name) == "" {
		return Usagef("--name is required")
	}
	// A node serves one country: a token of another would be refused on
	// every call, so the command refuses to make one.
	node := strings.ToUpper(strings.TrimSpace(env.Getenv("CHILDCENTRE_COUNTRY")))
	country = strings.ToUpper(strings.TrimSpace(country))
	switch {
	case country == "" && node == "":
		return Usagef("--country is required (or set CHILDCENTRE_COUNTRY)")
	case country == "":
		country = node
	case node != "" && country != node:
		return Usagef("--country %s differs from this node's country %s (CHILDCENTRE_COUNTRY)", country, node)
	}
	sc, err := tokens.ParseScopes(scopes)
	if err != nil {
		return Usagef("--scopes: must be some of read, write, export, separated by commas")
	}
	lifetime, err := parseLifetime(expires)
	if err != nil {
		return Usagef("--expires-in: %v", err)
	}
	tok, secret, err := tokenService(a, env).CreateFor(ctx, auth.SystemActor, name, auth.Country(country), sc, lifetime)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created token %d for %q (country %s, scopes %s, expires %s)\ntoken: %s\n",
		tok.ID, tok.Name, tok.Country, tokens.JoinScopes(tok.Scopes), stamp(tok.Expiry()), secret)
	fmt.Fprintln(env.Stdout, "This is the only time the token is shown: give it to the system's operators by a "+
		"secure channel. Send it as \"Authorization: Bearer <token>\".")
	return nil
}

func runTokenList(ctx context.Context, env *Env, args []string) error {
	var country string
	a, rest, err := openAdmin(ctx, env, "token list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&country, "country", "", "only this country")
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	if len(rest) > 0 {
		return Usagef("unexpected argument %q", rest[0])
	}
	list, err := tokenService(a, env).List(ctx, auth.SystemActor, auth.Country(strings.ToUpper(country)))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCOUNTRY\tSCOPES\tCREATED\tLAST USED\tSTATUS\tEXPIRES")
	now := time.Now()
	if env.Now != nil {
		now = env.Now()
	}
	for _, t := range list {
		status := "active"
		switch {
		case t.Revoked():
			status = "revoked " + stamp(t.RevokedAt)
		case t.Expired(now):
			status = "expired"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Country, tokens.JoinScopes(t.Scopes),
			stamp(t.CreatedAt), stamp(t.LastUsedAt), status, stamp(t.Expiry()))
	}
	return tw.Flush()
}

// stamp writes a time to the minute in UTC, "-" for none.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func runTokenRevoke(ctx context.Context, env *Env, args []string) error {
	a, rest, err := openAdmin(ctx, env, "token revoke", args, nil)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if len(rest) != 1 {
		return Usagef("give exactly one token ID (see 'childcentre token list')")
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return Usagef("%q is not a token ID", rest[0])
	}
	if err := tokenService(a, env).Revoke(ctx, auth.SystemActor, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked token %d\n", id)
	return nil
}

// parseLifetime reads a token lifetime: whole days ("90d") or a duration.
func parseLifetime(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 1 {
			return 0, fmt.Errorf("not a number of days such as 90d")
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("not a lifetime such as 90d or 720h")
	}
	return d, nil
}
