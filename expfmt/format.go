package expfmt

import (
	"errors"
	"strconv"
)

// Format is an exposition format with its version. It is the one format type of prom: an
// Encoder writes it, Negotiate chooses it, and package parse reads it (parse reads both text
// versions as one, and both OpenMetrics versions as one).
type Format uint8

// The formats prom writes and reads. The zero value is TextFormat, the format every
// Prometheus server understands.
const (
	// TextFormat is the Prometheus text format 0.0.4 (text/plain; version=0.0.4). Names that
	// are not legacy names are escaped.
	TextFormat Format = iota
	// Text1Format is the Prometheus text format 1.0.0, which may quote UTF-8 names
	// (text/plain; version=1.0.0).
	Text1Format
	// OpenMetricsFormat is OpenMetrics 1.0.0 (application/openmetrics-text; version=1.0.0).
	OpenMetricsFormat
	// OpenMetrics001Format is OpenMetrics 0.0.1, the version Prometheus 2.x asks for; its body
	// is the same as 1.0.0's.
	OpenMetrics001Format
	// ProtobufFormat is the delimited protobuf format of io.prometheus.client.MetricFamily.
	ProtobufFormat
)

// formatNames are the names of the formats, as String returns them and ParseFormat reads
// them: one word for the version a scraper gets by default, the version appended for the
// other.
var formatNames = [...]string{"text", "text-1.0.0", "openmetrics", "openmetrics-0.0.1", "protobuf"}

// String returns the short name of the format: "text", "text-1.0.0", "openmetrics",
// "openmetrics-0.0.1" or "protobuf" — the names ParseFormat reads and the prom command's
// --format and --to flags take. ContentType gives the media type instead. A value that is no
// format prints as "Format(N)".
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ParseFormat returns the format whose short name (see Format.String) is s. Names are matched
// exactly. Use it for a format named in a flag or a configuration file; a media type is read
// by Negotiate (an Accept header) or parse.FormatOf (a Content-Type header).
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if s == n {
			return Format(i), nil
		}
	}
	return TextFormat, errors.New("expfmt: unknown format " + strconv.Quote(s) + ": expected text, text-1.0.0, openmetrics, openmetrics-0.0.1 or protobuf")
}

// Escaping is how names outside the legacy character set are written (Prometheus 3's
// escaping schemes; see ../shared/conformance/escaping-vectors.json for the vectors).
type Escaping uint8

// The escaping schemes. The zero value is Underscores, what a scraper that does not say gets.
const (
	// Underscores replaces each character outside the legacy set with '_'.
	Underscores Escaping = iota
	// AllowUTF8 writes names as they are, quoting those that are not legacy names.
	AllowUTF8
	// Dots writes a name outside the legacy set with '.' as "_dot_", '_' as "__", and other
	// invalid characters as "__".
	Dots
	// Values writes a name outside the legacy set as U__ followed by the name with '_' as "__"
	// and each invalid character as _<hex>_.
	Values
)

var escapingNames = [...]string{"underscores", "allow-utf-8", "dots", "values"}

// String returns the scheme's name as it appears in the escaping parameter of a media type.
func (e Escaping) String() string {
	if int(e) < len(escapingNames) {
		return escapingNames[e]
	}
	return "underscores"
}

// ParseEscaping returns the scheme of the escaping parameter value s, and false when s names
// none. Names are matched exactly, as prometheus/common's model.ToEscapingScheme matches them:
// "values" is a scheme, "VALUES" is not, and a scrape that asks for it gets the default.
func ParseEscaping(s string) (Escaping, bool) {
	for i, n := range escapingNames {
		if s == n {
			return Escaping(i), true
		}
	}
	return Underscores, false
}

// ContentType returns the media type of format f with escaping e, as a response's
// Content-Type header states it: format, version, charset (for the text formats) and escaping.
// It does not allocate.
func ContentType(f Format, e Escaping) string {
	if int(f) < len(contentTypes) && int(e) < len(escapingNames) {
		return contentTypes[f][e]
	}
	return contentType(f, e)
}

// contentTypes holds every media type ContentType returns, so that a scrape does not build its
// Content-Type anew.
var contentTypes = func() (t [ProtobufFormat + 1][len(escapingNames)]string) {
	for f := range t {
		for e := range t[f] {
			t[f][e] = contentType(Format(f), Escaping(e))
		}
	}
	return t
}()

func contentType(f Format, e Escaping) string {
	var base string
	switch f {
	case Text1Format:
		base = "text/plain; version=1.0.0; charset=utf-8"
	case OpenMetricsFormat:
		base = "application/openmetrics-text; version=1.0.0; charset=utf-8"
	case OpenMetrics001Format:
		base = "application/openmetrics-text; version=0.0.1; charset=utf-8"
	case ProtobufFormat:
		base = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
	default:
		base = "text/plain; version=0.0.4; charset=utf-8"
	}
	return base + "; escaping=" + e.String()
}
