package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/node"
)

func init() {
	register(&Command{
		Name:    "audit verify",
		Args:    "[--anchor SEQ:HASH]... [--database URL] (--key-file FILE | $CHILDCENTRE_KEYS) [--audit-checkpoints FILE] [--hub-url URL --network-dir DIR] [--hub-after SEQ] [--require-hub]",
		Summary: "check the audit log's hash chain against its signed checkpoints (the checkpoint file's and, with --hub-url, the hub's), and every record's creation against the log; exit 1 naming the first problem",
		Run:     runAuditVerify,
	})
	register(&Command{
		Name:    "audit checkpoint",
		Args:    "[--database URL] (--key-file FILE | $CHILDCENTRE_KEYS) [--audit-checkpoints FILE]",
		Summary: "sign a checkpoint of the audit log's head now and append it to the checkpoint file (serve does it every few minutes)",
		Run:     runAuditCheckpoint,
	})
}

// auditOptions are the administration options plus the checkpoint file,
// the node's country (which its checkpoints name) and its place in the
// network (the hub witnesses its checkpoints).
var auditOptions = append(append([]string(nil), adminOptions...), "audit-checkpoints", "country",
	"hub-url", "network-dir", "network-ca", "network-crl")

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("audit verify", env)
	var anchors anchorList
	fs.Var(&anchors, "anchor", "SEQ:HASH of a head recorded by an earlier run (repeatable): the entry must still be there with that hash")
	requireHub := fs.Bool("require-hub", false, "fail when the hub, configured with --hub-url, cannot be asked for its checkpoints (by default the verdict then rests on the local evidence, with a warning)")
	hubAfter := fs.Int64("hub-after", 0, "take the hub's checkpoints of entries after SEQ only: after an incident recorded elsewhere that lost the entries up to SEQ (a restore from backup), which would otherwise fail every run")
	c, err := loadConfig(fs, env, args, auditOptions...)
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
	cps, note, err := readCheckpoints(c, kr)
	if err != nil {
		return fmt.Errorf("audit log NOT intact: %v", err)
	}
	if *hubAfter < 0 {
		return Usagef("--hub-after: an entry number, 0 or more")
	}
	hubCPs, hubNote, err := hubCheckpoints(ctx, c, kr, *hubAfter)
	if err != nil {
		if *requireHub {
			return fmt.Errorf("audit log NOT verified: %v", err)
		}
		// A hub that is down (or a node checked offline) must not make an
		// intact log look cut; the warning says what was not checked.
		hubNote = fmt.Sprintf("hub witness: NOT consulted (%s): the verdict rests on the checkpoint file and anchors alone; --require-hub makes this an error",
			strings.TrimPrefix(err.Error(), "hub witness: "))
		fmt.Fprintf(env.Stderr, "warning: %s\n", hubNote)
	}
	rep, err := audit.Verify(ctx, db, node.ChainOf(kr), append(append(anchors, audit.Anchors(cps)...), audit.Anchors(hubCPs)...)...)
	if err != nil {
		return err
	}
	if !rep.OK() {
		// Only now are the hub's signatures worth their cost: a checkpoint
		// the node did not sign can make a verification fail, never pass.
		if err := node.CheckHubCheckpoints(c, kr, hubCPs); err != nil {
			return fmt.Errorf("audit log NOT verified: the hub answered a checkpoint this node did not sign, so the hub, not the log, is in doubt: %v", err)
		}
		return fmt.Errorf("audit log NOT intact: %s (first bad entry: %d; %d entries checked; %s)", rep.Problem, rep.FirstBad, rep.Entries, hubNote)
	}
	fmt.Fprintf(env.Stdout, "audit log intact: %d entries; head %d:%s\n", rep.Entries, rep.HeadSeq, hex.EncodeToString(rep.HeadHash))
	fmt.Fprintln(env.Stdout, note)
	fmt.Fprintln(env.Stdout, hubNote)
	un, err := audit.CheckCreations(ctx, db, db)
	if err != nil {
		return err
	}
	if !un.OK() {
		return fmt.Errorf("audit log NOT complete: %s", un)
	}
	fmt.Fprintln(env.Stdout, un)
	return nil
}

// readCheckpoints reads and checks the configured checkpoint file and says
// what was checked. A missing file is not an error (a node that never
// served has none) but is said; a line that does not verify is.
func readCheckpoints(c *config.Config, kr *crypto.Keyring) ([]audit.Checkpoint, string, error) {
	path := c.CheckpointFile()
	if path == "" {
		return nil, "checkpoints: off (CHILDCENTRE_AUDIT_CHECKPOINTS=off or no key file): entries cut from the end would not be seen; pass --anchor SEQ:HASH from an earlier run", nil
	}
	pub := audit.NewCheckpointSigner("", kr.Derive(crypto.PurposeAuditCheckpoint, 32)).PublicKey()
	cps, err := audit.ReadCheckpoints(path, func(cp audit.Checkpoint) error { return audit.CheckCheckpoint(pub, cp) })
	if errors.Is(err, audit.ErrNoCheckpoints) {
		return nil, fmt.Sprintf("checkpoints: none yet in %s (serve writes them; or run 'childcentre audit checkpoint')", path), nil
	}
	if err != nil {
		return nil, "", err
	}
	last := cps[len(cps)-1]
	return cps, fmt.Sprintf("checkpoints: %d checked in %s; latest entry %d signed at %s", len(cps), path, last.Seq, last.Time.Format(time.RFC3339)), nil
}

// hubCheckpoints asks the hub for every checkpoint it witnessed of this
// node (node.HubCheckpoints, signatures checked only if the verification
// fails) and says what it got. A hub that cannot be asked is an error
// the caller weighs: whoever can cut the log may also cut the node off the
// hub, so a scheduled check passes --require-hub.
func hubCheckpoints(ctx context.Context, c *config.Config, kr *crypto.Keyring, after int64) ([]audit.Checkpoint, string, error) {
	if c.HubURL == "" {
		return nil, "hub witness: none (no --hub-url)", nil
	}
	all, err := node.HubCheckpoints(ctx, c, kr)
	if err != nil {
		return nil, "", err
	}
	cps := all
	skipped := ""
	if after > 0 {
		cps = nil
		for _, cp := range all {
			if cp.Seq > after {
				cps = append(cps, cp)
			}
		}
		skipped = fmt.Sprintf(" (%d of entries up to %d left out: --hub-after)", len(all)-len(cps), after)
	}
	if len(cps) == 0 {
		return nil, "hub witness: holds no checkpoint of this node yet" + skipped, nil
	}
	last := cps[len(cps)-1]
	return cps, fmt.Sprintf("hub witness: %d checkpoints; latest entry %d signed at %s%s", len(cps), last.Seq, last.Time.Format(time.RFC3339), skipped), nil
}

func runAuditCheckpoint(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("audit checkpoint", env)
	c, err := loadConfig(fs, env, args, auditOptions...)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	kr, db, err := openStorage(ctx, env, c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	ws := node.Witnesses(c)
	if len(ws) == 0 {
		return Usagef("checkpoints are off: name a file with --audit-checkpoints or CHILDCENTRE_AUDIT_CHECKPOINTS")
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	cp := &audit.Checkpointer{Head: db, Signer: node.CheckpointSigner(c, kr), Witnesses: ws, Now: now}
	if _, err := cp.Checkpoint(ctx); err != nil {
		return err
	}
	seq, _, _ := db.AuditHead(ctx)
	fmt.Fprintf(env.Stdout, "checkpoint of entry %d appended to %s\n", seq, c.CheckpointFile())
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
