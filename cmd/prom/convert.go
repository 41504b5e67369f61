package main

import (
	"context"
	"fmt"
	"io"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("convert", "convert --to text|openmetrics|protobuf|... [--format auto|text|openmetrics|protobuf|...] [FILE|URL|-]", stderr)
	to := fs.String("to", "", "`format` to write: "+formatNames+" (required); text-1.0.0 and protobuf keep UTF-8 names, the others escape them with underscores")
	format := fs.String("format", "auto", "`format` of the input: auto, "+formatNames+" (the versions of a format are read alike)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	out, err := expfmt.ParseFormat(*to)
	if err != nil {
		fmt.Fprintf(stderr, "prom convert: --to %q: expected %s\n", *to, formatNames)
		fs.Usage()
		return errUsage
	}
	esc := expfmt.Underscores
	if out == expfmt.Text1Format || out == expfmt.ProtobufFormat {
		esc = expfmt.AllowUTF8
	}
	in, err := openArg(ctx, fs, *format, stderr)
	if err != nil {
		return err
	}
	defer in.Close()
	// Lax: convert what Prometheus would ingest, even where OpenMetrics is stricter.
	// In parts: a family of millions of series streams through in bounded memory.
	r := parse.NewReader(in, in.format, &parse.Options{Lax: true, PartSeries: partSeries})
	enc := expfmt.NewEncoder(stdout, out, esc)
	// A conversion keeps what the input holds: creation times read from it are written as
	// "_created" samples when the output is OpenMetrics.
	enc.SetCreatedSamples(true)
	for f, err := range r.All() {
		if err != nil {
			enc.Abort()
			reportParseError(stderr, in.name, err)
			return exitStatus(1)
		}
		if !r.Continues() {
			enc.Family(&f.Desc)
		}
		for i := range f.Series {
			enc.Series(&f.Desc, &f.Series[i])
		}
	}
	return enc.Close()
}
