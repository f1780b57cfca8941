package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func init() {
	register(&Command{
		Name:    "keys rotate-index",
		Args:    "[--batch N] [--database URL] --key-file FILE",
		Summary: "replace the index key and re-index every child's blind-index tokens and linkage encoding under it (stop the server first)",
		Run:     runKeysRotateIndex,
	})
}

// Index key rotation, step by step (issue 10 M3):
//
//  1. A copy of the key file with a fresh index key is written beside it as
//     FILE.next (data and chain keys unchanged), unless one is there from
//     an interrupted run, which is then resumed with it.
//  2. Every child's tokens and encoding are recomputed under the new key
//     (cases.Service.Reindex), in batches.
//  3. The rotation is audited and FILE.next is renamed over FILE.
//
// The server must be stopped: it holds the old index key, so its searches
// would miss children re-indexed under the new one. Address pseudonyms and
// CSRF keys derive from the index key too: pseudonyms in the audit log
// before and after the rotation do not link, and forms open across the
// restart must be reloaded.
func runKeysRotateIndex(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("keys rotate-index", env)
	batch := fs.Int("batch", cases.DefaultResealBatch, "children re-indexed per transaction")
	c, err := loadConfig(fs, env, args, adminOptions...)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return Usagef("unexpected argument %q", fs.Arg(0))
	case *batch < 1:
		return Usagef("--batch must be positive")
	case c.KeyFile == "":
		return Usagef("keys rotate-index rewrites the key file: give --key-file")
	}
	unlock, err := lockKeyFile(c.KeyFile)
	if err != nil {
		return err
	}
	defer unlock()
	old, err := crypto.LoadKeyring(c.KeyFile)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	next, resumed, err := nextIndexKeys(c.KeyFile, old, env)
	if err != nil {
		return err
	}
	// The chain key is the same in both; the new index key seals the
	// encodings the re-index writes.
	db, err := node.OpenDB(ctx, c, next, node.NewLogger(c, env.Stderr), env.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	if pending, err := db.Pending(ctx); err != nil || len(pending) > 0 {
		if err == nil {
			err = fmt.Errorf("the database is not migrated; run 'childcentre migrate' first")
		}
		return err
	}
	svc := cases.NewService(store.NewCaseStore(db), next.Sealer(crypto.PurposeIdentity), next, cases.Config{Now: env.Now})
	n, err := svc.Reindex(ctx, auth.SystemActor, *batch, nil)
	if err != nil {
		return fmt.Errorf("re-index stopped after %d children (run the command again to finish): %w", n, err)
	}
	detail := fmt.Sprintf("new index key; %d children re-indexed", n)
	if resumed {
		detail += " (resumed)"
	}
	if err := db.AppendAudit(ctx, audit.Record{Actor: auth.SystemActor.Ref(), Action: audit.ActKeysRotateIndex, Outcome: "ok", Detail: detail}); err != nil {
		return err
	}
	if err := os.Rename(c.KeyFile+".next", c.KeyFile); err != nil {
		return fmt.Errorf("keys: the registry is re-indexed under %s.next but it could not replace %s: %w (rename it by hand before starting the server)", c.KeyFile, c.KeyFile, err)
	}
	fmt.Fprintf(env.Stdout, "new index key in %s; %d children re-indexed; start the server again\n", c.KeyFile, n)
	return nil
}

// nextIndexKeys returns the key ring with the new index key: the one in
// FILE.next left by an interrupted run, or a new one written there.
func nextIndexKeys(path string, old *crypto.Keyring, env *Env) (*crypto.Keyring, bool, error) {
	next, err := crypto.LoadKeyring(path + ".next")
	if err == nil {
		fmt.Fprintf(env.Stdout, "resuming the rotation with %s.next\n", path)
		return next, true, nil
	}
	if _, statErr := os.Stat(path + ".next"); !errors.Is(statErr, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("keys: %w", err)
	}
	now := time.Now()
	if env.Now != nil {
		now = env.Now()
	}
	next = old.WithNewIndexKey(now)
	if err := next.WriteFile(path + ".next"); err != nil {
		return nil, false, err
	}
	return next, false, nil
}
