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
	"github.com/cbss-egcc/childcentre/internal/linkage/dice"
)

func init() {
	register(&Command{
		Name:    "link",
		Args:    "[--threshold T] [--review T2] [--weights FILE] [--weights-out FILE] --out FILE [--pairs FILE] [--truth FILE] [--explain A B] ENCODINGS...",
		Summary: "link encoding files (one per country) into clusters of records of the same child",
		Run:     linkCmd,
	})
}

func linkCmd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("link", env)
	threshold := fs.Float64("threshold", 0, "score (match probability for a segmented schema, else Dice) at or above which a pair is a match (default: the schema's, else 0.8)")
	review := fs.Float64("review", 0, "score from which pairs below the threshold are marked for review (default: the schema's, else 0.7)")
	weightsIn := fs.String("weights", "", "segmented schemas: score with the fixed weights of this file instead of learning them")
	weightsOut := fs.String("weights-out", "", "segmented schemas: write the weights learned (or used) to this file")
	explain := fs.String("explain", "", "record id A: print how the pair A B (B is the first argument after the flags) was scored, from the encodings")
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
	files := fs.Args()
	var explainB string
	if *explain != "" {
		if len(files) == 0 {
			return Usagef("--explain takes two record ids: --explain A B")
		}
		explainB, files = files[0], files[1:]
	}
	switch {
	case *out == "" && *explain == "":
		return Usagef("--out is required")
	case len(files) == 0:
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
	for _, path := range files {
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
	if *weightsIn != "" {
		f, err := os.Open(*weightsIn)
		if err != nil {
			return err
		}
		w, err := linkage.ReadWeights(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *weightsIn, err)
		}
		if opt.Layout == nil {
			return Usagef("--weights applies only to encodings of a segmented schema")
		}
		opt.Weights = w
	}
	filters := all.Set()
	if *explain != "" && *out == "" {
		return explainPair(env, all, filters, opt, *explain, explainB)
	}
	res, err := linkage.Link(filters, opt)
	if err != nil {
		return err
	}
	if *weightsOut != "" && res.Model != nil {
		data, err := res.Model.Marshal()
		if err != nil {
			return err
		}
		if err := writeAtomic(*weightsOut, func(w io.Writer) error { _, err := w.Write(append(data, '\n')); return err }); err != nil {
			return err
		}
	}
	if *explain != "" {
		if err := explainWith(env, all, res.Model, *explain, explainB); err != nil {
			return err
		}
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

// explainPair fits (or loads) the model of the encodings and explains the
// pair a, b without linking.
func explainPair(env *Env, all *linkage.Encodings, set *dice.Set, opt linkage.Options, a, b string) error {
	if opt.Layout == nil {
		return Usagef("--explain applies only to encodings of a segmented schema")
	}
	var m *linkage.Model
	var err error
	if opt.Weights != nil {
		m, err = linkage.NewModel(set.Words, opt)
		if err == nil {
			m = m.WithFrequencies(set)
		}
	} else {
		m, err = linkage.Fit(set, opt.Layout, opt)
	}
	if err != nil {
		return err
	}
	return explainWith(env, all, m, a, b)
}

func explainWith(env *Env, all *linkage.Encodings, m *linkage.Model, a, b string) error {
	ia, ib := -1, -1
	for i, id := range all.IDs {
		switch id {
		case a:
			ia = i
		case b:
			ib = i
		}
	}
	if ia < 0 || ib < 0 {
		return Usagef("--explain: record ids not found in the encodings")
	}
	if m == nil {
		return Usagef("--explain applies only to encodings of a segmented schema")
	}
	e, err := m.Explain(all.Filter(ia), all.Filter(ib))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "pair %s %s\n", a, b)
	return e.Write(env.Stdout)
}
