package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/audit"
)

func init() {
	register(&Command{
		Name:    "migrate",
		Args:    "[--database URL] (--key-file FILE | $CHILDCENTRE_KEYS)",
		Summary: "apply the database migrations this binary carries, each in one transaction",
		Run:     runMigrate,
	})
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("migrate", env)
	c, err := loadConfig(fs, env, args, adminOptions...)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	_, db, err := openStorage(ctx, env, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "database is up to date")
		return nil
	}
	if err := db.AppendAudit(ctx, audit.Record{Actor: "system", Action: "system.migrate", Outcome: "ok", Detail: strings.Join(applied, ",")}); err != nil {
		return err
	}
	for _, name := range applied {
		fmt.Fprintf(env.Stdout, "applied %s\n", name)
	}
	return nil
}
