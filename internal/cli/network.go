package cli

import (
	"context"
	"fmt"

	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/network"
	"github.com/cbss-egcc/childcentre/internal/nodesync"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// The node's side of the network: its linkage secret and its outbox
// (docs/network.md, "On the node" and "Linkage secret").

func init() {
	register(&Command{
		Name:    "network secret",
		Args:    "[--country CC] [--network-schema child] [--database URL] (--key-file FILE | --keys B64)",
		Summary: "make the network's linkage secret (or a new one: rotation) on this node; the running node shares it sealed",
		Run:     runSecretInit,
	})
	register(&Command{
		Name:    "network status",
		Args:    "[--network-schema child] [--database URL] (--key-file FILE | --keys B64)",
		Summary: "show this node's linkage key id, outbox depth, refused messages and hits",
		Run:     runNetworkStatus,
	})
}

// openSync opens the node's database with what its network commands need.
func openSync(ctx context.Context, env *Env, name string, args []string) (*config.Config, *store.DB, *nodesync.Secrets, error) {
	fs := newFlags(name, env)
	c, err := loadConfig(fs, env, args, append([]string{"country", "network-schema"}, adminOptions...)...)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(fs.Args()) > 0 {
		return nil, nil, nil, Usagef("unexpected argument %q", fs.Args()[0])
	}
	schema, err := network.Schema(c)
	if err != nil {
		return nil, nil, nil, err
	}
	kr, db, err := openStorage(ctx, env, c, true)
	if err != nil {
		return nil, nil, nil, err
	}
	sec := &nodesync.Secrets{Store: store.NewNodeSyncStore(db), Sharer: nodesync.NewSharer(schema),
		AtRest: kr.Sealer(nodesync.SecretPurpose), Country: c.Country, Now: env.Now}
	if _, err := sec.Load(ctx); err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return c, db, sec, nil
}

func runSecretInit(ctx context.Context, env *Env, args []string) error {
	c, db, sec, err := openSync(ctx, env, "network secret", args)
	if err != nil {
		return err
	}
	defer db.Close()
	if !isCountry(c.Country) {
		return Usagef("--country (CHILDCENTRE_COUNTRY): the node's country is required: it is the secret's origin")
	}
	old := sec.KeyID()
	key, err := sec.Init(ctx)
	if err != nil {
		return err
	}
	if old != "" {
		fmt.Fprintf(env.Stdout, "new linkage secret %s replaces %s (rotation)\n", key, old)
	} else {
		fmt.Fprintf(env.Stdout, "linkage secret %s made\n", key)
	}
	fmt.Fprintln(env.Stdout, "The running node puts it into use within half a minute, re-encodes its registry for the hub\n"+
		"and shares the secret, sealed, with every other node of the hub's directory.")
	return nil
}

func runNetworkStatus(ctx context.Context, env *Env, args []string) error {
	_, db, sec, err := openSync(ctx, env, "network status", args)
	if err != nil {
		return err
	}
	defer db.Close()
	var pending, refused, shared, open int
	var refusals []*nodesync.Outgoing
	err = store.NewNodeSyncStore(db).View(ctx, func(tx nodesync.Tx) error {
		var err error
		if pending, refused, err = tx.OutboxCounts(ctx); err != nil {
			return err
		}
		if shared, err = tx.Shared(ctx); err != nil {
			return err
		}
		if open, err = tx.CountHits(ctx, nodesync.HitOpen); err != nil {
			return err
		}
		refusals, err = tx.Refusals(ctx, 20)
		return err
	})
	if err != nil {
		return err
	}
	key := sec.KeyID()
	if key == "" {
		key = "none (nothing is uploaded until one arrives)"
	} else {
		key += " (made by " + sec.Origin() + ")"
	}
	fmt.Fprintf(env.Stdout, "linkage key:     %s\nshared children: %d\noutbox:          %d pending, %d refused\nopen hits:       %d\n",
		key, shared, pending, refused, open)
	for _, r := range refusals {
		fmt.Fprintf(env.Stdout, "  refused %s %s (code %s, written %s)\n", r.Type, r.MsgID, r.Code, r.Created.Format("2006-01-02 15:04"))
	}
	return nil
}
