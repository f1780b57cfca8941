package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

func init() {
	register(&Command{
		Name:    "encode",
		Args:    "--schema child|FILE --secret-file FILE --out FILE [CSV...]",
		Summary: "encode identifiers from CSV into Bloom-filter encodings for linkage",
		Run:     encodeCmd,
	})
}

func encodeCmd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("encode", env)
	schemaArg := fs.String("schema", "", "built-in schema (child: the recommended field-level model; child-clk: record-level) or a schema JSON file")
	secretFile := fs.String("secret-file", "", "linkage secret (from 'childcentre keys new')")
	out := fs.String("out", "", "encoding file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *schemaArg == "":
		return Usagef("--schema is required")
	case *secretFile == "":
		return Usagef("--secret-file is required")
	case *out == "":
		return Usagef("--out is required")
	}
	schema, err := loadSchema(*schemaArg)
	if err != nil {
		return err
	}
	secret, err := readSecretFile(*secretFile)
	if err != nil {
		return err
	}
	enc, err := linkage.NewEncoder(schema, secret)
	if err != nil {
		return err
	}

	// Write to a temporary file beside the output and rename it into place
	// only when every row has been encoded: a failed run leaves nothing.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w, err := linkage.NewEncodingWriter(tmp, enc)
	if err != nil {
		return err
	}
	prog := newProgress(env)
	total := 0
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	for _, in := range inputs {
		n, err := encodeOne(ctx, env, in, enc, w, func(rows int) { prog.show(total + rows) })
		if err != nil {
			prog.clear()
			return err
		}
		total += n
	}
	prog.clear()
	if err := w.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	done = true
	fmt.Fprintf(env.Stderr, "encoded %d records with schema %s into %s\n", total, schema.Name, *out)
	return nil
}

// encodeOne encodes one CSV input ("-" for standard input); errors name the
// input, the row, the column and the problem, never a value.
func encodeOne(ctx context.Context, env *Env, in string, enc *linkage.Encoder, w *linkage.EncodingWriter, progress func(int)) (int, error) {
	var r io.Reader = env.Stdin
	name := "standard input"
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		r, name = f, in
	}
	n, err := linkage.EncodeCSV(ctx, r, enc, w, 0, progress)
	if err != nil {
		var re *linkage.RowError
		if errors.As(err, &re) {
			return n, fmt.Errorf("%s: %w", name, re)
		}
		return n, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// loadSchema returns a built-in schema by name or parses a schema file.
func loadSchema(arg string) (*linkage.Schema, error) {
	if s, ok := linkage.BuiltinSchema(arg); ok {
		return s, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, Usagef("--schema: %s is neither a built-in schema (%s) nor a file", arg, linkage.BuiltinSchemaNames())
		}
		return nil, err
	}
	defer f.Close()
	s, err := linkage.ParseSchema(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return s, nil
}

func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := linkage.ReadSecret(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// progress draws a count on standard error when it is a terminal, at most
// a few times a second.
type progress struct {
	env   *Env
	last  time.Time
	drawn bool
}

func newProgress(env *Env) *progress { return &progress{env: env} }

func (p *progress) show(n int) {
	if !p.env.StderrIsTerminal {
		return
	}
	now := p.env.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.drawn = true
	fmt.Fprintf(p.env.Stderr, "\rencoded %d records", n)
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.env.Stderr, "\r\033[K")
		p.drawn = false
	}
}
