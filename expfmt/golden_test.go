package expfmt

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
)

// families are fixed families, some of them with what a Writer would refuse or repair (invalid
// UTF-8, histograms without a +Inf bucket), which the encoders must still write safely.
type families []*prom.Family

const created = 1_520_430_000_123_000_000 // 2018-03-07T13:40:00.123Z in nanoseconds

// allTypes returns a family of every type, with and without labels, covering the escaping of
// help and label values, constant labels, units, timestamps, exemplars and per-series label
// names.
func allTypes() families {
	traceEx := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "KOO5S4vxi0o"}}, Value: 0.67, Timestamp: 1_520_879_607_789_000_000, HasTimestamp: true}
	bucketEx := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "oHg5SJYRHA0"}, {Name: "span", Value: "a\"b"}}, Value: 9.8}
	return families{
		{Desc: prom.Desc{Name: "a_counter", Help: "Help with \\ backslash, \"quotes\"\nand a new line.", Type: prom.CounterType},
			Series: []prom.Series{{Value: 17, Created: created, Exemplar: traceEx}}},
		{Desc: prom.Desc{Name: "b_counter_with_labels", Help: "Counter with labels.", Type: prom.CounterType,
			LabelNames: []string{"method", "path"}, ConstLabels: []prom.Label{{Name: "service", Value: "api"}}},
			Series: []prom.Series{
				{LabelValues: []string{"GET", `C:\dir "quoted"` + "\nnext"}, Value: 1.5, Created: created},
				{LabelValues: []string{"POST", "bad \xff utf-8"}, Value: 1e6, Timestamp: 1_520_879_607_789 * 1e6, HasTimestamp: true},
			}},
		{Desc: prom.Desc{Name: "c_gauge", Help: "Gauge without labels.", Type: prom.GaugeType},
			Series: []prom.Series{{Value: -0.005}}},
		{Desc: prom.Desc{Name: "d_temperature_celsius", Help: "Gauge with labels and a unit.", Type: prom.GaugeType, Unit: "celsius",
			LabelNames: []string{"sensor"}},
			Series: []prom.Series{
				{LabelValues: []string{"nan"}, Value: math.NaN()},
				{LabelValues: []string{"inf"}, Value: math.Inf(1)},
				{LabelValues: []string{"-inf"}, Value: math.Inf(-1)},
				{LabelValues: []string{"big"}, Value: 1.234567e+21},
				{LabelValues: []string{"whole"}, Value: 42},
			}},
		{Desc: prom.Desc{Name: "e_request_duration_seconds", Help: "Histogram with labels.", Type: prom.HistogramType, Unit: "seconds",
			LabelNames: []string{"code"}},
			Series: []prom.Series{{LabelValues: []string{"200"}, Count: 7, Sum: 12.25, Created: created,
				Buckets: []prom.Bucket{{UpperBound: 0.005, Count: 1}, {UpperBound: 0.5, Count: 3}, {UpperBound: 1, Count: 5, Exemplar: bucketEx}, {UpperBound: math.Inf(1), Count: 7}}}}},
		{Desc: prom.Desc{Name: "f_histogram_without_buckets", Help: "Histogram with no classic buckets: +Inf is added.", Type: prom.HistogramType},
			Series: []prom.Series{{Count: 2, Sum: 3}}},
		{Desc: prom.Desc{Name: "g_queue_size_bytes", Help: "Gauge histogram.", Type: prom.GaugeHistogramType, Unit: "bytes"},
			Series: []prom.Series{{Count: 4, Sum: 1000, Buckets: []prom.Bucket{{UpperBound: 100, Count: 1}, {UpperBound: 1000, Count: 4}}}}},
		{Desc: prom.Desc{Name: "h_summary", Help: "Summary with quantiles.", Type: prom.SummaryType, LabelNames: []string{"op"}},
			Series: []prom.Series{{LabelValues: []string{"read"}, Count: 10, Sum: 1.5, Created: created,
				Quantiles: []prom.Quantile{{Quantile: 0, Value: 0.01}, {Quantile: 0.5, Value: 0.1}, {Quantile: 0.99, Value: 0.5}, {Quantile: 1, Value: 1}}}}},
		{Desc: prom.Desc{Name: "i_summary_without_quantiles", Help: "Summary with only count and sum.", Type: prom.SummaryType},
			Series: []prom.Series{{Count: 3, Sum: 4.5}}},
		{Desc: prom.Desc{Name: "j_build", Help: "Info.", Type: prom.InfoType, LabelNames: []string{"version"}},
			Series: []prom.Series{{LabelValues: []string{"1.2.3"}},
				{LabelNames: []string{"version", "revision"}, LabelValues: []string{"1.2.4", "abc"}}}},
		{Desc: prom.Desc{Name: "k_state", Help: "State set.", Type: prom.StateSetType, LabelNames: []string{"unit"}},
			Series: []prom.Series{{LabelValues: []string{"db"}, States: []prom.State{{Name: "starting"}, {Name: "running", Enabled: true}, {Name: "stopped"}}}}},
		{Desc: prom.Desc{Name: "l_state_without_labels", Type: prom.StateSetType},
			Series: []prom.Series{{States: []prom.State{{Name: "on", Enabled: true}, {Name: "off"}}}}},
		{Desc: prom.Desc{Name: "m_unknown", Help: "Unknown, with a timestamp.", Type: prom.Unknown},
			Series: []prom.Series{{Value: 3, Timestamp: 1_520_879_607_000 * 1e6, HasTimestamp: true}, {LabelNames: []string{"x"}, LabelValues: []string{"y"}, Value: 4}}},
	}
}

// utf8Names returns families whose names are not legacy names.
func utf8Names() families {
	return families{
		{Desc: prom.Desc{Name: "my.gauge", Help: "Dotted name.", Type: prom.GaugeType, LabelNames: []string{"my.label", "plain"},
			ConstLabels: []prom.Label{{Name: "const.label", Value: "c"}}},
			Series: []prom.Series{{LabelValues: []string{"x", "y"}, Value: 1}}},
		{Desc: prom.Desc{Name: "my.gauge.nolabels", Type: prom.GaugeType}, Series: []prom.Series{{Value: 2}}},
		{Desc: prom.Desc{Name: "http.requests", Help: "Dotted counter.", Type: prom.CounterType, LabelNames: []string{"code"}},
			Series: []prom.Series{{LabelValues: []string{"200"}, Value: 5, Created: created,
				Exemplar: &prom.Exemplar{Labels: []prom.Label{{Name: "trace.id", Value: "t"}}, Value: 1}}}},
		{Desc: prom.Desc{Name: "req.duration_seconds", Type: prom.HistogramType, Unit: "seconds"},
			Series: []prom.Series{{Count: 1, Sum: 0.25, Buckets: []prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: math.Inf(1), Count: 1}}}}},
		{Desc: prom.Desc{Name: "svc.state", Type: prom.StateSetType},
			Series: []prom.Series{{States: []prom.State{{Name: "up", Enabled: true}}}}},
		{Desc: prom.Desc{Name: "温度 \"quoted\"", Help: "Non-Latin name with a quote.", Type: prom.GaugeType},
			Series: []prom.Series{{Value: 20}}},
		{Desc: prom.Desc{Name: "legacy_name", Type: prom.GaugeType, LabelNames: []string{"with:colon"}},
			Series: []prom.Series{{LabelValues: []string{"v"}, Value: 0}}},
	}
}

// encode hands the families straight to an Encoder, as an Encoder may be used without a
// registry, then collects any further registries into it. It writes "_created" samples in
// OpenMetrics only when created is set.
func encode(t testing.TB, f Format, e Escaping, created bool, fams families, more ...*prom.Registry) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf, f, e)
	enc.SetCreatedSamples(created)
	for _, fam := range fams {
		enc.Family(&fam.Desc)
		for i := range fam.Series {
			enc.Series(&fam.Desc, &fam.Series[i])
		}
	}
	for _, reg := range more {
		reg.SetCreatedSamples(created)
		if err := reg.Collect(context.Background(), enc); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// realMetrics returns a registry of the package's own counters and gauges, without created
// times so that the output is fixed.
func realMetrics(t testing.TB) *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	c := prom.Must(prom.NewCounterVec("real_requests_total", "Requests served.", []string{"method", "code"},
		prom.Opts{Registry: r, ConstLabels: map[string]string{"zone": "eu"}}))
	c.With("GET", "200").Add(3)
	c.With("POST", "500").Inc()
	g := prom.Must(prom.NewGauge("real_in_flight", "Requests in flight.", prom.Opts{Registry: r, Namespace: "http"}))
	g.Set(2)
	return r
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file    string
		f       Format
		e       Escaping
		fams    families
		real    bool
		created bool // _created samples asked for
	}{
		{"text.golden", TextFormat, Underscores, allTypes(), true, false},
		{"text-created.golden", TextFormat, Underscores, allTypes(), true, true},
		{"openmetrics.golden", OpenMetricsFormat, Underscores, allTypes(), true, false},
		{"openmetrics-created.golden", OpenMetricsFormat, Underscores, allTypes(), true, true},
		{"text1-allow-utf-8.golden", Text1Format, AllowUTF8, utf8Names(), false, false},
		{"openmetrics-allow-utf-8.golden", OpenMetricsFormat, AllowUTF8, utf8Names(), false, true},
		{"text-allow-utf-8.golden", TextFormat, AllowUTF8, utf8Names(), false, false},
		{"openmetrics-underscores.golden", OpenMetricsFormat, Underscores, utf8Names(), false, true},
		{"text-dots.golden", TextFormat, Dots, utf8Names(), false, false},
		{"openmetrics-values.golden", OpenMetricsFormat, Values, utf8Names(), false, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var more []*prom.Registry
			if tc.real {
				more = append(more, realMetrics(t))
			}
			got := encode(t, tc.f, tc.e, tc.created, tc.fams, more...)
			golden.Check(t, filepath.Join("testdata", tc.file), got)
		})
	}
}

// TestOpenMetrics001SameBody checks that OpenMetrics 0.0.1 has the body of 1.0.0.
func TestOpenMetrics001SameBody(t *testing.T) {
	a := encode(t, OpenMetricsFormat, Underscores, true, allTypes())
	b := encode(t, OpenMetrics001Format, Underscores, true, allTypes())
	if !bytes.Equal(a, b) {
		t.Errorf("0.0.1 differs from 1.0.0:\n%s\n---\n%s", a, b)
	}
}
