package otlp_test

import (
	"math"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// only returns the lines of the dump of reg's request between the first line containing
// from and the next line containing "metadata", trimmed: the data of one metric.
func metricText(t *testing.T, fs families) (string, error) {
	t.Helper()
	_, text, err := request(t, newRegistry(t, fs))
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "name: ") && l != `name: "github.com/prom-go/prom"` {
			in = true
		}
		if in && !strings.HasPrefix(l, "metadata:") && !strings.HasPrefix(l, "time_unix_nano") && !strings.HasPrefix(l, "description") {
			out = append(out, l)
		}
	}
	return strings.Join(out, " "), err
}

func native(h *prom.NativeHistogram, count float64) families {
	return families{{Desc: prom.Desc{Name: "h", Type: prom.HistogramType},
		Series: []prom.Series{{Count: count, Sum: 1, Native: h}}}}
}

// TestExponential checks the mapping of native histograms: the index shift, gaps filled with
// zeros, float histograms with whole counts, the resolution lowered for a run too long, and
// what OTLP cannot carry.
func TestExponential(t *testing.T) {
	wide := make([]int64, 2)
	wide[0], wide[1] = 5, -2
	for _, tc := range []struct {
		name string
		fs   families
		want string // substring of the metric's text
		err  string
	}{
		{"index shift", native(&prom.NativeHistogram{Schema: 0, PositiveSpans: []prom.BucketSpan{{Offset: 1, Length: 1}}, PositiveDeltas: []int64{3}}, 3),
			"count: 3 sum: 1 positive { bucket_counts: [3] }", ""},
		{"offset 0 left out", native(&prom.NativeHistogram{Schema: 0, PositiveSpans: []prom.BucketSpan{{Offset: 1, Length: 1}}, PositiveDeltas: []int64{3}}, 3),
			"positive { bucket_counts: [3] }", ""},
		{"gap", native(&prom.NativeHistogram{Schema: -1, PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 1}, {Offset: 2, Length: 2}}, PositiveDeltas: []int64{1, 1, 0}}, 5),
			"scale: -1 positive { offset: -1 bucket_counts: [1 0 0 2 2] }", ""},
		{"no buckets", native(&prom.NativeHistogram{Schema: 8, ZeroCount: 4, ZeroThreshold: 0.001, PositiveSpans: []prom.BucketSpan{{}}}, 4),
			"count: 4 sum: 1 scale: 8 zero_count: 4 zero_threshold: 0.001 }", ""},
		{"float", native(&prom.NativeHistogram{Schema: 1, ZeroCountFloat: 1, PositiveSpans: []prom.BucketSpan{{Offset: 2, Length: 2}}, PositiveCounts: []float64{2, 3}}, 6),
			"scale: 1 zero_count: 1 positive { offset: 1 bucket_counts: [2 3] }", ""},
		{"lowered", native(&prom.NativeHistogram{Schema: 2, PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 1}, {Offset: 5000, Length: 1}}, PositiveDeltas: wide}, 8),
			"scale: 1 positive { offset: -1 bucket_counts: [5 0 0 ", ""},
		{"float not whole", native(&prom.NativeHistogram{Schema: 1, PositiveSpans: []prom.BucketSpan{{Offset: 2, Length: 1}}, PositiveCounts: []float64{2.5}}, 2.5),
			"", `histogram h{}: count 2.5 is not a whole number`},
		{"custom buckets", native(&prom.NativeHistogram{Schema: -53}, 0),
			"", "schema -53 is not an exponential schema (-4 to 8)"},
		{"negative count", native(&prom.NativeHistogram{Schema: 0, PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 2}}, PositiveDeltas: []int64{1, -2}}, 1),
			"", "bucket 1 has the negative count -1"},
		{"spans and deltas disagree", native(&prom.NativeHistogram{Schema: 0, PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 3}}, PositiveDeltas: []int64{1}}, 1),
			"", "more buckets than the 1 counts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, err := metricText(t, tc.fs)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "not sent") {
					t.Fatalf("got error %v, want one containing %q", err, tc.err)
				}
				if strings.Contains(text, "exponential_histogram") {
					t.Errorf("the series was sent: %s", text)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, tc.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", text, tc.want)
			}
		})
	}
}

// TestNativeFallsBackToClassic checks that a native histogram OTLP cannot carry is sent as
// its classic buckets when it has them, and that the family then holds both kinds.
func TestNativeFallsBackToClassic(t *testing.T) {
	fs := families{{Desc: prom.Desc{Name: "h", Type: prom.HistogramType, LabelNames: []string{"k"}},
		Series: []prom.Series{
			{LabelValues: []string{"a"}, Count: 1, Sum: 1, Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 1}}, Native: &prom.NativeHistogram{Schema: -53}},
			{LabelValues: []string{"b"}, Count: 0, Native: &prom.NativeHistogram{Schema: 0}},
		}}}
	text, err := metricText(t, fs)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`name: "h" exponential_histogram { data_points { attributes: k="b"`, `name: "h" histogram { data_points { count: 1 sum: 1 bucket_counts: [1] attributes: k="a"`} {
		if !strings.Contains(text, want) {
			t.Errorf("got\n%s\nwant it to contain\n%s", text, want)
		}
	}
}

// TestUnits checks the units sent: UCUM symbols for Prometheus's base units, one-word units
// as they are, and none where a receiver would build another name from it.
func TestUnits(t *testing.T) {
	for unit, want := range map[string]string{
		"seconds": `unit: "s"`, "bytes": `unit: "By"`, "ratio": `unit: "1"`, "celsius": `unit: "Cel"`,
		"requests": `unit: "requests"`, "bytes_per_second": "", "s": "", "By": "",
	} {
		fs := families{{Desc: prom.Desc{Name: "x_" + unit, Unit: unit, Type: prom.GaugeType}, Series: []prom.Series{{Value: 1}}}}
		text, err := metricText(t, fs)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(text, "unit:"); got != (want != "") || !strings.Contains(text, want) {
			t.Errorf("unit %q: got %s, want %q", unit, text, want)
		}
	}
}

// TestNotWhole checks that a count OTLP cannot carry leaves the series out and says why, and
// that the other series of the family are sent.
func TestNotWhole(t *testing.T) {
	fs := families{{Desc: prom.Desc{Name: "s", Type: prom.SummaryType, LabelNames: []string{"k"}},
		Series: []prom.Series{{LabelValues: []string{"bad"}, Count: 1.5}, {LabelValues: []string{"good"}, Count: 2}}}}
	text, err := metricText(t, fs)
	if err == nil || !strings.Contains(err.Error(), `otlp: summary s{k="bad"}: count 1.5 is not a whole number in [0, 2^64): OTLP counts are integers; the series is not sent`) {
		t.Errorf("got error %v", err)
	}
	if strings.Contains(text, `"bad"`) || !strings.Contains(text, `k="good"`) {
		t.Errorf("got %s, want the good series only", text)
	}
}

// TestGaugeHistogramDropped checks the rule of the OpenTelemetry specification: a gauge
// histogram is not sent, without an error.
func TestGaugeHistogramDropped(t *testing.T) {
	fs := families{{Desc: prom.Desc{Name: "q", Type: prom.GaugeHistogramType},
		Series: []prom.Series{{Count: 1, Sum: 1, Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 1}}}}}}
	text, err := metricText(t, fs)
	if err != nil || text != "" {
		t.Errorf("got %q, %v; want nothing sent and no error", text, err)
	}
}

// TestTargetInfoFromText checks that a target_info read from the text format, a gauge, makes
// the resource as OpenMetrics' info family does, instead of a metric.
func TestTargetInfoFromText(t *testing.T) {
	for _, typ := range []prom.Type{prom.GaugeType, prom.Unknown} {
		fs := families{
			{Desc: prom.Desc{Name: "target_info", Type: typ}, Series: []prom.Series{{LabelNames: []string{"team"}, LabelValues: []string{"db"}, Value: 1}}},
			{Desc: prom.Desc{Name: "up", Type: prom.GaugeType}, Series: []prom.Series{{Value: 1}}},
		}
		reg := prom.NewRegistry()
		if err := reg.Register(fs); err != nil {
			t.Fatal(err)
		}
		_, text, err := request(t, reg)
		if err != nil {
			t.Fatal(err)
		}
		if !containsLine(text, `attributes: team="db"`) || strings.Contains(text, `name: "target_info"`) {
			t.Errorf("%s target_info: not the resource:\n%s", typ, text)
		}
	}
}
