package expfmt

import (
	"strconv"
	"strings"
)

// Negotiate returns the format and escaping that answer a request whose Accept header is
// accept, choosing among the offered formats. With no formats offered it offers the text and
// OpenMetrics formats: TextFormat, Text1Format, OpenMetricsFormat and OpenMetrics001Format.
// TextFormat is always a possible answer: it is what a header that names nothing the server
// offers (or no header) gets, so every client receives something every Prometheus can read.
//
// The media ranges of the header are weighed by their q-values; among equal weights the one
// listed first wins, and q=0 excludes a range. The escaping parameter selects the escaping of
// names outside the legacy character set; without it, or with a value that names no scheme,
// names are escaped with underscores. Text 0.0.4 and OpenMetrics 0.0.1 cannot carry UTF-8
// names, so escaping=allow-utf-8 falls back to underscores for them.
//
// The media ranges understood are:
//
//	text/plain                      version 0.0.4 or none → TextFormat; 1.0.0 → Text1Format
//	application/openmetrics-text    version 1.0.0 or none → OpenMetricsFormat; 0.0.1 → OpenMetrics001Format
//	application/vnd.google.protobuf proto=io.prometheus.client.MetricFamily, encoding=delimited → ProtobufFormat
//	*/* and text/*                  TextFormat
//
// Negotiate does not allocate.
func Negotiate(accept string, offered ...Format) (Format, Escaping) {
	bestF, bestE, bestQ := TextFormat, Underscores, -1.0
	for rest := accept; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		f, e, q, ok := parseRange(part)
		if !ok || q <= 0 || q <= bestQ || !isOffered(f, offered) {
			continue
		}
		bestF, bestE, bestQ = f, e, q
	}
	return bestF, bestE
}

func isOffered(f Format, offered []Format) bool {
	if f == TextFormat {
		return true
	}
	if len(offered) == 0 {
		return f != ProtobufFormat
	}
	for _, o := range offered {
		if o == f {
			return true
		}
	}
	return false
}

// parseRange reads one media range with its parameters and reports whether it names a format.
func parseRange(s string) (f Format, e Escaping, q float64, ok bool) {
	mt, params, _ := strings.Cut(s, ";")
	mt = strings.TrimSpace(mt)
	var version, escaping, proto, encoding string
	q = 1
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch {
		case strings.EqualFold(k, "q"):
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 1 {
				return 0, 0, 0, false
			}
			q = x
		case strings.EqualFold(k, "version"):
			version = v
		case strings.EqualFold(k, "escaping"):
			escaping = v
		case strings.EqualFold(k, "proto"):
			proto = v
		case strings.EqualFold(k, "encoding"):
			encoding = v
		}
	}
	switch {
	case strings.EqualFold(mt, "text/plain"):
		switch version {
		case "", "0.0.4":
			f = TextFormat
		case "1.0.0":
			f = Text1Format
		default:
			return 0, 0, 0, false
		}
	case strings.EqualFold(mt, "application/openmetrics-text"):
		switch version {
		case "", "1.0.0":
			f = OpenMetricsFormat
		case "0.0.1":
			f = OpenMetrics001Format
		default:
			return 0, 0, 0, false
		}
	case strings.EqualFold(mt, "application/vnd.google.protobuf"):
		if proto != "io.prometheus.client.MetricFamily" || (encoding != "" && encoding != "delimited") {
			return 0, 0, 0, false
		}
		f = ProtobufFormat
	case mt == "*/*" || strings.EqualFold(mt, "text/*"):
		f = TextFormat
	default:
		return 0, 0, 0, false
	}
	e, _ = ParseEscaping(escaping)
	if e == AllowUTF8 && (f == TextFormat || f == OpenMetrics001Format) {
		e = Underscores
	}
	return f, e, q, true
}
