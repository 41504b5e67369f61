// Command prom is the command line of the prom library: a demo service that exposes every
// metric type, and tools to check, convert and push exposition documents.
//
// Usage:
//
//	prom <command> [flags]
//
// The commands are:
//
//	demo           serve an instrumented demo service whose metrics keep moving
//	check          parse and lint an exposition document (exit 1 invalid, 3 lint findings)
//	convert        convert an exposition document to text, OpenMetrics or protobuf
//	push           push an exposition document to a Pushgateway, remote write or OTLP
//	hash-password  print a hash of the password on standard input, for basic auth
//
// Run "prom <command> -h" for the flags of a command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of prom. run gets the arguments after the command name and returns
// an error to print, or flag.ErrHelp after printing its usage.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands in the order the usage shows them. Each lives in its own file.
var commands = []command{
	{"demo", "serve an instrumented demo service whose metrics keep moving", runDemo},
	{"check", "parse and lint an exposition document (exit 1 invalid, 3 lint findings)", runCheck},
	{"convert", "convert an exposition document to text, OpenMetrics or protobuf", runConvert},
	{"push", "push an exposition document to a Pushgateway, remote write or OTLP", runPush},
	{"hash-password", "print a hash of the password on standard input, for basic auth", runHashPassword},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command named by args[0] and returns the process exit code: 0 on success,
// 1 when the command failed, 2 for a usage mistake.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var status exitStatus
		switch {
		case errors.As(err, &status):
			return int(status)
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(stderr, "prom %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "prom: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errUsage is returned by a command whose flags were wrong; the flag package has already
// printed the problem and the usage.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: prom <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"prom <command> -h\" for the flags of a command.")
}

// newFlagSet returns a flag set for command name that prints its errors and usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("prom "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: prom %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, mapping a flag error to errUsage and -h to flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}
