package graphite

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// lineEncoder is a prom.Encoder that appends each sample of a collection to buf as a line of
// Graphite's plaintext protocol, "<path> <value> <timestamp>\n".
//
// Samples are named as in the Prometheus text format (x_total, x_bucket with le, x_sum,
// x_count, x with quantile, x_info, x with the stateset's label). Created timestamps are left
// out, and so are samples whose value is NaN or infinite, which Graphite cannot store or
// graph. A native histogram without classic buckets sends only its count and sum.
type lineEncoder struct {
	buf    []byte
	prefix string // "" or ends with "."
	tags   bool
	now    int64        // Unix seconds of the push, for samples without their own timestamp
	labels []prom.Label // scratch: the labels of the current series
}

func (e *lineEncoder) Family(d *prom.Desc) {}

func (e *lineEncoder) Series(d *prom.Desc, s *prom.Series) {
	ts := e.now
	if s.HasTimestamp {
		ts = s.Timestamp / 1e9 // nanoseconds to Graphite's whole seconds
	}
	e.labels = e.labels[:0]
	e.labels = append(e.labels, d.ConstLabels...)
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	for i, v := range s.LabelValues {
		if i < len(names) {
			e.labels = append(e.labels, prom.Label{Name: names[i], Value: v})
		}
	}
	switch d.Type {
	case prom.CounterType:
		if d.ExactName { // the name as given (prom.Opts.ExactName)
			e.sample(d.Name, "", "", "", s.Value, ts)
			break
		}
		e.sample(d.Name, "_total", "", "", s.Value, ts)
	case prom.GaugeType, prom.Unknown:
		e.sample(d.Name, "", "", "", s.Value, ts)
	case prom.InfoType:
		e.sample(d.Name, "_info", "", "", 1, ts)
	case prom.StateSetType:
		for _, st := range s.States {
			v := 0.0
			if st.Enabled {
				v = 1
			}
			e.sample(d.Name, "", d.Name, st.Name, v, ts)
		}
	case prom.HistogramType, prom.GaugeHistogramType:
		var le [32]byte
		for _, b := range s.Buckets {
			e.sample(d.Name, "_bucket", "le", string(formatBound(le[:0], b.UpperBound)), float64(b.Count), ts)
		}
		count, sum := "_count", "_sum"
		if d.Type == prom.GaugeHistogramType {
			count, sum = "_gcount", "_gsum"
		}
		e.sample(d.Name, count, "", "", float64(s.Count), ts)
		e.sample(d.Name, sum, "", "", s.Sum, ts)
	case prom.SummaryType:
		var q [32]byte
		for _, qu := range s.Quantiles {
			e.sample(d.Name, "", "quantile", string(strconv.AppendFloat(q[:0], qu.Quantile, 'g', -1, 64)), qu.Value, ts)
		}
		e.sample(d.Name, "_count", "", "", float64(s.Count), ts)
		e.sample(d.Name, "_sum", "", "", s.Sum, ts)
	}
}

// formatBound writes a bucket bound as the text format does: "+Inf" for infinity.
func formatBound(b []byte, v float64) []byte {
	if math.IsInf(v, 1) {
		return append(b, "+Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// sample appends one line: the family name with suffix, the series' labels and the extra
// label (when extraName is set), the value and the timestamp.
func (e *lineEncoder) sample(name, suffix, extraName, extraValue string, v float64, ts int64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	b := append(e.buf, e.prefix...)
	b = appendPathPart(b, name)
	b = appendPathPart(b, suffix)
	for _, l := range e.labels {
		b = e.appendLabel(b, l.Name, l.Value)
	}
	if extraName != "" {
		b = e.appendLabel(b, extraName, extraValue)
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ts, 10)
	e.buf = append(b, '\n')
}

// appendLabel appends a label as a tag (";name=value") or folded into the path
// (".name.value"). A label with an empty value is absent in Prometheus and is left out.
func (e *lineEncoder) appendLabel(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	if name == "" {
		name = "_" // not a valid label name; never an empty tag name or path node
	}
	if e.tags {
		b = append(b, ';')
		b = appendTagName(b, name)
		b = append(b, '=')
		return appendTagValue(b, value)
	}
	b = append(b, '.')
	b = appendPathPart(b, name)
	b = append(b, '.')
	return appendPathPart(b, value)
}

// appendPathPart appends s as part of one node of a Graphite path: letters, digits, '_', '-'
// and ':' are kept and every other byte (the '.' that would start a new node, spaces that
// would end the path, '/', ';') becomes '_', as the Python client's bridge does.
func appendPathPart(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == ':' {
			b = append(b, c)
		} else {
			b = append(b, '_')
		}
	}
	return b
}

// appendTagName appends a tag name, with the characters Graphite forbids in one (";!^=")
// replaced by '_', and so are the characters carbon's line reader would split or choke on
// (see appendTagValue).
func appendTagName(b []byte, s string) []byte {
	return appendTagText(b, s, ";!^=")
}

// appendTagValue appends a tag value, with ';' and a leading '~' (reserved by Graphite)
// replaced by '_', and so are whitespace, control characters and invalid UTF-8, which carbon's
// line reader would split on or reject with the whole line. Dots, slashes and other characters
// are kept: a tagged series is stored by the hash of its name, so they cannot make
// directories.
func appendTagValue(b []byte, s string) []byte {
	if strings.HasPrefix(s, "~") {
		b = append(b, '_')
		s = s[1:]
	}
	return appendTagText(b, s, ";")
}

func appendTagText(b []byte, s, forbidden string) []byte {
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && !unicode.IsSpace(r) && !unicode.IsControl(r) && strings.IndexByte(forbidden, byte(r)) < 0:
			b = append(b, byte(r))
		case r == utf8.RuneError || r < utf8.RuneSelf || unicode.IsSpace(r) || unicode.IsControl(r):
			b = append(b, '_')
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			b = append(b, s[i:i+n]...)
		}
	}
	return b
}
