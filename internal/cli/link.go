package cli

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

func init() {
	register(&Command{
		Name:    "link",
		Args:    "[--threshold T] [--review T2] --out FILE [--pairs FILE] [--truth FILE] ENCODINGS...",
		Summary: "link encoding files (one per country) into clusters of records of the same child",
		Run:     linkCmd,
	})
}

func linkCmd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("link", env)
	threshold := fs.Float64("threshold", 0, "Dice score at or above which a pair is a match (default: the schema's, else 0.8)")
	review := fs.Float64("review", 0, "Dice score from which pairs below the threshold are marked for review (default: the schema's, else 0.7)")
	out := fs.String("out", "", "CSV of clusters to write: id,cluster")
	pairsOut := fs.String("pairs", "", "CSV of scored pairs to write: a,b,score")
	truthFile := fs.String("truth", "", "CSV of ground truth (record id, true entity): print precision, recall, F1")
	memory := fs.Int("memory-mib", 900, "soft limit of the heap in MiB, kept by working the garbage collector harder (0: none; GOMEMLIMIT wins)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// Without a limit the heap of a million-record link grows past 1 GiB
	// before the collector catches up; with it the same run stays under.
	if *memory > 0 && env.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(*memory) << 20))
	}
	switch {
	case *out == "":
		return Usagef("--out is required")
	case fs.NArg() == 0:
		return Usagef("at least one encoding file is needed")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["threshold"] && (*threshold <= 0 || *threshold > 1) {
		return Usagef("--threshold must be above 0 and at most 1")
	}
	if set["review"] && (*review <= 0 || *review > 1) {
		return Usagef("--review must be above 0 and at most 1")
	}
	all := &linkage.Encodings{}
	for _, path := range fs.Args() {
		e, err := readEncodingFile(path)
		if err != nil {
			return err
		}
		if err := all.Append(e); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := all.CheckUniqueIDs(); err != nil {
		return err
	}
	// Thresholds: the flags, else the schema's recommendation carried in the
	// encoding files, else the package defaults.
	opt := all.Header.Options()
	if !set["threshold"] {
		*threshold = cmp.Or(opt.Threshold, linkage.DefaultThreshold)
	}
	if !set["review"] {
		*review = opt.Review
		if *review == 0 || *review > *threshold {
			*review = min(linkage.DefaultReview, *threshold)
		}
	}
	opt.Threshold, opt.Review = *threshold, *review
	if *review > *threshold {
		return Usagef("--review (%.2f) must not exceed the threshold (%.2f)", *review, *threshold)
	}
	var truth map[string]string
	if *truthFile != "" {
		f, err := os.Open(*truthFile)
		if err != nil {
			return err
		}
		truth, err = linkage.ReadTruth(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *truthFile, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := linkage.Link(all.Set(), opt)
	if err != nil {
		return err
	}
	if err := writeAtomic(*out, func(w io.Writer) error { return linkage.WriteClusters(w, all.IDs, res) }); err != nil {
		return err
	}
	if *pairsOut != "" {
		if err := writeAtomic(*pairsOut, func(w io.Writer) error { return linkage.WritePairs(w, all.IDs, res) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "records %d, threshold %.2f, review %.2f: clusters %d, pairs scored %d, pairs for review %d\n",
		all.Len(), *threshold, *review, res.Clusters, len(res.Pairs), res.Reviews())
	if truth != nil {
		ent := make([]string, all.Len())
		for i, id := range all.IDs {
			ent[i] = truth[id]
		}
		m := linkage.Evaluate(res.Cluster, ent)
		fmt.Fprintf(env.Stdout, "precision %s\nrecall %s\nF1 %s\n",
			strconv.FormatFloat(m.Precision, 'f', 4, 64), strconv.FormatFloat(m.Recall, 'f', 4, 64), strconv.FormatFloat(m.F1, 'f', 4, 64))
	}
	return nil
}

func readEncodingFile(path string) (*linkage.Encodings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e, err := linkage.ReadEncodings(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// writeAtomic writes a file through a temporary file in the same directory
// and renames it into place, so that a failed run leaves no partial output.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}
