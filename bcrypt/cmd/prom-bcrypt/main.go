// Command prom-bcrypt prints a bcrypt hash of a password read from standard input, for the
// basic_auth_users of an exporter-toolkit web configuration, or for promhttp.ServeOpts.BasicAuth
// in a program that imports github.com/prom-go/prom/bcrypt:
//
//	printf '%s' "$PASSWORD" | prom-bcrypt [-cost 10]
//
// The password is the whole input, without one final newline; reading it from standard
// input keeps it out of the process list and the shell history. For the hashes of prom's
// own standard-library scheme, which need no extra module, use "prom hash-password".
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prom-go/prom/bcrypt"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

const usage = "Usage: printf '%s' \"$PASSWORD\" | prom-bcrypt [-cost N]\n\nFlags:\n"

// run is the command: it returns the exit code, 0 on success, 1 on error, 2 for a usage
// mistake.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prom-bcrypt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cost := fs.Int("cost", bcrypt.DefaultCost, fmt.Sprintf("bcrypt cost, 4 to %d; each step doubles the time of a check", bcrypt.MaxCost))
	fs.Usage = func() {
		io.WriteString(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "prom-bcrypt: unexpected argument %q; the password is read from standard input\n", fs.Arg(0))
		return 2
	}
	pw, err := readPassword(stdin)
	if err == nil {
		var h string
		if h, err = bcrypt.Hash(pw, *cost); err == nil {
			fmt.Fprintln(stdout, h)
			return 0
		}
	}
	fmt.Fprintf(stderr, "prom-bcrypt: %v\n", err)
	return 1
}

// readPassword reads the whole of r, without one final "\n" or "\r\n". An empty password is
// an error.
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return "", errors.New("the password read from standard input is empty")
	}
	return string(b), nil
}
