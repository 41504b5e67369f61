package parse

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// render writes families in the text format 1.0.0 with quoted names, so that a test can
// compare what was read, invented values included, with one string.
func render(t *testing.T, fs []*prom.Family) string {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.Text1Format, expfmt.AllowUTF8)
	for _, f := range fs {
		enc.Family(&f.Desc)
		for i := range f.Series {
			enc.Series(&f.Desc, &f.Series[i])
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// peerCase is a document that Prometheus's parsers (model/textparse, prometheus/common's
// TextParser) and the Python client read in a way prom once did not.
type peerCase struct {
	name   string
	format expfmt.Format
	lax    bool
	doc    string
	want   string // the families read, rendered; empty when err is set
	err    string // a part of the expected error
}

// peerCases are the findings of issue #14 (and the line limit of #15), each as the documents
// that showed it. Where the peers disagree among themselves, the comment says whom prom
// follows.
var peerCases = []peerCase{
	// Grouping: every sample of a label set within a family is one series, whatever the
	// order of its lines. prom used to start a new point at a bucket or quantile that came
	// after _count or _sum, inventing "_count 0" and "_sum 0" for it.
	{name: "summary count and sum before quantiles", doc: "# TYPE a summary\na_count 1\na_sum 2\na{quantile=\"0.5\"} 0.7\n",
		want: "# TYPE a summary\na{quantile=\"0.5\"} 0.7\na_count 1\na_sum 2\n"},
	{name: "histogram sum and count before buckets", doc: "# TYPE h histogram\nh_sum 3\nh_count 2\nh_bucket{le=\"+Inf\"} 2\nh_bucket{le=\"1\"} 1\n",
		want: "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 3\n"},
	{name: "histogram series interleaved", doc: "# TYPE h histogram\nh_count{x=\"1\"} 1\nh_count{x=\"2\"} 2\nh_bucket{x=\"2\",le=\"+Inf\"} 2\nh_sum{x=\"1\"} 0.5\nh_bucket{x=\"1\",le=\"+Inf\"} 1\nh_sum{x=\"2\"} 4\n",
		want: "# TYPE h histogram\nh_bucket{x=\"1\",le=\"+Inf\"} 1\nh_count{x=\"1\"} 1\nh_sum{x=\"1\"} 0.5\nh_bucket{x=\"2\",le=\"+Inf\"} 2\nh_count{x=\"2\"} 2\nh_sum{x=\"2\"} 4\n"},
	// A label set is the same in any order: prometheus/common groups by a signature of the
	// labels, Prometheus sorts them. The series keeps the order its first line had.
	{name: "histogram labels in another order", doc: "# TYPE h histogram\nh_bucket{b=\"2\",a=\"1\",le=\"+Inf\"} 1\nh_count{a=\"1\",b=\"2\"} 1\nh_sum{b=\"2\",a=\"1\"} 3\n",
		want: "# TYPE h histogram\nh_bucket{b=\"2\",a=\"1\",le=\"+Inf\"} 1\nh_count{b=\"2\",a=\"1\"} 1\nh_sum{b=\"2\",a=\"1\"} 3\n"},
	{name: "summary labels in another order, series interleaved", doc: "# TYPE s summary\ns_count{x=\"1\",y=\"a\"} 1\ns_count{y=\"b\",x=\"1\"} 2\ns_sum{y=\"a\",x=\"1\"} 5\ns{x=\"1\",quantile=\"0.5\",y=\"b\"} 6\ns_sum{x=\"1\",y=\"b\"} 7\n",
		want: "# TYPE s summary\ns_count{x=\"1\",y=\"a\"} 1\ns_sum{x=\"1\",y=\"a\"} 5\ns{y=\"b\",x=\"1\",quantile=\"0.5\"} 6\ns_count{y=\"b\",x=\"1\"} 2\ns_sum{y=\"b\",x=\"1\"} 7\n"},
	// A part written again (a second +Inf bucket, a second _count) is a second point of the
	// series, as two lines "g 1" and "g 2" are: prometheus/common merges them into one
	// histogram with two +Inf buckets, Prometheus keeps the first sample and refuses the
	// second as a duplicate; keeping both loses nothing.
	{name: "histogram written twice", doc: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 2\n",
		want: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 2\n"},
	{name: "summary quantile written twice", doc: "# TYPE a summary\na{quantile=\"0.5\"} 1\na_count 1\na{quantile=\"0.9\"} 3\na{quantile=\"0.5\"} 2\n",
		want: "# TYPE a summary\na{quantile=\"0.5\"} 1\na{quantile=\"0.9\"} 3\na_count 1\na_sum 0\na{quantile=\"0.5\"} 2\na_count 0\na_sum 0\n"},
	// The writer completes the second point with the +Inf bucket every histogram has.
	{name: "buckets out of order, then one again", doc: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 2\nh_count 3\nh_bucket{le=\"0.5\"} 0\nh_bucket{le=\"2\"} 4\n",
		want: "# TYPE h histogram\nh_bucket{le=\"0.5\"} 0\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 0\nh_bucket{le=\"2\"} 4\nh_bucket{le=\"+Inf\"} 0\nh_count 0\nh_sum 0\n"},
	{name: "quantile -0 is quantile 0", doc: "# TYPE s summary\ns{quantile=\"1\"} 9\ns{quantile=\"-0\"} 1\ns{quantile=\"0\"} 2\n",
		want: "# TYPE s summary\ns{quantile=\"-0\"} 1\ns{quantile=\"1\"} 9\ns_count 0\ns_sum 0\ns{quantile=\"0\"} 2\ns_count 0\ns_sum 0\n"},
	// A family cannot be resumed after another one started: the reader streams and has
	// returned it already. Its later sample is a family of its own, untyped, as the Python
	// client reads it; prometheus/common, which holds the whole document, merges it into the
	// first. Nothing is invented either way.
	{name: "family resumed after another", doc: "# TYPE a summary\na_count 1\na_sum 2\n# TYPE b gauge\nb 1\na_sum 3\n",
		want: "# TYPE a summary\na_count 1\na_sum 2\n# TYPE b gauge\nb 1\n# TYPE a_sum untyped\na_sum 3\n"},

	// Accepted where every peer rejects.
	{name: "underscore in a value", doc: "foo 1_2\n", err: `1:5: expected a number, found "1_2"`},
	{name: "hexadecimal value", doc: "foo 0x1p-3\n", err: `1:5: expected a number, found "0x1p-3"`},
	{name: "hexadecimal le", doc: "# TYPE h histogram\nh_bucket{le=\"0x1p0\"} 1\n", err: `2:9: expected a number as the le label, found "0x1p0"`},
	{name: "underscore in a quantile", doc: "# TYPE s summary\ns{quantile=\"0_5\"} 1\n", err: `2:2: expected a number as the quantile label, found "0_5"`},
	{name: "invalid UTF-8 in a label value", doc: "a{l=\"x\xff\"} 1\n", err: `1:5: expected UTF-8 text in the label value, found invalid bytes`},
	{name: "invalid UTF-8 in a quoted name", doc: "{\"a\xff\"} 1\n", err: `1:2: expected UTF-8 text in the name, found invalid bytes`},
	{name: "invalid UTF-8 in help", doc: "# HELP a x\xff\na 1\n", err: `1:10: expected UTF-8 text in the help, found invalid bytes`},
	{name: "__name__ label after a name", doc: "a{__name__=\"b\"} 1\n", err: `1:3: expected no label "__name__" (the metric name is not a label here), found one`},
	{name: "__name__ label alone", doc: "{__name__=\"b\"} 1\n", err: `1:2: expected no label "__name__"`},
	{name: "__name__ label after a quoted name", doc: "{\"a.b\", __name__=\"b\"} 1\n", err: `1:9: expected no label "__name__"`},
	{name: "OpenMetrics __name__ label", format: expfmt.OpenMetricsFormat, doc: "a{__name__=\"b\"} 1\n# EOF\n", err: `1:3: expected no label "__name__"`},
	// OpenMetrics requires a counter point's _total; prom used to invent "c_total 0".
	// Prometheus and the Python client ingest the lone c_created as a sample of its own,
	// which a prom.Series cannot hold without a total: both readers refuse it.
	{name: "OpenMetrics _created without _total", format: expfmt.OpenMetricsFormat, doc: "# TYPE c counter\nc_created 1\n# EOF\n", err: `2:1: expected a "c_total" sample in this counter point, found only "c_created"`},
	{name: "lax OpenMetrics _created without _total", format: expfmt.OpenMetricsFormat, lax: true, doc: "# TYPE c counter\nc_created 1\n# EOF\n", err: `expected a "c_total" sample`},

	// Rejected where every peer accepts.
	{name: "blank before the brace", doc: "a {foo=\"bar\"} 1\n", want: "# TYPE a untyped\na{foo=\"bar\"} 1\n"},
	{name: "blanks before the brace of a quoted name", doc: "\"a.b\"\t {foo=\"bar\"} 1\n", want: "# TYPE \"a.b\" untyped\n{\"a.b\",foo=\"bar\"} 1\n"},
	{name: "quoted name not first", doc: "{l=\"v\", \"my.metric\"} 1\n", want: "# TYPE \"my.metric\" untyped\n{\"my.metric\",l=\"v\"} 1\n"},
	{name: "quoted name last with a trailing comma", doc: "{l=\"v\",\"my.metric\",} 1\n", want: "# TYPE \"my.metric\" untyped\n{\"my.metric\",l=\"v\"} 1\n"},
	{name: "two quoted names", doc: "{l=\"v\", \"my.metric\", \"x\"} 1\n", err: `1:22: expected one metric name, found a second: "x"`},
	{name: "quoted name after a bare one", doc: "a{\"b\"} 1\n", err: `1:3: expected one metric name, found a second: "b"`},
	{name: "float bucket counts", doc: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1.5\n", want: "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1.5\nh_count 1.5\nh_sum 0\n"},
	{name: "OpenMetrics quoted names in metadata and samples", format: expfmt.OpenMetricsFormat,
		doc:  "# TYPE \"a.b\" counter\n# HELP \"a.b\" Dotted.\n{\"a.b_total\"} 1\n# TYPE \"g.x_seconds\" gauge\n# UNIT \"g.x_seconds\" seconds\n{\"g.x_seconds\",l=\"v\"} 2\n{l=\"w\",\"g.x_seconds\"} 3\n# EOF\n",
		want: "# HELP \"a.b_total\" Dotted.\n# TYPE \"a.b_total\" counter\n{\"a.b_total\"} 1\n# TYPE \"g.x_seconds\" gauge\n{\"g.x_seconds\",l=\"v\"} 2\n{\"g.x_seconds\",l=\"w\"} 3\n"},
	{name: "OpenMetrics quoted label name", format: expfmt.OpenMetricsFormat, doc: "{\"a.b\",\"l.x\"=\"v\"} 1\na{\"l.y\"=\"w\"} 2\n# EOF\n",
		want: "# TYPE \"a.b\" untyped\n{\"a.b\",\"l.x\"=\"v\"} 1\n# TYPE a untyped\na{\"l.y\"=\"w\"} 2\n"},
	// Prometheus's OpenMetrics parser takes a quoted name only inside the braces.
	{name: "OpenMetrics quoted name outside braces", format: expfmt.OpenMetricsFormat, doc: "\"a.b\" 1\n# EOF\n", err: `1:1: expected a metric name, found '"'`},
	{name: "OpenMetrics two quoted names", format: expfmt.OpenMetricsFormat, doc: "{\"a.b\",\"c\"} 1\n# EOF\n", err: `1:8: expected one metric name, found a second: "c"`},
	{name: "OpenMetrics quoted name with a blank", format: expfmt.OpenMetricsFormat, doc: "{\"a.b\", l=\"v\"} 1\n# EOF\n", err: `1:8: expected a label name, found space`},
}

func TestPeerFindings(t *testing.T) {
	for _, c := range peerCases {
		t.Run(c.name, func(t *testing.T) {
			o := &Options{Lax: c.lax}
			fs, err := Parse(strings.NewReader(c.doc), c.format, o)
			if c.err != "" {
				var pe *Error
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("%s %q: error %v, want one containing %s", c.format, c.doc, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s %q: %v", c.format, c.doc, err)
			}
			if got := render(t, fs); got != c.want {
				t.Errorf("%s %q read as\n%s\nwant\n%s", c.format, c.doc, got, c.want)
			}
		})
	}
}

// What prom's OpenMetrics writer produces under AllowUTF8 — quoted names in the metadata
// and in the braces — its strict reader reads back unchanged.
func TestOpenMetricsQuotedNamesRoundTrip(t *testing.T) {
	fs := []*prom.Family{
		{Desc: prom.Desc{Name: "http.requests", Help: "Dotted \"counter\".", Type: prom.CounterType},
			Series: []prom.Series{{LabelNames: []string{"http.method", "code"}, LabelValues: []string{"GET", "200"}, Value: 3}}},
		{Desc: prom.Desc{Name: "temp.x_celsius", Unit: "celsius", Type: prom.GaugeType},
			Series: []prom.Series{{LabelNames: []string{}, Value: 21.5}}},
		{Desc: prom.Desc{Name: "plain", Type: prom.HistogramType},
			Series: []prom.Series{{LabelNames: []string{"a.b"}, LabelValues: []string{"x"}, Count: 2, Sum: 1,
				Buckets: []prom.Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 2}}}}},
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.OpenMetricsFormat, expfmt.AllowUTF8)
	for _, f := range fs {
		enc.Family(&f.Desc)
		for i := range f.Series {
			enc.Series(&f.Desc, &f.Series[i])
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	if !strings.Contains(doc, `# TYPE "http.requests" counter`) || !strings.Contains(doc, `{"http.requests_total","http.method"="GET"`) {
		t.Fatalf("the writer did not quote the names:\n%s", doc)
	}
	got, err := Parse(strings.NewReader(doc), expfmt.OpenMetricsFormat, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if !reflect.DeepEqual(got, fs) {
		t.Errorf("read back\n%s\nwant\n%s\nfrom\n%s", render(t, got), render(t, fs), doc)
	}
}
