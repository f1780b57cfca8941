package cli

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/demo"
	"github.com/cbss-egcc/childcentre/internal/node"
)

func init() {
	register(&Command{
		Name:    "demo",
		Args:    "[--listen ADDR] [--country CC] [--countries CC,CC,...] [--timezone ZONE] [--dir DIR]",
		Summary: "run a region on 127.0.0.1: the hub and national nodes on mutual TLS, with demo accounts for every role",
		Run: func(ctx context.Context, env *Env, args []string) error {
			var opt demo.Options
			verbose, zone, countries := false, "", ""
			fs := newFlags("demo", env)
			fs.StringVar(&opt.Listen, "listen", "127.0.0.1:8080", "the hub's web address (a free port is used if this one is taken); the nodes take free ports")
			fs.StringVar(&opt.Country, "country", "SE", "the node that makes the network's linkage secret, listed first")
			fs.StringVar(&countries, "countries", strings.Join(demo.DefaultCountries, ","), "the region's nodes, comma-separated")
			fs.StringVar(&zone, "timezone", demo.DefaultZone, "IANA time zone the pages show and read times in")
			fs.StringVar(&opt.Dir, "dir", "", "keep the demo's data (and demo.json) in this folder instead of a temporary one")
			fs.BoolVar(&verbose, "v", false, "log requests to standard error")
			if err := parse(fs, args); err != nil {
				return err
			}
			loc, err := time.LoadLocation(zone)
			if err != nil || zone == "" || zone == "Local" {
				return Usagef("--timezone: %q is not an IANA time zone such as Europe/Stockholm", zone)
			}
			opt.Location = loc
			for _, c := range strings.Split(countries, ",") {
				c = strings.ToUpper(strings.TrimSpace(c))
				if len(c) != 2 {
					return Usagef("--countries: %q is not a list of two-letter country codes", countries)
				}
				opt.Countries = append(opt.Countries, c)
			}
			if verbose {
				opt.Logger = slog.New(slog.NewJSONHandler(env.Stderr, nil))
			}
			opt.Now = env.Now
			node.TuneGC(env.Getenv) // as `serve` runs
			return demo.Run(ctx, opt, env.Stdout, nil)
		},
	})
}
