package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/node"
)

func init() {
	register(&Command{
		Name:    "audit verify",
		Args:    "[--anchor SEQ:HASH]... [--database URL] (--key-file FILE | --keys B64)",
		Summary: "check the audit log's hash chain; exit 1 naming the first altered, removed or reordered entry",
		Run:     runAuditVerify,
	})
}

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("audit verify", env)
	var anchors anchorList
	fs.Var(&anchors, "anchor", "SEQ:HASH of a head recorded by an earlier run (repeatable): the entry must still be there with that hash")
	c, err := loadConfig(fs, env, args, adminOptions...)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	kr, db, err := openStorage(ctx, env, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db, node.ChainOf(kr), anchors...)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("audit log NOT intact: %s (first bad entry: %d; %d entries checked)", rep.Problem, rep.FirstBad, rep.Entries)
	}
	fmt.Fprintf(env.Stdout, "audit log intact: %d entries; head %d:%s\n", rep.Entries, rep.HeadSeq, hex.EncodeToString(rep.HeadHash))
	fmt.Fprintln(env.Stdout, "Record the head outside the database (a ticket, a signed e-mail) and pass it to later runs as --anchor SEQ:HASH:\nthat detects entries cut from the end of the log, which the chain alone cannot.")
	return nil
}

// anchorList is the repeatable --anchor flag.
type anchorList []audit.Anchor

func (a *anchorList) String() string { return fmt.Sprint(len(*a), " anchors") }

func (a *anchorList) Set(v string) error {
	seq, hash, ok := strings.Cut(v, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	h, herr := hex.DecodeString(hash)
	if !ok || err != nil || n < 1 || herr != nil || len(h) != audit.HashSize {
		return fmt.Errorf("anchor %q: want SEQ:HASH as printed by a previous 'audit verify'", v)
	}
	*a = append(*a, audit.Anchor{Seq: n, Hash: h})
	return nil
}
