package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/parse"
	"github.com/prom-go/prom/push"
)

// groupingFlag collects repeated --grouping name=value flags.
type groupingFlag map[string]string

func (g groupingFlag) String() string { return fmt.Sprint(map[string]string(g)) }

func (g groupingFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("%q is not name=value", s)
	}
	if _, dup := g[name]; dup {
		return fmt.Errorf("label %q is given twice", name)
	}
	g[name] = value
	return nil
}

const pushSynopsis = "push --gateway URL --job JOB [--grouping name=value]... [--add | --delete] [FILE|-]"

// runPush sends the metrics of an exposition document (text, OpenMetrics or protobuf, read
// from FILE or standard input) to a Pushgateway, or deletes a group.
func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runPushFrom(ctx, args, os.Stdin, stdout, stderr)
}

func runPushFrom(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("push", pushSynopsis, stderr)
	grouping := groupingFlag{}
	p := &push.Pusher{}
	fs.StringVar(&p.URL, "gateway", "", "`URL` of the Pushgateway, such as http://localhost:9091 (required)")
	fs.StringVar(&p.Job, "job", "", "`job` label of the group (required)")
	fs.Var(grouping, "grouping", "a `name=value` label of the group's key; repeat for several")
	add := fs.Bool("add", false, "replace only the metrics of the group with the same names (POST) instead of the whole group (PUT)")
	del := fs.Bool("delete", false, "delete the group instead of pushing (no FILE)")
	fs.BoolVar(&p.Text, "text", false, "send the text format instead of protobuf")
	fs.BoolVar(&p.Gzip, "gzip", false, "compress the request body")
	fs.DurationVar(&p.Timeout, "timeout", 30*time.Second, "`limit` of each attempt")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	usageErr := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "prom push: "+format+"\n", a...)
		fs.Usage()
		return errUsage
	}
	switch {
	case p.URL == "":
		return usageErr("--gateway is required")
	case p.Job == "":
		return usageErr("--job is required")
	case *add && *del:
		return usageErr("--add and --delete exclude each other")
	case fs.NArg() > 1:
		return usageErr("unexpected argument %q: give one FILE or -", fs.Arg(1))
	case *del && fs.NArg() > 0:
		return usageErr("--delete takes no FILE")
	}
	p.Grouping = grouping
	if *del {
		if err := p.Delete(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "prom push: deleted the group of job %q\n", p.Job)
		return nil
	}

	name, in := "-", stdin
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		name = fs.Arg(0)
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	doc, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	format := parse.Detect(doc)
	fams, err := parse.Parse(bytes.NewReader(doc), format, &parse.Options{Lax: true})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {}) // collection errors are returned by the push itself
	if err := reg.Register(pushFamilies(fams)); err != nil {
		return err
	}
	if *add {
		err = p.Add(ctx, reg)
	} else {
		err = p.Push(ctx, reg)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "prom push: pushed %d families (%s) to job %q\n", len(fams), format, p.Job)
	return nil
}

// pushFamilies is a collector of parsed families, written as they are.
type pushFamilies []*prom.Family

func (fs pushFamilies) Describe() []*prom.Desc { return nil }

func (fs pushFamilies) Collect(w *prom.Writer) {
	for _, f := range fs {
		if w.Family(&f.Desc) {
			for i := range f.Series {
				w.Emit(&f.Series[i])
			}
		}
	}
}
