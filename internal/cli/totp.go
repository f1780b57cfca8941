package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
)

func init() {
	register(&Command{
		Name:    "totp",
		Args:    "SECRET | -",
		Summary: "print the current second-factor code of a base32 secret (for demo users)",
		Run:     runTOTP,
	})
}

// runTOTP prints the RFC 6238 code of a base32 secret at env.Now, the way
// an authenticator app would, so that the demo's users can sign in without
// a phone. With "-" the secret is read from standard input, which keeps a
// real secret out of the process list and the shell history.
func runTOTP(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("totp", env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return Usagef("give one base32 secret, or - to read it from standard input")
	}
	secret := fs.Arg(0)
	if secret == "-" {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read the secret from standard input: %w", err)
		}
		secret = strings.TrimSpace(line)
	}
	now := env.Now()
	code, err := auth.GenerateCode(secret, now)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, code)
	left := auth.TOTPPeriod - now.Unix()%auth.TOTPPeriod
	fmt.Fprintf(env.Stderr, "valid for %d more seconds\n", left)
	return nil
}
