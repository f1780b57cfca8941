// Package cli implements the commands of the childcentre binary. Each file
// registers its commands; cmd/childcentre only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cbss-egcc/childcentre/internal/errs"
)

// Env is what a command may touch of the outside world, so that tests can
// run commands in-process with their own streams, environment and clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// StderrIsTerminal reports whether progress may be drawn on Stderr.
	StderrIsTerminal bool
}

// OSEnv returns the process's environment.
func OSEnv() *Env {
	isTTY := false
	if fi, err := os.Stderr.Stat(); err == nil {
		isTTY = fi.Mode()&os.ModeCharDevice != 0
	}
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, StderrIsTerminal: isTTY}
}

// Command is one sub-command. Group commands ("user add") are registered
// with their full name, words separated by one space.
type Command struct {
	Name    string // "encode", "user add"
	Args    string // argument synopsis shown in help: "[--threshold T] ENCODINGS..."
	Summary string // one line
	Run     func(ctx context.Context, env *Env, args []string) error
}

// UsageError is returned by a command whose arguments are wrong; Main
// prints it with the command's usage and exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

var commands = map[string]*Command{}

func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Main runs the command named by args and returns the process exit status:
// 0 on success, 1 on failure, 2 on a usage error.
func Main(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.Stdout, args)
		return 0
	}
	c, rest := lookup(args)
	if c == nil {
		fmt.Fprintf(env.Stderr, "childcentre: unknown command %q; run 'childcentre help'\n", strings.Join(args[:min(2, len(args))], " "))
		return 2
	}
	err := c.Run(ctx, env, rest)
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(env.Stdout, "usage: childcentre %s %s\n", c.Name, c.Args)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "childcentre %s: %s\nusage: childcentre %s %s\n", c.Name, ue.Msg, c.Name, c.Args)
		return 2
	case errs.CodeOf(err) != errs.Internal:
		// A coded error's message is written for people; its code prefix is not.
		fmt.Fprintf(env.Stderr, "childcentre %s: %s\n", c.Name, errs.MessageOf(err))
		return 1
	default:
		// The operator on the server sees internal causes: they carry no personal data.
		fmt.Fprintf(env.Stderr, "childcentre %s: %v\n", c.Name, err)
		return 1
	}
}

// lookup finds the longest registered command name that prefixes args.
func lookup(args []string) (*Command, []string) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:]
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c, args[1:]
	}
	return nil, nil
}

func printHelp(w io.Writer, args []string) {
	if len(args) >= 2 {
		if c, _ := lookup(args[1:]); c != nil {
			fmt.Fprintf(w, "usage: childcentre %s %s\n\n%s\n", c.Name, c.Args, c.Summary)
			return
		}
	}
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "childcentre: the information system of the Baltic Sea Region network for children at risk\n\nusage: childcentre COMMAND [ARGS]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintf(w, "\nRun 'childcentre help COMMAND' for a command's arguments. Configuration: docs/configuration.md\n")
}

// newFlags returns a FlagSet that reports errors instead of exiting, so
// that Main can turn them into usage errors.
func newFlags(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args and turns flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return Usagef("%v", err)
	}
	return nil
}
