package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "dev"

func init() {
	register(&Command{Name: "version", Summary: "print the version", Run: func(ctx context.Context, env *Env, args []string) error {
		rev := ""
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					rev = " " + s.Value
				}
			}
		}
		fmt.Fprintf(env.Stdout, "childcentre %s%s %s\n", Version, rev, runtime.Version())
		return nil
	}})
}
