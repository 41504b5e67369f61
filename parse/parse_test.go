package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

func TestTextFamilies(t *testing.T) {
	doc := `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",method="get"} 10 1700000000000
http_requests_total{code="500",method="get"} 1
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_sum 2.5
latency_seconds_count 3
# TYPE rpc summary
rpc{quantile="0.9"} 0.2
rpc{quantile="0.5"} 0.1
rpc_sum 7
rpc_count 9
{"my.dotted", "label.x"="v"} 4
no_metadata 5
`
	fs, err := Parse(strings.NewReader(doc), expfmt.TextFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []*prom.Family{
		{Desc: prom.Desc{Name: "http_requests", Help: "Requests.", Type: prom.CounterType}, Series: []prom.Series{
			{LabelNames: []string{"code", "method"}, LabelValues: []string{"200", "get"}, Value: 10, Timestamp: 1700000000000 * 1e6, HasTimestamp: true},
			{LabelNames: []string{"code", "method"}, LabelValues: []string{"500", "get"}, Value: 1},
		}},
		{Desc: prom.Desc{Name: "latency_seconds", Type: prom.HistogramType}, Series: []prom.Series{
			{LabelNames: []string{}, Count: 3, Sum: 2.5, Buckets: []prom.Bucket{{UpperBound: 0.1, Count: 1}, {UpperBound: math.Inf(1), Count: 3}}},
		}},
		{Desc: prom.Desc{Name: "rpc", Type: prom.SummaryType}, Series: []prom.Series{
			{LabelNames: []string{}, Count: 9, Sum: 7, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 0.1}, {Quantile: 0.9, Value: 0.2}}},
		}},
		{Desc: prom.Desc{Name: "my.dotted"}, Series: []prom.Series{{LabelNames: []string{"label.x"}, LabelValues: []string{"v"}, Value: 4}}},
		{Desc: prom.Desc{Name: "no_metadata"}, Series: []prom.Series{{LabelNames: []string{}, Value: 5}}},
	}
	if !reflect.DeepEqual(fs, want) {
		for i := range fs {
			t.Logf("got  %+v", *fs[i])
		}
		t.Errorf("families differ from the expected ones")
	}
}

func TestOpenMetricsFamilies(t *testing.T) {
	doc := `# TYPE a counter
# UNIT a_seconds seconds
# TYPE s stateset
s{s="on",x="1"} 1
s{s="off",x="1"} 0
# TYPE i info
i_info{version="1.2"} 1
# TYPE g gaugehistogram
g_bucket{le="1"} 2 # {id="x"} 0.5 1.25
g_bucket{le="+Inf"} 3
g_gcount 3
g_gsum 4
# EOF
`
	fs, err := Parse(strings.NewReader(doc), expfmt.OpenMetricsFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 5 {
		t.Fatalf("%d families, want 5", len(fs))
	}
	if fs[1].Unit != "seconds" || fs[0].Type != prom.CounterType || len(fs[0].Series) != 0 {
		t.Errorf("metadata-only families: %+v %+v", fs[0], fs[1])
	}
	if s := fs[2].Series; len(s) != 1 || !reflect.DeepEqual(s[0].States, []prom.State{{Name: "on", Enabled: true}, {Name: "off", Enabled: false}}) || s[0].LabelValues[0] != "1" {
		t.Errorf("stateset: %+v", s)
	}
	if s := fs[3].Series; fs[3].Name != "i" || len(s) != 1 || s[0].Value != 1 || s[0].LabelValues[0] != "1.2" {
		t.Errorf("info: %+v", fs[3])
	}
	g := fs[4].Series[0]
	ex := &prom.Exemplar{Labels: []prom.Label{{Name: "id", Value: "x"}}, Value: 0.5, Timestamp: 1250000000, HasTimestamp: true}
	if g.Count != 3 || g.Sum != 4 || !reflect.DeepEqual(g.Buckets[0].Exemplar, ex) {
		t.Errorf("gauge histogram: %+v", g)
	}
}

// TestErrorPositions checks that errors say where and what was expected and found.
func TestErrorPositions(t *testing.T) {
	tests := []struct {
		format expfmt.Format
		doc    string
		want   string
	}{
		{expfmt.OpenMetricsFormat, "a 1\n\n# EOF\n", "2:1: expected a sample or metadata, found a blank line"},
		{expfmt.OpenMetricsFormat, "a{b=\"c\"} x\n# EOF\n", `1:10: expected a number, found "x"`},
		{expfmt.OpenMetricsFormat, "a{b=\"c\",} 1\n# EOF\n", "1:9: expected a label name after ',', found '}'"},
		{expfmt.OpenMetricsFormat, "# TYPE a meh\n# EOF\n", `1:10: expected a type (counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown), found "meh"`},
		{expfmt.OpenMetricsFormat, "# TYPE a histogram\na_bucket{le=\"1\"} 1\n# EOF\n", `2:1: expected a bucket with le="+Inf" in this histogram series, found none`},
		{expfmt.OpenMetricsFormat, "a 1\n# EOF\nx", `3:1: expected nothing after "# EOF", found "x"`},
		// Errors about a whole histogram series point at the sample at fault, not its first bucket.
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 2\nh_count 2\nh_sum 1\n# EOF\n", `3:1: expected a bucket with le="+Inf" in this histogram series, found none`},
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 4\nh_sum 1\n# EOF\n", `4:1: expected _count equal to the +Inf bucket (3), found 4`},
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_sum 1\n# EOF\n", `4:1: expected both _count and _sum or neither, found _sum without _count`},
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\n# EOF\n", `4:1: expected both _count and _sum or neither, found _count without _sum`},
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{le=\"-1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 1\n# EOF\n", `5:1: expected no _sum in a histogram with negative buckets, found one`},
		{expfmt.OpenMetricsFormat, "# TYPE h gaugehistogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_gcount 3\nh_gsum -1\n# EOF\n", `5:1: expected a non-negative _gsum in a gauge histogram without negative buckets, found -1`},
		{expfmt.OpenMetricsFormat, "# TYPE h histogram\nh_bucket{a=\"x\",le=\"+Inf\"} 3\nh_count{a=\"x\"} 3\nh_sum{a=\"x\"} 1\nh_bucket{a=\"y\",le=\"+Inf\"} 1\nh_count{a=\"y\"} 2\nh_sum{a=\"y\"} 1\n# EOF\n", `6:1: expected _count equal to the +Inf bucket (1), found 2`},
		{expfmt.TextFormat, "a{b=\"c\" 1\n", "1:9: expected ',' or '}', found '1'"},
		{expfmt.TextFormat, "# TYPE a blob\n", `1:10: expected counter, gauge, histogram, summary or untyped, found "blob"`},
		{expfmt.TextFormat, "a 1 2 3\n", "1:7: expected end of line, found '3'"},
		{expfmt.TextFormat, "# TYPE a gauge\na 1\n# TYPE a gauge\n", `3:1: expected one TYPE line for "a", found a second`},
		{expfmt.TextFormat, "# TYPE a histogram\na_sum{le=\"\"} 0\n", `2:6: expected no label "le" on "a_sum", found one: a histogram reserves it for its buckets`},
		{expfmt.TextFormat, "# TYPE s summary\ns_count{quantile=\"0.5\"} 0\n", `2:8: expected no label "quantile" on "s_count", found one: a summary reserves it for its quantiles`},
		{expfmt.TextFormat, "#HELP \"\"\n", `1:7: expected a name, found an empty quoted string ""`},
		{expfmt.TextFormat, "{\"\"} 1\n", `1:2: expected a name, found an empty quoted string ""`},
		{expfmt.TextFormat, "\"\" 1\n", `1:1: expected a name, found an empty quoted string ""`},
		{expfmt.TextFormat, "a{l=\"x\\", `1:8: expected an escaped character after '\', found end of line`},
		{expfmt.ProtobufFormat, "\x05\x0a\x01", "byte 0: expected a message of 5 bytes, found 2 before the end of input"},
		{expfmt.ProtobufFormat, "\x02\x0a\x05", "byte 0: expected more bytes in the message, found its end"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.doc), tt.format, nil)
		var pe *Error
		if !errors.As(err, &pe) || err.Error() != tt.want {
			t.Errorf("%s %q: error %v, want %s", tt.format, tt.doc, err, tt.want)
		}
	}
}

// TestStreaming checks that families arrive one at a time, before the document ends.
func TestStreaming(t *testing.T) {
	pr, pw := io.Pipe()
	r := NewReader(pr, expfmt.TextFormat, nil)
	go pw.Write([]byte("a 1\nb 2\n"))
	f, err := r.Next()
	if err != nil || f.Name != "a" {
		t.Fatalf("first family %v, %v", f, err)
	}
	pw.Close()
	if f, err := r.Next(); err != nil || f.Name != "b" {
		t.Fatalf("second family %v, %v", f, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last family: %v, want io.EOF", err)
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]expfmt.Format{
		"a 1\n":        expfmt.TextFormat,
		"a 1\n# EOF\n": expfmt.OpenMetricsFormat,
		"# TYPE a_total counter\na_total 1\n# EOF\n": expfmt.TextFormat,
		"# TYPE a info\na_info 1\n":                  expfmt.OpenMetricsFormat,
		"\x10\x0a\x01a\x18\x01":                      expfmt.ProtobufFormat,
	}
	for doc, want := range tests {
		if got := Detect([]byte(doc)); got != want {
			t.Errorf("Detect(%q) = %s, want %s", doc, got, want)
		}
	}
}

// TestFormatOf maps the Content-Type headers servers send to formats, versions included, and
// anything else to the text format, as Prometheus does.
func TestFormatOf(t *testing.T) {
	for ct, want := range map[string]expfmt.Format{
		"application/openmetrics-text; version=1.0.0":                              expfmt.OpenMetricsFormat,
		"application/openmetrics-text":                                             expfmt.OpenMetricsFormat,
		"application/openmetrics-text; version=0.0.1; charset=utf-8":               expfmt.OpenMetrics001Format,
		"Application/OpenMetrics-Text;Version=\"0.0.1\"":                           expfmt.OpenMetrics001Format,
		"application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily": expfmt.ProtobufFormat,
		"text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8":           expfmt.Text1Format,
		"text/plain; version=0.0.4":                                                expfmt.TextFormat,
		"text/plain":                                                               expfmt.TextFormat,
		"":                                                                         expfmt.TextFormat,
		"application/json; version=1.0.0":                                          expfmt.TextFormat,
		"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8": expfmt.OpenMetricsFormat,
	} {
		if got := FormatOf(ct); got != want {
			t.Errorf("FormatOf(%q) = %v, want %v", ct, got, want)
		}
	}
}

// TestReaderReadsVersionsAlike reads one document as both versions of its format: the
// version a Content-Type names changes nothing in how the document is read.
func TestReaderReadsVersionsAlike(t *testing.T) {
	for _, c := range []struct {
		doc  string
		a, b expfmt.Format
	}{
		{"# TYPE \"a.b\" counter\n{\"a.b\"} 1\n", expfmt.TextFormat, expfmt.Text1Format},
		{"# TYPE a counter\na_total 1\n# EOF\n", expfmt.OpenMetricsFormat, expfmt.OpenMetrics001Format},
		{"a 1\n", expfmt.OpenMetricsFormat, expfmt.OpenMetrics001Format}, // no # EOF: both refuse it
	} {
		fa, errA := Parse(strings.NewReader(c.doc), c.a, nil)
		fb, errB := Parse(strings.NewReader(c.doc), c.b, nil)
		if fmt.Sprint(errA) != fmt.Sprint(errB) || !reflect.DeepEqual(fa, fb) {
			t.Errorf("%q: read as %v: %v, %v; as %v: %v, %v", c.doc, c.a, fa, errA, c.b, fb, errB)
		}
	}
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileInputs checks that limits stop documents built to exhaust memory, and that the
// allocation stays in proportion to the input.
func TestHostileInputs(t *testing.T) {
	t.Run("10 MB label value", func(t *testing.T) {
		doc := "a{b=\"" + strings.Repeat("x", 10<<20) + "\"} 1\n"
		var err error
		n := allocated(func() { _, err = Parse(strings.NewReader(doc), expfmt.TextFormat, nil) })
		if err == nil || !strings.Contains(err.Error(), "longer") {
			t.Errorf("error %v, want the line limit", err)
		}
		if n > 6<<20 {
			t.Errorf("allocated %d bytes, want a few MiB at most: the 1 MiB line limit, not the input, bounds it", n)
		}
	})
	t.Run("millions of tiny families", func(t *testing.T) {
		var b bytes.Buffer
		for i := range 2_000_000 {
			b.WriteString("m")
			b.WriteString(itoa(i))
			b.WriteString(" 1\n")
		}
		doc := b.Bytes()
		for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat} {
			count := 0
			var err error
			n := allocated(func() {
				for _, e := range NewReader(bytes.NewReader(doc), f, nil).All() {
					if e != nil {
						err = e
						break
					}
					count++
				}
			})
			if err == nil || !strings.Contains(err.Error(), "families") || count != DefaultMaxFamilies {
				t.Errorf("%s: %d families then %v, want the family limit after %d", f, count, err, DefaultMaxFamilies)
			}
			if n > uint64(len(doc))*80 {
				t.Errorf("%s: allocated %d bytes for %d input bytes", f, n, len(doc))
			}
		}
	})
	t.Run("protobuf length prefix claiming gigabytes", func(t *testing.T) {
		var doc []byte
		doc = binary.AppendUvarint(doc, 3<<30)
		doc = append(doc, 0x0a, 0x01, 'a')
		var err error
		n := allocated(func() { _, err = Parse(bytes.NewReader(doc), expfmt.ProtobufFormat, nil) })
		if err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("error %v, want the message limit", err)
		}
		doc = binary.AppendUvarint(nil, 60<<20) // under the limit, but the bytes never come
		doc = append(doc, 0x0a, 0x01, 'a')
		n += allocated(func() { _, err = Parse(bytes.NewReader(doc), expfmt.ProtobufFormat, nil) })
		if err == nil || !strings.Contains(err.Error(), "before the end of input") {
			t.Errorf("error %v, want a truncated message", err)
		}
		if n > 1<<20 {
			t.Errorf("allocated %d bytes for a few bytes of input", n)
		}
	})
	t.Run("limits are configurable", func(t *testing.T) {
		o := &Options{Limits: Limits{MaxLabels: 2, MaxSeriesPerFamily: 1}}
		if _, err := Parse(strings.NewReader("a{x=\"1\",y=\"2\",z=\"3\"} 1\n"), expfmt.TextFormat, o); err == nil || !strings.Contains(err.Error(), "2 labels") {
			t.Errorf("label limit: %v", err)
		}
		if _, err := Parse(strings.NewReader("a{x=\"1\"} 1\na{x=\"2\"} 1\n"), expfmt.TextFormat, o); err == nil || !strings.Contains(err.Error(), "1 series") {
			t.Errorf("series limit: %v", err)
		}
		if _, err := Parse(strings.NewReader("a{x=\"1\"} 1\na{x=\"2\"} 1\n"), expfmt.TextFormat, &Options{Limits: Limits{MaxSeriesPerFamily: -1}}); err != nil {
			t.Errorf("no limit: %v", err)
		}
	})
}
