package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/prom-go/prom/promhttp"
)

const hashPasswordSynopsis = "hash-password < PASSWORD"

// runHashPassword prints a hash of the password read from standard input, made by
// promhttp.HashPassword, for promhttp.ServeOpts.BasicAuth or a line of the demo's
// --basic-auth-file. The password is the whole input without one final newline, so that it
// stays out of the process list and the shell history. bcrypt hashes, for exporter-toolkit
// web configurations, are made by prom-bcrypt in the bcrypt module.
func runHashPassword(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hash-password", hashPasswordSynopsis, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "prom hash-password: unexpected argument %q; the password is read from standard input\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	b, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		return fmt.Errorf("reading the password: %w", err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return errors.New("the password read from standard input is empty")
	}
	h, err := promhttp.HashPassword(string(b))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, h)
	return nil
}
