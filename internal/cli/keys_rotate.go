package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/node"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func init() {
	register(&Command{
		Name:    "keys rotate",
		Args:    "[--resume | --retire] [--settle 10s] [--batch N] [--database URL] --key-file FILE",
		Summary: "add a new data key and re-seal every sealed value under it while servers keep running",
		Run:     runKeysRotate,
	})
}

// Rotation, step by step (the node's side is internal/node/keys.go):
//
//  1. A new primary data key is added to the key file, atomically (a
//     temporary file renamed over it), before anything is sealed under it.
//  2. The command waits --settle for running servers to load the file
//     (they look every node.KeyReloadInterval; one that meets a value under
//     the new key before that loads it at once).
//  3. Every sealed value of the case registry (cases.Service.Reseal), every
//     second-factor secret (store.ResealTOTP) and every sealed value of the
//     follow-up threads (store.ResealFollowUp) under an older key is
//     re-sealed in short batches, each a compare-and-swap: no record is
//     locked longer than one batch's write, and a value a user changes
//     meanwhile is sealed anew by that change.
//  4. The command counts what is left under older keys (a server that had
//     not yet loaded the file may have sealed under the old primary) and
//     re-seals again until nothing is.
//
// The old key stays in the file: `keys rotate --retire`, run afterwards,
// removes it once no value needs it, and refuses otherwise. A lock file
// beside the key file keeps two runs from rewriting the key file at once.

func runKeysRotate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("keys rotate", env)
	resume := fs.Bool("resume", false, "do not add a key: finish an interrupted rotation by re-sealing under the current primary")
	retire := fs.Bool("retire", false, "do not add a key: remove the older data keys, once no sealed value needs them")
	settle := fs.Duration("settle", 2*node.KeyReloadInterval, "time given to running servers to load a new key file before re-sealing (and the least age of the primary key before --retire)")
	batch := fs.Int("batch", cases.DefaultResealBatch, "rows re-sealed per transaction")
	c, err := loadConfig(fs, env, args, adminOptions...)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return Usagef("unexpected argument %q", fs.Arg(0))
	case *resume && *retire:
		return Usagef("give --resume or --retire, not both")
	case *settle < 0 || *batch < 1:
		return Usagef("--settle must not be negative and --batch must be positive")
	case c.KeyFile == "":
		return Usagef("keys rotate rewrites the key file: give --key-file (keys given in CHILDCENTRE_KEYS cannot be rotated in place; " +
			"rotate a copy written to a file, then update the variable and restart)")
	}
	unlock, err := lockKeyFile(c.KeyFile)
	if err != nil {
		return err
	}
	defer unlock()
	kr, err := crypto.LoadKeyring(c.KeyFile)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	db, err := node.OpenDB(ctx, c, kr, node.NewLogger(c, env.Stderr), env.Now)
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
	if env.Now != nil {
		kr.Now = env.Now // the creation time of a new key, and the age --retire checks
	}
	rot := &rotation{env: env, db: db, kr: kr, batch: *batch, settle: *settle}
	if *retire {
		return rot.retire(ctx, c.KeyFile)
	}
	if !*resume {
		if err := rot.addKey(ctx, c.KeyFile); err != nil {
			return err
		}
	}
	return rot.resealAll(ctx)
}

// rotation is one run of keys rotate.
type rotation struct {
	env    *Env
	db     *store.DB
	kr     *crypto.Keyring
	batch  int
	settle time.Duration
	// busyPause is the first pause after a busy database (a second when
	// zero); each further try waits one more.
	busyPause time.Duration
}

// addKey adds a new primary to the key file, audits it and waits for
// running servers to load it.
func (r *rotation) addKey(ctx context.Context, path string) error {
	old := r.kr.Primary()
	id, err := r.kr.Rotate()
	if err != nil {
		return err
	}
	// The file is written before anything is sealed under the new key: a
	// value sealed under a key that was never saved would be lost.
	if err := r.kr.WriteFile(path); err != nil {
		return err
	}
	if err := r.whileBusy(ctx, func() error {
		return r.db.AppendAudit(ctx, audit.Record{Actor: auth.SystemActor.Ref(), Action: audit.ActKeysRotate, Outcome: "ok",
			Detail: fmt.Sprintf("new primary data key %d (was %d)", id, old)})
	}); err != nil {
		return fmt.Errorf("data key %d is in %s but its audit entry could not be written (run 'childcentre keys rotate --resume' to finish): %w", id, path, err)
	}
	fmt.Fprintf(r.env.Stdout, "added data key %d to %s as the primary; data key %d is kept to open what it sealed\n", id, path, old)
	if r.settle > 0 {
		fmt.Fprintf(r.env.Stdout, "waiting %s for running servers to load the new key file\n", r.settle)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.settle):
		}
	}
	return nil
}

// resealPasses bounds how often resealAll starts again because a server
// still sealed under an older key.
const resealPasses = 5

// resealAll re-seals until nothing is left under an older key.
func (r *rotation) resealAll(ctx context.Context) error {
	svc := cases.NewService(store.NewCaseStore(r.db), r.kr.Sealer(crypto.PurposeIdentity), r.kr, cases.Config{Now: r.env.Now})
	totp := r.kr.Sealer(crypto.PurposeTOTP)
	primary := r.kr.Primary()
	var values, secrets, threads int
	for pass := 1; pass <= resealPasses; pass++ {
		err := r.whileBusy(ctx, func() error {
			p := r.progress("case registry")
			n, err := svc.Reseal(ctx, auth.SystemActor, r.batch, p.report)
			p.end()
			values += n
			return err
		})
		if err != nil {
			return fmt.Errorf("re-sealing stopped after %d values (run 'childcentre keys rotate --resume' to finish): %w", values, err)
		}
		err = r.whileBusy(ctx, func() error {
			p := r.progress("second-factor secrets")
			m, err := r.db.ResealTOTP(ctx, totp, r.batch, p.report)
			p.end()
			secrets += m
			return err
		})
		if err != nil {
			return fmt.Errorf("re-sealing stopped (run 'childcentre keys rotate --resume' to finish): %w", err)
		}
		err = r.whileBusy(ctx, func() error {
			p := r.progress("follow-up threads")
			k, err := r.db.ResealFollowUp(ctx, r.kr.Sealer(followup.AtRestPurpose), r.batch, p.report)
			p.end()
			threads += k
			return err
		})
		if err != nil {
			return fmt.Errorf("re-sealing stopped (run 'childcentre keys rotate --resume' to finish): %w", err)
		}
		left, err := r.oldValues(ctx)
		if err != nil {
			return err
		}
		if left.total() == 0 {
			if err := r.db.AppendAudit(ctx, audit.Record{Actor: auth.SystemActor.Ref(), Action: audit.ActKeysRotate, Outcome: "ok",
				Detail: fmt.Sprintf("re-sealed under data key %d: %d registry values, %d second-factor secrets, %d follow-up values", primary, values, secrets, threads)}); err != nil {
				return err
			}
			fmt.Fprintf(r.env.Stdout, "re-sealed %d values of the case registry, %d second-factor secrets and %d values of follow-up threads under data key %d; none is left under an older key\n",
				values, secrets, threads, primary)
			if older := r.olderKeys(); len(older) > 0 {
				fmt.Fprintf(r.env.Stdout, "Back up the key file now. Older data keys (%s) are still in it: once every server has loaded the new file\n"+
					"(they log \"key file reloaded\"), remove them with 'childcentre keys rotate --retire'.\n", joinIDs(older))
			}
			return nil
		}
		fmt.Fprintf(r.env.Stdout, "%s still under an older key (sealed meanwhile by a server that had not yet loaded the key file); re-sealing again\n", left)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(r.settle, node.KeyReloadInterval)):
		}
	}
	return errs.E(errs.Conflict, "values are still being sealed under an older key: check that every server loads the new key file "+
		"(a server given its keys in CHILDCENTRE_KEYS must be restarted with them), then run 'childcentre keys rotate --resume'")
}

// busyRetries is how many times a re-sealing pass is started again after
// the database stayed locked past its busy timeout.
const busyRetries = 5

// whileBusy runs pass, and again after a pause while it fails because the
// database is busy (SQLite locked by a busy server past its timeout): each
// batch is a compare-and-swap, so a pass started again only continues.
func (r *rotation) whileBusy(ctx context.Context, pass func() error) error {
	unit := r.busyPause
	if unit == 0 {
		unit = time.Second
	}
	for try := 1; ; try++ {
		err := pass()
		if err == nil || !errs.Is(err, errs.Unavailable) || try > busyRetries {
			return err
		}
		pause := time.Duration(try) * unit
		fmt.Fprintf(r.env.Stdout, "the database is busy; re-sealing continues in %s\n", pause)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// retire removes the data keys older than the primary once nothing needs them.
func (r *rotation) retire(ctx context.Context, path string) error {
	older := r.olderKeys()
	if len(older) == 0 {
		fmt.Fprintf(r.env.Stdout, "data key %d is the only data key: nothing to retire\n", r.kr.Primary())
		return nil
	}
	now := time.Now
	if r.env.Now != nil {
		now = r.env.Now
	}
	for _, k := range r.kr.Keys() {
		if age := now().Sub(k.Created); k.Primary && age < r.settle {
			return errs.E(errs.Conflict, "data key %d was added %s ago: give running servers --settle (%s) to load it before older keys are removed",
				k.ID, age.Round(time.Second), r.settle)
		}
	}
	left, err := r.oldValues(ctx)
	if err != nil {
		return err
	}
	if left.total() > 0 {
		return errs.E(errs.Conflict, "%s still under an older key: run 'childcentre keys rotate --resume' first; no key was retired", left)
	}
	for _, id := range older {
		if err := r.kr.Retire(id); err != nil {
			return err
		}
	}
	if err := r.kr.WriteFile(path); err != nil {
		return err
	}
	if err := r.db.AppendAudit(ctx, audit.Record{Actor: auth.SystemActor.Ref(), Action: audit.ActKeysRetire, Outcome: "ok",
		Detail: "retired data keys " + joinIDs(older)}); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "retired data keys %s; data key %d remains. Back up the key file now: older backups of the database need the older key file.\n",
		joinIDs(older), r.kr.Primary())
	return nil
}

func (r *rotation) olderKeys() []crypto.KeyID {
	var out []crypto.KeyID
	for _, k := range r.kr.Keys() {
		if !k.Primary {
			out = append(out, k.ID)
		}
	}
	return out
}

// leftovers counts sealed values under older keys, by table.
type leftovers map[string]int

func (l leftovers) total() int {
	n := 0
	for _, v := range l {
		n += v
	}
	return n
}

func (l leftovers) String() string {
	var parts []string
	for _, t := range append(append([]string(nil), cases.SealedTables...), "users", "followup") {
		if l[t] > 0 {
			parts = append(parts, t+": "+strconv.Itoa(l[t]))
		}
	}
	return strconv.Itoa(l.total()) + " sealed values (" + strings.Join(parts, ", ") + ")"
}

// oldValues counts every sealed value not under the primary key, reading
// the tables in batches.
func (r *rotation) oldValues(ctx context.Context) (leftovers, error) {
	left := leftovers{}
	identity := r.kr.Sealer(crypto.PurposeIdentity)
	cs := store.NewCaseStore(r.db)
	for _, table := range cases.SealedTables {
		var after int64
		for {
			var vals []cases.SealedValue
			var last int64
			err := cs.View(ctx, func(tx cases.Tx) error {
				var err error
				vals, last, err = tx.SealedValues(ctx, table, after, 5*r.batch)
				return err
			})
			if err != nil {
				return nil, err
			}
			if last == 0 {
				break
			}
			for _, v := range vals {
				if identity.NeedsRotation(v.Value) {
					left[table]++
				}
			}
			after = last
		}
	}
	n, err := r.db.TOTPNeedingRotation(ctx, r.kr.Sealer(crypto.PurposeTOTP))
	left["users"] = n
	if err != nil {
		return left, err
	}
	left["followup"], err = r.db.FollowUpNeedingRotation(ctx, r.kr.Sealer(followup.AtRestPurpose))
	return left, err
}

// resealProgress reports re-sealing progress on standard error: redrawn in
// place on a terminal, otherwise at most every few seconds.
type resealProgress struct {
	env   *Env
	what  string
	done  int
	last  time.Time
	shown bool
}

func (r *rotation) progress(what string) *resealProgress {
	return &resealProgress{env: r.env, what: what, last: time.Now()}
}

func (p *resealProgress) report(done int) {
	p.done = done
	every := 5 * time.Second
	if p.env.StderrIsTerminal {
		every = 200 * time.Millisecond
	}
	if time.Since(p.last) < every {
		return
	}
	p.last, p.shown = time.Now(), true
	if p.env.StderrIsTerminal {
		fmt.Fprintf(p.env.Stderr, "\rre-sealing %s: %d values examined", p.what, done)
	} else {
		fmt.Fprintf(p.env.Stderr, "re-sealing %s: %d values examined\n", p.what, done)
	}
}

func (p *resealProgress) end() {
	if p.env.StderrIsTerminal && p.shown {
		fmt.Fprintln(p.env.Stderr)
	}
	fmt.Fprintf(p.env.Stderr, "re-sealing %s: %d values examined\n", p.what, p.done)
}

func joinIDs(ids []crypto.KeyID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ", ")
}

// lockKeyFile takes the rotation lock of a key file: a file beside it,
// created exclusively. Two rotations rewriting the key file from their
// own copies would lose one's new key, and with it what it sealed.
func lockKeyFile(path string) (unlock func(), err error) {
	lock := path + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, errs.E(errs.Conflict, "%s exists: another 'keys rotate' is running, or one was interrupted. "+
			"If none is running, remove the file and run 'childcentre keys rotate --resume'", lock)
	}
	if err != nil {
		return nil, errs.Wrap(err, "keys: lock the key file")
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()
	return func() { os.Remove(lock) }, nil
}
