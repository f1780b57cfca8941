package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/cbss-egcc/childcentre/internal/demo"
)

func init() {
	register(&Command{
		Name:    "demo",
		Args:    "[--listen ADDR] [--country CC] [--timezone ZONE] [--dir DIR]",
		Summary: "run a national node on 127.0.0.1 with demo accounts for every role",
		Run: func(ctx context.Context, env *Env, args []string) error {
			var opt demo.Options
			verbose, zone := false, ""
			fs := newFlags("demo", env)
			fs.StringVar(&opt.Listen, "listen", "127.0.0.1:8080", "address to listen on (a free port is used if this one is taken)")
			fs.StringVar(&opt.Country, "country", "SE", "the node's country")
			fs.StringVar(&zone, "timezone", demo.DefaultZone, "IANA time zone the pages show and read times in")
			fs.StringVar(&opt.Dir, "dir", "", "keep the demo's data in this folder instead of a temporary one")
			fs.BoolVar(&verbose, "v", false, "log requests to standard error")
			if err := parse(fs, args); err != nil {
				return err
			}
			loc, err := time.LoadLocation(zone)
			if err != nil || zone == "" || zone == "Local" {
				return Usagef("--timezone: %q is not an IANA time zone such as Europe/Stockholm", zone)
			}
			opt.Location = loc
			if verbose {
				opt.Logger = slog.New(slog.NewJSONHandler(env.Stderr, nil))
			}
			opt.Now = env.Now
			return demo.Run(ctx, opt, env.Stdout, nil)
		},
	})
}
