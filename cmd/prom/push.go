package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
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

const pushSynopsis = `push (--gateway URL --job JOB [--grouping name=value]... [--add | --delete] |
                 --remote-write URL [--rw-version 1|2|auto] [--external-label name=value]... |
                 --otlp URL [--resource name=value]...)
                [--header 'Name: value']... [--tenant ID] [--bearer-token-file FILE]
                [--scrape URL | FILE | -]`

// runPush sends the metrics of an exposition document (text, OpenMetrics or protobuf, read
// from FILE, standard input or a scraped URL) to a Pushgateway, a remote-write endpoint or an
// OTLP/HTTP receiver, or deletes a Pushgateway group.
func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runPushFrom(ctx, args, os.Stdin, stdout, stderr)
}

func runPushFrom(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("push", pushSynopsis, stderr)
	grouping := groupingFlag{}
	p := &push.Pusher{}
	fs.StringVar(&p.URL, "gateway", "", "`URL` of the Pushgateway, such as http://localhost:9091")
	fs.StringVar(&p.Job, "job", "", "`job` label of the group (required with --gateway)")
	fs.Var(grouping, "grouping", "a `name=value` label of the group's key; repeat for several")
	add := fs.Bool("add", false, "replace only the metrics of the group with the same names (POST) instead of the whole group (PUT)")
	del := fs.Bool("delete", false, "delete the group instead of pushing (no FILE)")
	fs.BoolVar(&p.Text, "text", false, "send the text format instead of protobuf")
	fs.BoolVar(&p.Gzip, "gzip", false, "compress the request body (--gateway, --otlp)")
	fs.DurationVar(&p.Timeout, "timeout", 30*time.Second, "`limit` of each attempt")
	scrape := fs.String("scrape", "", "scrape the metrics from this `URL` instead of reading FILE")
	var rw rwFlags
	rw.register(fs)
	var ot otlpFlags
	ot.register(fs)
	var sf sendFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	usageErr := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "prom push: "+format+"\n", a...)
		fs.Usage()
		return errUsage
	}
	dests := 0
	for _, set := range []bool{p.URL != "", rw.url != "", ot.url != ""} {
		if set {
			dests++
		}
	}
	switch {
	case dests == 0:
		return usageErr("give a destination: --gateway, --remote-write or --otlp")
	case dests > 1:
		return usageErr("--gateway, --remote-write and --otlp exclude each other; run prom push once for each")
	case p.URL != "" && p.Job == "":
		return usageErr("--job is required with --gateway")
	case *add && *del:
		return usageErr("--add and --delete exclude each other")
	case fs.NArg() > 1:
		return usageErr("unexpected argument %q: give one FILE or -", fs.Arg(1))
	case *scrape != "" && fs.NArg() > 0:
		return usageErr("--scrape and FILE exclude each other")
	case *del && (fs.NArg() > 0 || *scrape != ""):
		return usageErr("--delete takes no FILE")
	case rw.url == "" && (len(rw.external) > 0 || rw.version != "auto"):
		return usageErr("--external-label and --rw-version go with --remote-write")
	case ot.url == "" && len(ot.resource) > 0:
		return usageErr("--resource goes with --otlp")
	}
	if p.URL != "" {
		if err := sf.applyGateway(p); err != nil {
			return usageErr("%v", err)
		}
	}
	p.Grouping = grouping
	if *del {
		if err := p.Delete(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "prom push: deleted the group of job %q\n", p.Job)
		return nil
	}

	fams, format, err := readPushInput(ctx, fs, *scrape, stdin)
	if err != nil {
		return err
	}
	if ot.url != "" {
		if err := pushOTLP(ctx, fams, ot.options(&sf, p.Timeout, p.Gzip)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "prom push: pushed %d families (%s) to %s\n", len(fams), format, ot.url)
		return nil
	}
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {}) // collection errors are returned by the push itself
	if err := reg.Register(pushFamilies(fams)); err != nil {
		return err
	}
	if rw.url != "" {
		if err := rw.push(ctx, reg, &sf, p.Timeout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "prom push: pushed %d families (%s) to %s\n", len(fams), format, rw.url)
		return nil
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

// readPushInput reads the document to push: scraped from url when set, else FILE or stdin.
func readPushInput(ctx context.Context, fs *flag.FlagSet, url string, stdin io.Reader) ([]*prom.Family, expfmt.Format, error) {
	name, in := "-", stdin
	var format expfmt.Format
	var doc []byte
	var err error
	switch {
	case url != "":
		src, err := openInput(ctx, url, nil)
		if err != nil {
			return nil, format, fmt.Errorf("scraping %s: %w", url, err)
		}
		defer src.Close()
		name, in, format = url, src, src.format
	case fs.NArg() == 1 && fs.Arg(0) != "-":
		name = fs.Arg(0)
		f, err := os.Open(name)
		if err != nil {
			return nil, format, err
		}
		defer f.Close()
		in = f
	}
	if doc, err = io.ReadAll(in); err != nil {
		return nil, format, fmt.Errorf("reading %s: %w", name, err)
	}
	if url == "" {
		format = parse.Detect(doc)
	}
	fams, err := parse.Parse(bytes.NewReader(doc), format, &parse.Options{Lax: true})
	if err != nil {
		return nil, format, fmt.Errorf("%s: %w", name, err)
	}
	return fams, format, nil
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
