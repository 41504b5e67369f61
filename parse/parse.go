package parse

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/prom-go/prom/expfmt"
)

// FormatOf returns the format of a response whose Content-Type header is contentType:
// expfmt.OpenMetricsFormat for application/openmetrics-text (OpenMetrics001Format for its
// version 0.0.1), expfmt.ProtobufFormat for application/vnd.google.protobuf, and
// expfmt.TextFormat for anything else (Text1Format for text/plain; version=1.0.0), which is
// what Prometheus assumes too. A Reader reads both versions of a format alike.
func FormatOf(contentType string) expfmt.Format {
	mt, params, _ := strings.Cut(contentType, ";")
	version := ""
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "version") {
			version = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "application/openmetrics-text":
		if version == "0.0.1" {
			return expfmt.OpenMetrics001Format
		}
		return expfmt.OpenMetricsFormat
	case "application/vnd.google.protobuf":
		return expfmt.ProtobufFormat
	case "text/plain":
		if version == "1.0.0" {
			return expfmt.Text1Format
		}
	}
	return expfmt.TextFormat
}

// Detect guesses the format of a whole document: expfmt.ProtobufFormat when it holds bytes no
// text document has (control characters or invalid UTF-8); expfmt.TextFormat when a TYPE line
// says "untyped" or declares a counter named "…_total", which only the text format does;
// expfmt.OpenMetricsFormat when a UNIT line or a type only OpenMetrics has appears, or when the
// last line is "# EOF"; and expfmt.TextFormat otherwise. Use it for files, where no
// Content-Type says the format.
func Detect(doc []byte) expfmt.Format {
	for _, c := range doc {
		if c < '\t' || c > '\r' && c < ' ' || c == 0x7f {
			return expfmt.ProtobufFormat
		}
	}
	if !isUTF8(doc) {
		return expfmt.ProtobufFormat
	}
	om := false
	for rest := doc; len(rest) > 0; {
		ln := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			ln, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if bytes.HasPrefix(ln, []byte("# UNIT ")) {
			om = true
		}
		if !bytes.HasPrefix(ln, []byte("# TYPE ")) {
			continue
		}
		f := strings.Fields(string(ln[7:]))
		if len(f) != 2 {
			continue
		}
		switch f[1] {
		case "untyped":
			return expfmt.TextFormat
		case "counter":
			if strings.HasSuffix(f[0], "_total") {
				return expfmt.TextFormat
			}
		case "gaugehistogram", "info", "stateset", "unknown":
			om = true
		}
	}
	t := doc
	if n := len(t); n > 0 && t[n-1] == '\n' {
		t = t[:n-1]
	}
	if i := lastIndexByte(t, '\n'); i >= 0 {
		t = t[i+1:]
	}
	if om || string(t) == "# EOF" {
		return expfmt.OpenMetricsFormat
	}
	return expfmt.TextFormat
}

func lastIndexByte(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// Options tune a Reader. The zero value (and a nil *Options) means safe defaults.
type Options struct {
	// Limits bound what a document may make the reader hold.
	Limits Limits
	// Lax makes the OpenMetrics reader accept documents that break the specification's
	// rules about values — a histogram with negative buckets and a _sum, a _count that
	// differs from the +Inf bucket, missing _count or _sum — and families whose names clash
	// (a gauge "x" and a counter "x", which a text document with "x" and "x_total" becomes),
	// as Prometheus does. In the text format it lets a repeated HELP or TYPE line start
	// another family of the same name instead of failing. In protobuf it accepts native
	// histograms with negative bucket counts or a count other than their buckets', which
	// Prometheus's storage refuses. The syntax, and a native histogram's structure (schema,
	// spans), are still checked.
	// prom convert reads this way; prom check does not.
	Lax bool
	// PartSeries, when above 0, makes Next return a family of more series than that in
	// parts: consecutive families with the family's Desc and at most PartSeries series each,
	// of which Reader.Continues tells the second and later apart. It is the way to stream a
	// family too large to hold: a family costs about 200 bytes a series in memory (the size
	// of a prom.Series and its labels), eight times a typical text line, and in parts the
	// reader holds one part at a time. A part holds whole series. In the text formats the
	// samples of a series must then stand together: OpenMetrics requires it, and checks it
	// within a part; a text document that spreads the samples of one series across a part
	// boundary yields two series. A family's own rules (OpenMetrics's unit and name clashes)
	// are checked at its last part. The default, 0, returns every family whole.
	PartSeries int
}

// Limits bound the memory a hostile document can make a Reader use. A zero field means its
// default; a negative one means no limit.
type Limits struct {
	// MaxLineBytes is the longest line of a text document, and so also the longest label
	// value or help text. Default 1 MiB.
	MaxLineBytes int
	// MaxLabels is the most labels one sample may have. Default 256.
	MaxLabels int
	// MaxSeriesPerFamily is the most series one family may have. Default 1,000,000.
	MaxSeriesPerFamily int
	// MaxFamilies is the most families one document may have. The OpenMetrics reader
	// remembers every family name to detect clashes, so this also bounds that memory.
	// Default 1,000,000.
	MaxFamilies int
	// MaxMessageBytes is the largest protobuf MetricFamily message. Default 64 MiB. A length
	// prefix beyond it is an error before anything is allocated; below it, the buffer grows
	// only as the bytes actually arrive.
	MaxMessageBytes int
}

// The default limits.
const (
	DefaultMaxLineBytes       = 1 << 20
	DefaultMaxLabels          = 256
	DefaultMaxSeriesPerFamily = 1_000_000
	DefaultMaxFamilies        = 1_000_000
	DefaultMaxMessageBytes    = 64 << 20
)

func limit(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}

// resolved returns l with defaults filled in and "no limit" as the largest int.
func (l Limits) resolved() Limits {
	return Limits{
		MaxLineBytes:       limit(l.MaxLineBytes, DefaultMaxLineBytes),
		MaxLabels:          limit(l.MaxLabels, DefaultMaxLabels),
		MaxSeriesPerFamily: limit(l.MaxSeriesPerFamily, DefaultMaxSeriesPerFamily),
		MaxFamilies:        limit(l.MaxFamilies, DefaultMaxFamilies),
		MaxMessageBytes:    limit(l.MaxMessageBytes, DefaultMaxMessageBytes),
	}
}

// Error is a syntax or semantic error in a document. Line and Column are 1-based (the
// column counts bytes); for protobuf, Line is 0 and Offset is the byte offset of the
// family message at fault.
type Error struct {
	Line, Column int
	Offset       int64
	Msg          string
}

// Error returns "line:column: message", or "byte offset: message" for protobuf.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}
