// Command childcentre is the information system of the Baltic Sea Region
// network for children at risk: a national node, the hub, the demo and the
// command-line tools, in one binary. This file only wires; see internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // --timezone works on hosts without a zone database

	"github.com/cbss-egcc/childcentre/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.OSEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
