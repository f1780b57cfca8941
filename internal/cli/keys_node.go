package cli

import (
	"context"
	"fmt"

	"github.com/cbss-egcc/childcentre/internal/crypto"
)

func init() {
	register(&Command{
		Name:    "keys init",
		Args:    "--out FILE",
		Summary: "create a node key file (encryption at rest, audit chain, blind indexes)",
		Run: func(ctx context.Context, env *Env, args []string) error {
			fs := newFlags("keys init", env)
			out := fs.String("out", "", "the key file to create (mode 0600; never overwritten)")
			if err := parse(fs, args); err != nil {
				return err
			}
			if *out == "" || fs.NArg() > 0 {
				return Usagef("give --out FILE and nothing else")
			}
			if err := crypto.GenerateKeyFile(*out); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "created %s\nKeep a copy in a safe place: without it the encrypted data and the audit chain cannot be read or verified.\n", *out)
			return nil
		},
	})
}
