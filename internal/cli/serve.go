package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"

	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/hubserver"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func init() {
	register(&Command{
		Name:    "serve",
		Args:    "[--role node|hub] [--country CC] [--listen ADDR] [--database URL] --key-file FILE [...]",
		Summary: "run a national node's web server, or the hub (--role hub; see docs/configuration.md)",
		Run:     runServe,
	})
}

// adminOptions are the configuration options of the administration
// commands: where the database and the keys are, and how to log.
var adminOptions = []string{"database", "key-file", "keys", "log-level", "log-format"}

// loadConfig parses args with fs, which holds the command's own flags, plus
// the configuration options named in only (all of them when only is empty),
// and validates them.
func loadConfig(fs *flag.FlagSet, env *Env, args []string, only ...string) (*config.Config, error) {
	c, err := config.Load(fs, args, env.Getenv, only...)
	if errors.Is(err, flag.ErrHelp) {
		return nil, err
	}
	if err != nil {
		return nil, Usagef("%v", err)
	}
	check := c.Validate
	if len(only) > 0 {
		check = c.ValidateStorage
	}
	if err := check(); err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	return c, nil
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("serve", env)
	c, err := loadConfig(fs, env, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	logger := node.NewLogger(c, env.Stderr)
	if c.Role == "hub" {
		return serveHub(ctx, env, c)
	}
	// A node's live heap is small; a hub's is its index (about 0.85 GiB a
	// million encodings), which a higher target would let grow to three
	// times that: the hub keeps Go's default (docs/scaling.md).
	node.TuneGC(env.Getenv)
	n, err := node.Open(ctx, c, logger, env.Now)
	if err != nil {
		return err
	}
	defer n.Close()
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Listen, err)
	}
	return n.Serve(ctx, ln)
}

// serveHub runs the hub: the secretariat's interface on --listen, the
// exchange with mutual TLS on --exchange-listen.
func serveHub(ctx context.Context, env *Env, c *config.Config) error {
	h, err := hubserver.Open(ctx, c, node.NewLogger(c, env.Stderr), env.Now)
	if err != nil {
		return err
	}
	defer h.Close()
	webLn, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Listen, err)
	}
	exLn, err := net.Listen("tcp", c.ExchangeListen)
	if err != nil {
		webLn.Close()
		return fmt.Errorf("listen on %s: %w", c.ExchangeListen, err)
	}
	return h.Serve(ctx, webLn, exLn)
}

// openStorage loads the node's keys and opens its database. With migrated
// set it refuses a database that has migrations pending, so that no command
// writes to a half-built schema.
func openStorage(ctx context.Context, env *Env, c *config.Config, migrated bool) (*crypto.Keyring, *store.DB, error) {
	kr, err := node.Keyring(c)
	if err != nil {
		return nil, nil, fmt.Errorf("keys: %w", err)
	}
	db, err := node.OpenDB(ctx, c, kr, node.NewLogger(c, env.Stderr), env.Now)
	if err != nil {
		return nil, nil, err
	}
	if migrated {
		pending, err := db.Pending(ctx)
		if err == nil && len(pending) > 0 {
			err = fmt.Errorf("the database is not migrated; run 'childcentre migrate' first")
		}
		if err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	return kr, db, nil
}
