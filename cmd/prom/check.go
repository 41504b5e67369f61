package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/lint"
	"github.com/prom-go/prom/parse"
)

// exitStatus is an error the command has already reported; run exits with its code.
type exitStatus int

func (e exitStatus) Error() string { return "exit status " + strconv.Itoa(int(e)) }

// stdin is the input of "-"; tests replace it.
var stdin io.Reader = os.Stdin

// scrapeAccept is the Accept header Prometheus 3 (3.16) sends when it scrapes a target with its
// default configuration.
const scrapeAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.7," +
	"application/openmetrics-text;version=0.0.1;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5," +
	"text/plain;version=0.0.4;q=0.4,*/*;q=0.3"

// maxAutoDetect bounds what --format auto reads into memory to recognise the format.
const maxAutoDetect = 256 << 20

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [--format auto|text|openmetrics|protobuf] [--lint all|none|RULE,...|-RULE,...] [FILE|URL|-]", stderr)
	format := fs.String("format", "auto", "`format` of the input: auto, "+formatNames+" (the versions of a format are read alike)")
	lintFlag := fs.String("lint", "all", "lint `rules` to apply: all, none, a comma-separated list of rule names, or -RULE,... for all but those.\nRules: "+lintRuleNames())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rules, err := lint.Select(*lintFlag)
	if err != nil {
		fmt.Fprintf(stderr, "%s: --lint: %v\n", fs.Name(), err)
		fs.Usage()
		return errUsage
	}
	in, err := openArg(ctx, fs, *format, stderr)
	if err != nil {
		return err
	}
	defer in.Close()
	r := parse.NewReader(in, in.format, &parse.Options{PartSeries: partSeries})
	var problems []lint.Problem
	series := 0
	var cur *lint.Family // the family being read, lint-checked when the next one starts
	seen := map[string]bool{}
	for f, err := range r.All() {
		if err != nil {
			reportParseError(stderr, in.name, err)
			return exitStatus(1)
		}
		series += len(f.Series)
		if r.Continues() && cur != nil {
			addLabelNames(cur, seen, f)
			cur.SampleNames = slices.Clone(r.SampleNames())
			continue
		}
		if cur != nil {
			problems = append(problems, lint.CheckRules(cur, rules)...)
		}
		clear(seen)
		cur = &lint.Family{Name: f.Name, Type: f.Type, Help: f.Help, Unit: f.Unit, SampleNames: slices.Clone(r.SampleNames())}
		addLabelNames(cur, seen, f)
	}
	if cur != nil {
		problems = append(problems, lint.CheckRules(cur, rules)...)
	}
	// An empty document is valid syntax, but a scrape that returns nothing is almost always a
	// broken target or a wrong URL; checking it should not pass.
	if series == 0 {
		fmt.Fprintf(stderr, "%s: no metrics: expected at least one sample, found none\n", in.name)
		return exitStatus(1)
	}
	for _, p := range problems {
		fmt.Fprintf(stdout, "%s: %s: %s (%s)\n", in.name, p.Metric, p.Text, p.Rule)
	}
	if len(problems) > 0 {
		return exitStatus(3)
	}
	return nil
}

// partSeries is the size of the parts check and convert read a family in: a family of
// millions of series goes through in bounded memory (parse.Options.PartSeries).
const partSeries = 10_000

// addLabelNames adds to the lint description lf the label names of the series of f that it
// does not have yet; seen holds the names it has.
func addLabelNames(lf *lint.Family, seen map[string]bool, f *prom.Family) {
	var prev []string // series share their names slice when they have the same names
	for i := range f.Series {
		names := f.Series[i].LabelNames
		if len(names) > 0 && len(prev) == len(names) && &names[0] == &prev[0] {
			continue
		}
		prev = names
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				lf.LabelNames = append(lf.LabelNames, n)
			}
		}
	}
}

// lintRuleNames lists the names of the lint rules for the usage.
func lintRuleNames() string {
	names := make([]string, len(lint.Rules))
	for i, r := range lint.Rules {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// reportParseError prints err as "input:line:column: reason".
func reportParseError(w io.Writer, name string, err error) {
	var pe *parse.Error
	if errors.As(err, &pe) && pe.Line > 0 {
		fmt.Fprintf(w, "%s:%v\n", name, err)
		return
	}
	fmt.Fprintf(w, "%s: %v\n", name, err)
}

// openArg opens the input a parsed flag set names: its single optional argument ("-" when
// there is none) read in the format the --format value names. Usage mistakes are printed to
// stderr with the usage and returned as errUsage.
func openArg(ctx context.Context, fs *flag.FlagSet, format string, stderr io.Writer) (*input, error) {
	src, err := inputArg(fs, stderr)
	if err != nil {
		return nil, err
	}
	forced, err := formatFlag(fs, format, stderr)
	if err != nil {
		return nil, err
	}
	return openInput(ctx, src, forced)
}

// inputArg returns the single optional argument, "-" when there is none.
func inputArg(fs *flag.FlagSet, stderr io.Writer) (string, error) {
	switch fs.NArg() {
	case 0:
		return "-", nil
	case 1:
		return fs.Arg(0), nil
	}
	fmt.Fprintf(stderr, "%s: expected one FILE, URL or -, found %d arguments\n", fs.Name(), fs.NArg())
	fs.Usage()
	return "", errUsage
}

// formatFlag maps the --format value to a format, or nil for auto.
func formatFlag(fs *flag.FlagSet, v string, stderr io.Writer) (*expfmt.Format, error) {
	if v == "auto" {
		return nil, nil
	}
	f, err := expfmt.ParseFormat(v)
	if err != nil {
		fmt.Fprintf(stderr, "%s: --format %q: expected auto or a format (%s)\n", fs.Name(), v, formatNames)
		return nil, errUsage
	}
	return &f, nil
}

// formatNames lists the names of the formats, as the usage of --format and --to shows them.
const formatNames = "text, text-1.0.0, openmetrics, openmetrics-0.0.1 or protobuf"

// input is an opened document with its name for messages and its format.
type input struct {
	io.Reader
	name   string
	format expfmt.Format
	close  func() error
}

func (in *input) Close() error {
	if in.close != nil {
		return in.close()
	}
	return nil
}

// openInput opens a file, "-" (standard input) or an http(s) URL, which is scraped with the
// Accept header of Prometheus 3 and read in the format its Content-Type names. forced, when
// set, overrides the format; otherwise a file's is detected from its content.
func openInput(ctx context.Context, src string, forced *expfmt.Format) (*input, error) {
	in := &input{name: src}
	switch {
	case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", scrapeAccept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode/100 != 2 {
			resp.Body.Close()
			return nil, fmt.Errorf("%s: %s", src, resp.Status)
		}
		in.Reader, in.close = resp.Body, resp.Body.Close
		in.format = parse.FormatOf(resp.Header.Get("Content-Type"))
		if forced != nil {
			in.format = *forced
		}
		return in, nil
	case src == "-":
		in.name, in.Reader = "stdin", stdin
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		in.Reader, in.close = f, f.Close
	}
	if forced != nil {
		in.format = *forced
		return in, nil
	}
	doc, err := io.ReadAll(io.LimitReader(in.Reader, maxAutoDetect+1))
	if err != nil {
		in.Close()
		return nil, err
	}
	if len(doc) > maxAutoDetect {
		in.Close()
		return nil, fmt.Errorf("%s: larger than %d MiB; give --format to stream it", in.name, maxAutoDetect>>20)
	}
	in.format = parse.Detect(doc)
	in.Reader = bytes.NewReader(doc)
	return in, nil
}
