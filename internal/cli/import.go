package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/config"
	"github.com/cbss-egcc/childcentre/internal/crypto"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/registrycsv"
	"github.com/cbss-egcc/childcentre/internal/store"
)

func init() {
	register(&Command{
		Name:    "import",
		Args:    "[--dry-run] --country CC [--database URL] (--key-file FILE | $CHILDCENTRE_KEYS) FILE.csv",
		Summary: "import children and cases from a national system's CSV (docs/import.md), all or nothing",
		Run:     runImport,
	})
}

// registry is the database and case registry an administration command
// works on, as auth.SystemActor.
type registry struct {
	cfg   *config.Config
	keys  *crypto.Keyring
	db    *store.DB
	cases *cases.Service
}

// openRegistry loads the configuration options named (beside the
// administration options), opens the migrated database and returns the
// case registry on it; the arguments left after the flags come back.
func openRegistry(ctx context.Context, env *Env, name string, args []string, define func(*flag.FlagSet), options ...string) (*registry, []string, error) {
	fs := newFlags(name, env)
	if define != nil {
		define(fs)
	}
	c, err := loadConfig(fs, env, args, append(slices.Clone(adminOptions), options...)...)
	if err != nil {
		return nil, nil, err
	}
	c.Country = strings.ToUpper(c.Country)
	if slices.Contains(options, "country") && c.Country != "" && !isCountry(c.Country) {
		return nil, nil, Usagef("--country (CHILDCENTRE_COUNTRY): two letters, e.g. SE")
	}
	kr, db, err := openStorage(ctx, env, c, true)
	if err != nil {
		return nil, nil, err
	}
	svc := cases.NewService(store.NewCaseStore(db), kr.Sealer(crypto.PurposeIdentity), kr, cases.Config{
		Country: auth.Country(c.Country), Retention: c.Retention, Now: env.Now,
	})
	return &registry{cfg: c, keys: kr, db: db, cases: svc}, fs.Args(), nil
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// runImport reads the whole file, then imports it in one transaction. A
// problem anywhere (the file's format or the registry's rules) is printed
// with its row and column, and nothing is written.
func runImport(ctx context.Context, env *Env, args []string) error {
	var dryRun bool
	r, rest, err := openRegistry(ctx, env, "import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "check the file and report what would be created and updated; write nothing")
	}, "country")
	if err != nil {
		return err
	}
	defer r.db.Close()
	if len(rest) != 1 {
		return Usagef("give exactly one FILE.csv (- for standard input)")
	}
	if r.cfg.Country == "" {
		return Usagef("--country (CHILDCENTRE_COUNTRY): the node's country is required: the children are registered in it")
	}
	in, closeIn, err := openInput(env, rest[0])
	if err != nil {
		return err
	}
	defer closeIn()
	regs, rows, probs, err := registrycsv.ReadAll(in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "read %d rows; checking them against the registry's rules\n", len(regs))

	// The registry checks the rows too, so that one run reports every
	// problem; with problems in the file it only checks (dry run).
	res, err := r.cases.Import(ctx, auth.SystemActor, regs, dryRun || len(probs) > 0)
	if err != nil && !errs.Is(err, errs.Invalid) {
		return err
	}
	if res != nil {
		probs = mergeProblems(probs, res.Errors, rows)
	}
	if len(probs) > 0 {
		for _, p := range probs {
			fmt.Fprintln(env.Stdout, p)
		}
		return errs.E(errs.Invalid, "%d problems in %s: nothing was imported", len(probs), rest[0])
	}
	if dryRun {
		fmt.Fprintf(env.Stdout, "dry run: %d rows are valid; an import would register %d children (each with a case) and update %d; nothing was written\n",
			len(regs), res.Created, res.Updated)
		return nil
	}
	fmt.Fprintf(env.Stdout, "imported %d rows: registered %d children (each with a case), updated %d\n", len(regs), res.Created, res.Updated)
	return nil
}

// openInput opens the file to import, or standard input for "-".
func openInput(env *Env, name string) (io.Reader, func(), error) {
	if name == "-" {
		return env.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// mergeProblems adds the registry's problems to the file's, in row and
// column order. The registry numbers registrations from 0 and names
// input fields; rows maps its numbers to the file's rows and ColumnOf its
// fields to columns. A problem the file's check already gave for a row
// and column is not given twice.
func mergeProblems(probs []registrycsv.Problem, rowErrs []cases.RowError, rows []int) []registrycsv.Problem {
	type key struct {
		row int
		col string
	}
	have := map[key]bool{}
	for _, p := range probs {
		have[key{p.Row, p.Column}] = true
	}
	for _, e := range rowErrs {
		if e.Row < 0 || e.Row >= len(rows) {
			continue // cannot happen: the registry numbers the registrations it was given
		}
		col, entry := registrycsv.ColumnOf(e.Field)
		if have[key{rows[e.Row], col}] {
			continue
		}
		probs = append(probs, registrycsv.Problem{Row: rows[e.Row], Column: col, Message: entry + e.Message})
	}
	order := map[string]int{}
	for i, c := range registrycsv.Columns {
		order[c.Name] = i + 1
	}
	slices.SortStableFunc(probs, func(a, b registrycsv.Problem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return order[a.Column] - order[b.Column]
	})
	return probs
}
