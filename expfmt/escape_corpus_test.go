package expfmt

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// The expected values of this file are what prometheus/common v0.72.1 (the version
// Prometheus v0.316.0 and client_golang v1.25 build with) returns for the same input: its
// model.EscapeName, model.UnescapeName and model.EscapeMetricFamily, and its text and
// OpenMetrics encoders given client_golang's family names. They were taken from a program
// run against that module; the differential module holds prom against it directly.

// nameCorpus holds, for each name, model.EscapeName's result under Underscores, Dots and
// Values, and model.UnescapeName's result on the Dots and Values escapes.
var nameCorpus = []struct {
	in                          string
	underscores, dots, values   string
	dotsUnescaped, valuesBackTo string
}{
	{"", "", "", "", "", ""},
	{"a_b_total", "a_b_total", "a__b__total", "a_b_total", "a_b_total", "a_b_total"},
	{"no:escaping_required", "no:escaping_required", "no:escaping__required", "no:escaping_required", "no:escaping_required", "no:escaping_required"},
	{"a__b", "a__b", "a____b", "a__b", "a__b", "a__b"},
	{"_a", "_a", "__a", "_a", "_a", "_a"},
	{"a:b", "a:b", "a:b", "a:b", "a:b", "a:b"},
	{"x.y", "x_y", "x_dot_y", "U__x_2e_y", "x.y", "x.y"},
	{"x.y_total", "x_y_total", "x_dot_y__total", "U__x_2e_y__total", "x.y_total", "x.y_total"},
	{"1abc", "_abc", "__abc", "U___31_abc", "_abc", "1abc"},
	{"a1", "a1", "a1", "a1", "a1", "a1"},
	{"ünïcode", "_n_code", "__n__code", "U___fc_n_ef_code", "_n_code", "ünïcode"},
	{"花火", "__", "____", "U___82b1__706b_", "__", "花火"},
	{"label with 😱", "label_with__", "label__with____", "U__label_20_with_20__1f631_", "label_with__", "label with 😱"},
	// Legacy names that look escaped are left alone (except by Dots), and Values decodes them.
	{"U__x", "U__x", "U____x", "U__x", "U__x", "x"},
	{"U__x_2e_y", "U__x_2e_y", "U____x__2e__y", "U__x_2e_y", "U__x_2e_y", "x.y"},
	{"U__x.y", "U__x_y", "U____x_dot_y", "U__U____x_2e_y", "U__x.y", "U__x.y"},
	{"U__", "U__", "U____", "U__", "U__", ""},
	{"x_dot_y", "x_dot_y", "x__dot__y", "x_dot_y", "x_._y", "x_dot_y"},
	{"a..b", "a__b", "a_dot__dot_b", "U__a_2e__2e_b", "a..b", "a..b"},
	{"a_.b", "a__b", "a___dot_b", "U__a___2e_b", "a_.b", "a_.b"},
	{".", "_", "_dot_", "U___2e_", ".", "."},
	{"_.", "__", "___dot_", "U_____2e_", "_.", "_."},
	{"_", "_", "__", "_", "_", "_"},
	{"__", "__", "____", "__", "__", "__"},
	{"0", "_", "__", "U___30_", "_", "0"},
	{"x-y", "x_y", "x__y", "U__x_2d_y", "x_y", "x-y"},
	{"a b", "a_b", "a__b", "U__a_20_b", "a_b", "a b"},
	{"a.b:c", "a_b:c", "a_dot_b:c", "U__a_2e_b:c", "a.b:c", "a.b:c"},
	{"mysystem.prod.west.cpu.load_total", "mysystem_prod_west_cpu_load_total", "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total",
		"U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total", "mysystem.prod.west.cpu.load_total", "mysystem.prod.west.cpu.load_total"},
	// Invalid UTF-8 is escaped as U+FFFD (and comes back as U+FFFD).
	{"a\xffb", "a_b", "a__b", "U__a_fffd_b", "a_b", "a\uFFFDb"},
	// A code point of six hexadecimal digits, which model.UnescapeName does not decode: the
	// one name outside the legacy set that Values does not round-trip.
	{"a\U00100000", "a_", "a__", "U__a_100000_", "a_", "U__a_100000_"},
	{"\U000FFFFF", "_", "__", "U___fffff_", "_", "\U000FFFFF"},
}

func TestEscapeNameCorpus(t *testing.T) {
	for _, c := range nameCorpus {
		for _, x := range []struct {
			e    Escaping
			want string
		}{{Underscores, c.underscores}, {Dots, c.dots}, {Values, c.values}, {AllowUTF8, c.in}} {
			if got := EscapeName(c.in, x.e); got != x.want {
				t.Errorf("EscapeName(%q, %v) = %q, want %q", c.in, x.e, got, x.want)
			}
		}
		if got := UnescapeName(c.dots, Dots); got != c.dotsUnescaped {
			t.Errorf("UnescapeName(%q, dots) = %q, want %q", c.dots, got, c.dotsUnescaped)
		}
		if got := UnescapeName(c.values, Values); got != c.valuesBackTo {
			t.Errorf("UnescapeName(%q, values) = %q, want %q", c.values, got, c.valuesBackTo)
		}
	}
}

// TestUnescapeNameCorpus holds UnescapeName to model.UnescapeName on names no escaping
// writes: broken codes, case, leading zeros, bytes outside the legacy set, and the order in
// which Dots replaces "_dot_" and "__".
func TestUnescapeNameCorpus(t *testing.T) {
	for _, c := range []struct{ in, dots, values string }{
		{"U__a_zz_", "U_a_zz_", "U__a_zz_"},                // not hexadecimal
		{"U__a_2e", "U_a_2e", "U__a_2e"},                   // unterminated code
		{"U__a_d800_", "U_a_d800_", "U__a_d800_"},          // a surrogate is no rune
		{"U__a_110000_", "U_a_110000_", "U__a_110000_"},    // past U+10FFFF
		{"U__a_00002e_b", "U_a_00002e_b", "U__a_00002e_b"}, // more than five digits
		{"U__a_10ffff_", "U_a_10ffff_", "U__a_10ffff_"},    // likewise, though a rune
		{"U__a_0002e_b", "U_a_0002e_b", "a.b"},             // leading zeros
		{"U__a_\x10_", "U_a_\x10_", "a\x00"},               // 0x10 counts as '0', as in common
		{"U__A_2E_b", "U_A_2E_b", "A.b"},                   // upper case
		{"U___2E_", "U__2E_", "."},
		{"U__a.b", "U_a.b", "a.b"}, // a byte outside the legacy set stands for itself
		{"U__\xff", "U_\xff", "\xff"},
		{"U__a_0_", "U_a_0_", "a\x00"},
		{"U__a_fffd_", "U_a_fffd_", "a\uFFFD"},
		{"U__a_+2e_", "U_a_+2e_", "U__a_+2e_"},
		{"U__a_-1_", "U_a_-1_", "U__a_-1_"},
		{"U___", "U__", "U___"},    // a lone '_' at the end
		{"U__a_", "U_a_", "U__a_"}, // likewise
		{"U__a__", "U_a_", "a_"},   // "__" is '_'
		{"U__a__2e_", "U_a_2e_", "U__a__2e_"},
		{"U__", "U_", ""},
		{"U__x_2e_y_total", "U_x_2e_y_total", "U__x_2e_y_total"}, // what prom wrote before #14
		{"U__x_2e_y__total", "U_x_2e_y_total", "x.y_total"},
		{"plain", "plain", "plain"},
		{"a__dot_b", "a_.b", "a__dot_b"}, // "_dot_" goes first
		{"a_dot__b", "a._b", "a_dot__b"},
		{"x_dot_y__z", "x.y_z", "x_dot_y__z"},
		{"_dot__dot_", "..", "_dot__dot_"},
		{"a___b", "a__b", "a___b"},
		{"a____b", "a__b", "a____b"},
	} {
		if got := UnescapeName(c.in, Dots); got != c.dots {
			t.Errorf("UnescapeName(%q, dots) = %q, want %q", c.in, got, c.dots)
		}
		if got := UnescapeName(c.in, Values); got != c.values {
			t.Errorf("UnescapeName(%q, values) = %q, want %q", c.in, got, c.values)
		}
		for _, e := range []Escaping{Underscores, AllowUTF8} {
			if got := UnescapeName(c.in, e); got != c.in {
				t.Errorf("UnescapeName(%q, %v) = %q, want it unchanged", c.in, e, got)
			}
		}
	}
}

// familyEscape is model.EscapeMetricFamily on a family name: legacy names unchanged under
// every scheme, others through EscapeName.
func familyEscape(name string, e Escaping) string {
	if prom.IsLegacyName(name) {
		return name
	}
	return EscapeName(name, e)
}

// TestStemIsWholeNameEscaped checks appendStem against its definition over the corpus: a
// counter's stem followed by "_total" is the escape of name+"_total" as one name, an info
// family's likewise with "_info", and any other family's stem is its escaped name.
func TestStemIsWholeNameEscaped(t *testing.T) {
	for _, c := range nameCorpus {
		if c.in == "" {
			continue
		}
		for _, e := range []Escaping{Underscores, Dots, Values} {
			for _, x := range []struct {
				t      prom.Type
				suffix string
			}{{prom.CounterType, "_total"}, {prom.InfoType, "_info"}, {prom.HistogramType, ""}, {prom.GaugeType, ""}} {
				got := string(appendStem(nil, c.in, x.t, e)) + x.suffix
				if want := familyEscape(c.in+x.suffix, e); got != want {
					t.Errorf("%v %q under %v: stem+%q = %q, want %q", x.t, c.in, e, x.suffix, got, want)
				}
			}
		}
	}
}

// writerNames is, for a family and a scheme, the names prometheus/common's encoders write
// for client_golang's family of the same metric (a counter x is client_golang's x_total):
// the name of the text format's metadata lines, that of OpenMetrics', the sample names (in
// OpenMetrics; the text format writes them without "_created"), the protobuf family name and
// the label names. The text format and protobuf name a family alike.
type writerNames struct {
	text, om  string
	samples   []string
	proto     string
	labelName string // the escape of "my.label"; "a_b" is left alone
}

func TestWriterNamesAgreeWithReference(t *testing.T) {
	type key struct {
		name string
		t    prom.Type
	}
	cases := []struct {
		key
		want [3]writerNames // Underscores, Dots, Values
	}{
		{key{"a_b", prom.CounterType}, [3]writerNames{
			{"a_b_total", "a_b", []string{"a_b_total", "a_b_created"}, "a_b_total", "my_label"},
			{"a_b_total", "a_b", []string{"a_b_total", "a_b_created"}, "a_b_total", "my_dot_label"},
			{"a_b_total", "a_b", []string{"a_b_total", "a_b_created"}, "a_b_total", "U__my_2e_label"},
		}},
		{key{"x.y", prom.CounterType}, [3]writerNames{
			{"x_y_total", "x_y", []string{"x_y_total", "x_y_created"}, "x_y_total", "my_label"},
			{"x_dot_y__total", "x_dot_y_", []string{"x_dot_y__total", "x_dot_y__created"}, "x_dot_y__total", "my_dot_label"},
			{"U__x_2e_y__total", "U__x_2e_y_", []string{"U__x_2e_y__total", "U__x_2e_y__created"}, "U__x_2e_y__total", "U__my_2e_label"},
		}},
		{key{"1abc", prom.CounterType}, [3]writerNames{
			{"_abc_total", "_abc", []string{"_abc_total", "_abc_created"}, "_abc_total", "my_label"},
			{"__abc__total", "__abc_", []string{"__abc__total", "__abc__created"}, "__abc__total", "my_dot_label"},
			{"U___31_abc__total", "U___31_abc_", []string{"U___31_abc__total", "U___31_abc__created"}, "U___31_abc__total", "U__my_2e_label"},
		}},
		// client_golang has no info type: its gauge x.y_info is named alike.
		{key{"x.y", prom.InfoType}, [3]writerNames{
			{"x_y_info", "x_y", []string{"x_y_info"}, "x_y_info", "my_label"},
			{"x_dot_y__info", "x_dot_y_", []string{"x_dot_y__info"}, "x_dot_y__info", "my_dot_label"},
			{"U__x_2e_y__info", "U__x_2e_y_", []string{"U__x_2e_y__info"}, "U__x_2e_y__info", "U__my_2e_label"},
		}},
		{key{"a_b", prom.GaugeType}, [3]writerNames{
			{"a_b", "a_b", []string{"a_b"}, "a_b", "my_label"},
			{"a_b", "a_b", []string{"a_b"}, "a_b", "my_dot_label"},
			{"a_b", "a_b", []string{"a_b"}, "a_b", "U__my_2e_label"},
		}},
		{key{"h.x", prom.HistogramType}, [3]writerNames{
			{"h_x", "h_x", []string{"h_x_bucket", "h_x_count", "h_x_sum", "h_x_created"}, "h_x", "my_label"},
			{"h_dot_x", "h_dot_x", []string{"h_dot_x_bucket", "h_dot_x_count", "h_dot_x_sum", "h_dot_x_created"}, "h_dot_x", "my_dot_label"},
			{"U__h_2e_x", "U__h_2e_x", []string{"U__h_2e_x_bucket", "U__h_2e_x_count", "U__h_2e_x_sum", "U__h_2e_x_created"}, "U__h_2e_x", "U__my_2e_label"},
		}},
		{key{"s.x", prom.SummaryType}, [3]writerNames{
			{"s_x", "s_x", []string{"s_x_count", "s_x_sum", "s_x_created"}, "s_x", "my_label"},
			{"s_dot_x", "s_dot_x", []string{"s_dot_x_count", "s_dot_x_sum", "s_dot_x_created"}, "s_dot_x", "my_dot_label"},
			{"U__s_2e_x", "U__s_2e_x", []string{"U__s_2e_x_count", "U__s_2e_x_sum", "U__s_2e_x_created"}, "U__s_2e_x", "U__my_2e_label"},
		}},
	}
	for _, c := range cases {
		fam := &prom.Family{
			Desc: prom.Desc{Name: c.name, Help: "h", Type: c.t, LabelNames: []string{"a_b", "my.label"}},
			Series: []prom.Series{{LabelValues: []string{"1", "2"}, Value: 1, Count: 1, Sum: 1, Created: created,
				Buckets: []prom.Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 1}}}},
		}
		for i, e := range []Escaping{Underscores, Dots, Values} {
			want := c.want[i]
			wantLabels := []string{"a_b", want.labelName}
			var textSamples []string
			for _, s := range want.samples {
				if !strings.HasSuffix(s, "_created") {
					textSamples = append(textSamples, s)
				}
			}
			meta, samples, labels := scanNames(writeFamily(t, fam, TextFormat, e))
			if meta != want.text || !slices.Equal(samples, textSamples) || !slices.Equal(labels, wantLabels) {
				t.Errorf("%v %q, text, %v: family %q, samples %q, labels %q; want %q, %q, %q",
					c.t, c.name, e, meta, samples, labels, want.text, textSamples, wantLabels)
			}
			meta, samples, labels = scanNames(writeFamily(t, fam, OpenMetricsFormat, e))
			if meta != want.om || !slices.Equal(samples, want.samples) || !slices.Equal(labels, wantLabels) {
				t.Errorf("%v %q, OpenMetrics, %v: family %q, samples %q, labels %q; want %q, %q, %q",
					c.t, c.name, e, meta, samples, labels, want.om, want.samples, wantLabels)
			}
			got, err := decodeDelimited(encodeProtobuf(t, e, fam))
			if err != nil {
				t.Fatal(err)
			}
			var pbLabels []string
			for _, l := range got[0].Metrics[0].Labels {
				pbLabels = append(pbLabels, l.Name)
			}
			if got[0].Name != want.proto || !slices.Equal(pbLabels, wantLabels) {
				t.Errorf("%v %q, protobuf, %v: family %q, labels %q; want %q, %q",
					c.t, c.name, e, got[0].Name, pbLabels, want.proto, wantLabels)
			}
		}
	}
}

// writeFamily writes one family in format f under escaping e, everything it holds: its
// creation times as "_created" samples in OpenMetrics too.
func writeFamily(t testing.TB, fam *prom.Family, f Format, e Escaping) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf, f, e)
	enc.SetCreatedSamples(true)
	enc.Family(&fam.Desc)
	for i := range fam.Series {
		enc.Series(&fam.Desc, &fam.Series[i])
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// scanNames returns the family name of the TYPE line of a one-family document in a text
// format, the distinct sample names in order, and the label names of the first sample
// but le (values are assumed to hold no '"' or ',').
func scanNames(doc []byte) (meta string, samples, labels []string) {
	for _, ln := range strings.Split(strings.TrimSuffix(string(doc), "\n"), "\n") {
		if rest, ok := strings.CutPrefix(ln, "# TYPE "); ok {
			meta, _, _ = strings.Cut(rest, " ")
			continue
		}
		if strings.HasPrefix(ln, "#") {
			continue
		}
		end := strings.IndexAny(ln, "{ ")
		if name := ln[:end]; len(samples) == 0 || samples[len(samples)-1] != name {
			samples = append(samples, name)
		}
		if labels == nil && ln[end] == '{' {
			ls, _, _ := strings.Cut(ln[end+1:], "}")
			for _, l := range strings.Split(ls, ",") {
				if n, _, _ := strings.Cut(l, "="); n != "le" {
					labels = append(labels, n)
				}
			}
		}
	}
	return meta, samples, labels
}
