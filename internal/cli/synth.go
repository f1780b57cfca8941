package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/synth"
)

func init() {
	register(&Command{
		Name:    "synth",
		Args:    "--children N [--countries SE,DK,...] [--seed S] [--preset mild|field|harsh] [--no-errors] --out DIR",
		Summary: "generate synthetic registrations of children with ground truth (one CSV per country, truth.csv)",
		Run:     runSynth,
	})
}

// runSynth writes DIR/<country>.csv in the CSV layout of the linkage schema
// "child" for every registering country, and DIR/truth.csv (id,entity). All
// files are written to temporary files in DIR and renamed at the end, so a
// failure leaves no partial output (and removes DIR if it created it).
func runSynth(ctx context.Context, env *Env, args []string) error {
	fl := newFlags("synth", env)
	children := fl.Int("children", 0, "number of distinct children")
	countries := fl.String("countries", "", "registering countries, ISO alpha-2, comma-separated (default: the region)")
	seed := fl.Int64("seed", 1, "seed: the same seed gives the same data")
	noErrors := fl.Bool("no-errors", false, "write every child's registrations without recording errors")
	preset := fl.String("preset", "", "difficulty: mild, field or harsh (default: the original error rates)")
	out := fl.String("out", "", "output directory")
	if err := parse(fl, args); err != nil {
		return err
	}
	switch {
	case fl.NArg() > 0:
		return Usagef("unexpected argument %q", fl.Arg(0))
	case *children <= 0:
		return Usagef("--children must be a positive number")
	case *out == "":
		return Usagef("--out is required")
	}
	opt := synth.Options{Children: *children, Seed: *seed, Preset: *preset}
	if *countries != "" {
		for _, c := range strings.Split(*countries, ",") {
			opt.Countries = append(opt.Countries, strings.ToUpper(strings.TrimSpace(c)))
		}
	}
	if *noErrors {
		opt.Errors = synth.NoErrors()
	}
	if err := opt.Validate(); err != nil {
		return Usagef("%s", errs.MessageOf(err))
	}
	if len(opt.Countries) == 0 {
		opt.Countries = synth.DefaultCountries
	}
	n, err := writeSynth(ctx, *out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %d registrations of %d children in %d countries and truth.csv to %s\n",
		n, opt.Children, len(opt.Countries), *out)
	return nil
}

// synthFile is one output file being written under a temporary name.
type synthFile struct {
	name string // final name in the directory
	f    *os.File
	buf  *bufio.Writer
	csv  *synth.CSVWriter
}

func writeSynth(ctx context.Context, dir string, opt synth.Options) (n int, err error) {
	created := false
	if err := os.Mkdir(dir, 0o750); err == nil {
		created = true
	} else if !errors.Is(err, fs.ErrExist) {
		return 0, errs.Wrap(err, "synth: create output directory")
	}
	var files []*synthFile
	var renamed []string
	defer func() {
		if err == nil {
			return
		}
		for _, sf := range files {
			sf.f.Close()
			os.Remove(sf.f.Name())
		}
		for _, name := range renamed {
			os.Remove(name)
		}
		if created {
			os.Remove(dir)
		}
	}()
	open := func(name string, newCSV func(w *bufio.Writer) *synth.CSVWriter) error {
		f, err := os.CreateTemp(dir, ".synth-*.tmp")
		if err != nil {
			return errs.Wrap(err, "synth: create output file")
		}
		buf := bufio.NewWriterSize(f, 64<<10)
		files = append(files, &synthFile{name: filepath.Join(dir, name), f: f, buf: buf, csv: newCSV(buf)})
		return nil
	}
	byCountry := make(map[string]*synth.CSVWriter, len(opt.Countries))
	for _, c := range opt.Countries {
		if err := open(c+".csv", func(w *bufio.Writer) *synth.CSVWriter { return synth.NewChildCSVWriter(w) }); err != nil {
			return 0, err
		}
		byCountry[c] = files[len(files)-1].csv
	}
	if err := open("truth.csv", func(w *bufio.Writer) *synth.CSVWriter { return synth.NewTruthCSVWriter(w) }); err != nil {
		return 0, err
	}
	truth := files[len(files)-1].csv
	err = synth.Stream(opt, func(r synth.Record) error {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n++
		if err := byCountry[r.Country].Write(r); err != nil {
			return err
		}
		return truth.Write(r)
	})
	if err != nil {
		return 0, err
	}
	for _, sf := range files {
		if err := sf.csv.Flush(); err != nil {
			return 0, err
		}
		if err := sf.buf.Flush(); err != nil {
			return 0, errs.Wrap(err, "synth: write output file")
		}
		if err := sf.f.Sync(); err != nil {
			return 0, errs.Wrap(err, "synth: sync output file")
		}
	}
	for _, sf := range files {
		if err := sf.f.Close(); err != nil {
			return 0, errs.Wrap(err, "synth: close output file")
		}
	}
	for len(files) > 0 {
		sf := files[0]
		if err := os.Rename(sf.f.Name(), sf.name); err != nil {
			return 0, errs.Wrap(err, "synth: rename output file")
		}
		renamed = append(renamed, sf.name)
		files = files[1:]
	}
	return n, nil
}
