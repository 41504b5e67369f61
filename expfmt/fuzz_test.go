package expfmt

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// FuzzUnescapeName feeds UnescapeName arbitrary names (it reads what scrapers and other
// programs send) and checks that Values escaping round-trips every valid UTF-8 name.
func FuzzUnescapeName(f *testing.F) {
	for _, s := range []string{"", "a.b", "U__a_2e_b", "U___1f631_", "x_dot_y__z", "U__", "U___", "U__a_ffffffffff_", "花火"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range []Escaping{Underscores, AllowUTF8, Dots, Values} {
			_ = UnescapeName(s, e)
			esc := EscapeName(s, e)
			if e != AllowUTF8 && utf8.ValidString(s) && !prom.IsLegacyName(esc) && s != "" {
				t.Errorf("EscapeName(%q, %v) = %q is not a legacy name", s, e, esc)
			}
		}
		// A legacy name that starts with "U__" is left as it is by EscapeName and read as
		// escaped by UnescapeName, and the six-digit code of a rune from U+100000 on is not
		// read, as in prometheus/common: the two names Values does not round-trip.
		if utf8.ValidString(s) && !(prom.IsLegacyName(s) && strings.HasPrefix(s, "U__")) && !hasRuneFrom(s, 0x100000) {
			if got := UnescapeName(EscapeName(s, Values), Values); got != s {
				t.Errorf("values round trip of %q: got %q", s, got)
			}
		}
	})
}

// FuzzEncoder writes series with arbitrary names, help and label values and checks that the
// output is valid UTF-8 with one line per sample: nothing a label or help holds can break a
// line or the encoding.
func FuzzEncoder(f *testing.F) {
	f.Add("x", "help", "lbl", "value\n\"\\", uint8(0))
	f.Add("my.metric", "h\xff", "my.label", "\xff\xfe", uint8(1))
	f.Fuzz(func(t *testing.T, name, help, label, value string, flags uint8) {
		if name == "" || label == "" || !utf8.ValidString(name) || !utf8.ValidString(label) {
			return // NewDesc rejects these
		}
		d := &prom.Desc{Name: name, Help: help, Type: prom.Type(flags % 8), LabelNames: []string{label}}
		s := &prom.Series{LabelValues: []string{value}, Value: 1, Count: 1, Sum: 1,
			Buckets:   []prom.Bucket{{UpperBound: 1, Count: 1}},
			Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 1}},
			States:    []prom.State{{Name: value, Enabled: true}},
			Exemplar:  &prom.Exemplar{Labels: []prom.Label{{Name: label, Value: value}}, Value: 1}}
		for _, fm := range []Format{TextFormat, Text1Format, OpenMetricsFormat} {
			var buf bytes.Buffer
			enc := NewEncoder(&buf, fm, Escaping(flags>>3%4))
			enc.Family(d)
			enc.Series(d, s)
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 in %q", out)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if line == "" {
					t.Fatalf("empty line in %q", out)
				}
			}
		}
	})
}

// hasRuneFrom reports whether s holds a rune of at least r.
func hasRuneFrom(s string, r rune) bool {
	for _, c := range s {
		if c >= r {
			return true
		}
	}
	return false
}
