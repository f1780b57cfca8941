package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

func init() {
	register(&Command{
		Name:    "purge",
		Args:    "[--dry-run] [--retention 1826d] [--country CC] [--database URL] (--key-file FILE | $CHILDCENTRE_KEYS)",
		Summary: "erase cases closed longer ago than the retention period, and children left without a case",
		Run:     runPurge,
	})
}

// runPurge erases (or with --dry-run lists) the cases closed before the
// retention period, by id only: what a record held is never printed,
// before or after it is erased. The service audits the purge with its
// counts. Run it daily, from a systemd timer or cron.
func runPurge(ctx context.Context, env *Env, args []string) error {
	var dryRun bool
	r, rest, err := openRegistry(ctx, env, "purge", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "list what would be erased; erase nothing")
	}, "country", "retention")
	if err != nil {
		return err
	}
	defer r.db.Close()
	if len(rest) > 0 {
		return Usagef("unexpected argument %q", rest[0])
	}
	res, err := r.cases.Purge(ctx, auth.SystemActor, dryRun)
	if err != nil {
		return err
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	before := now().UTC().Add(-r.cfg.Retention).Format(time.DateOnly)
	days := int(r.cfg.Retention / (24 * time.Hour))
	verb := "erased"
	if dryRun {
		verb = "would erase"
	}
	fmt.Fprintf(env.Stdout, "retention %d days: %s %d cases closed before %s and %d children left without a case\n",
		days, verb, len(res.Cases), before, len(res.Children))
	printIDs(env.Stdout, "case", res.Cases)
	printIDs(env.Stdout, "child", res.Children)
	switch {
	case dryRun:
		fmt.Fprintln(env.Stdout, "dry run: nothing was erased")
	case len(res.Cases) > 0:
		fmt.Fprintln(env.Stdout, "the purge is recorded in the audit log (retention.purge) with these counts")
	}
	return nil
}

// printIDs prints ids as "case:12 case:15 ...", twelve to a line.
func printIDs(w io.Writer, kind string, ids []int64) {
	var b strings.Builder
	for i, id := range ids {
		if i%12 == 0 {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString("  ")
		} else {
			b.WriteString(" ")
		}
		b.WriteString(kind + ":" + strconv.FormatInt(id, 10))
	}
	if b.Len() > 0 {
		fmt.Fprintln(w, b.String())
	}
}
