package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cbss-egcc/childcentre/internal/linkage"
)

func init() {
	register(&Command{
		Name:    "keys new",
		Args:    "--out FILE",
		Summary: "write a new random linkage secret (mode 0600; never overwrites)",
		Run:     keysNew,
	})
}

// keysNew writes a new linkage secret. The file is created exclusively so
// that an existing secret, and with it every encoding made under it, is never
// destroyed by accident.
func keysNew(ctx context.Context, env *Env, args []string) error {
	flags := newFlags("keys new", env)
	out := flags.String("out", "", "file to write the secret to")
	if err := parse(flags, args); err != nil {
		return err
	}
	if *out == "" {
		return Usagef("--out is required")
	}
	if flags.NArg() > 0 {
		return Usagef("unexpected arguments")
	}
	secret, err := linkage.NewSecret(rand.Reader)
	if err != nil {
		return err
	}
	return writeSecretFile(*out, secret)
}

func writeSecretFile(path string, secret []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: refusing to overwrite a secret (encodings made with it could no longer be linked)", path)
	}
	if err != nil {
		return err
	}
	if err := linkage.WriteSecret(f, secret); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
