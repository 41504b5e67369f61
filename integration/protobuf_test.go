package integration

// The protobuf exposition of package expfmt is encoded by hand. These tests decode it with the
// official types (github.com/prometheus/client_model/go and the protobuf module's protodelim)
// and compare every field with what the series held.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// familiesCollector writes fixed families, as a custom collector mirroring another system
// does; it is how the tests reach native histograms and every other type by hand.
// It is registered by pointer: the registry keys collectors by identity.
type familiesCollector struct{ fams []*prom.Family }

func (c *familiesCollector) Describe() []*prom.Desc { return nil }

func (c *familiesCollector) Collect(w *prom.Writer) {
	for _, f := range c.fams {
		w.Family(&f.Desc)
		for i := range f.Series {
			w.Emit(&f.Series[i])
		}
	}
}

// decodeProtobuf decodes a delimited stream of MetricFamily messages.
func decodeProtobuf(t *testing.T, b []byte) []*dto.MetricFamily {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(b))
	var out []*dto.MetricFamily
	for {
		mf := &dto.MetricFamily{}
		err := protodelim.UnmarshalFrom(r, mf)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("family %d: official decoder: %v", len(out), err)
		}
		out = append(out, mf)
	}
}

// collectProtobuf collects reg into the protobuf format with escaping e.
func collectProtobuf(t *testing.T, reg *prom.Registry, e expfmt.Escaping) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.ProtobufFormat, e)
	if err := reg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustDesc(t *testing.T, typ prom.Type, name, help string, labels []string, opts ...prom.Opts) prom.Desc {
	t.Helper()
	d, err := prom.NewDesc(typ, name, help, labels, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return *d
}

func lp(name, value string) *dto.LabelPair {
	return &dto.LabelPair{Name: proto.String(name), Value: proto.String(value)}
}

func ts(ns int64) *timestamppb.Timestamp { return timestamppb.New(time.Unix(0, ns)) }

func span(offset int32, length uint32) *dto.BucketSpan {
	return &dto.BucketSpan{Offset: proto.Int32(offset), Length: proto.Uint32(length)}
}

func TestProtobufDecodesWithClientModel(t *testing.T) {
	const created = 1_700_000_000_250_000_000
	exTS := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "4bf92f3577b34da6"}}, Value: 0.042,
		Timestamp: 1_700_000_100_123_456_789, HasTimestamp: true}
	exNoTS := &prom.Exemplar{Labels: []prom.Label{{Name: "span_id", Value: "00f067aa"}}, Value: 7}
	dtoExTS := &dto.Exemplar{Label: []*dto.LabelPair{lp("trace_id", "4bf92f3577b34da6")}, Value: proto.Float64(0.042),
		Timestamp: ts(exTS.Timestamp)}
	dtoExNoTS := &dto.Exemplar{Label: []*dto.LabelPair{lp("span_id", "00f067aa")}, Value: proto.Float64(7)}

	fams := &familiesCollector{[]*prom.Family{
		{
			Desc: mustDesc(t, prom.CounterType, "http_requests_total", "Requests handled.",
				[]string{"method", "code"}, prom.Opts{ConstLabels: map[string]string{"svc": "api"}}),
			Series: []prom.Series{
				{LabelValues: []string{"GET", "200"}, Value: 1027, Created: created, Exemplar: exTS},
				{LabelValues: []string{"POST", "500"}, Value: 3, Timestamp: 1_700_000_000_000 * 1e6, HasTimestamp: true},
			},
		},
		{
			Desc:   mustDesc(t, prom.CounterType, "sent", "Bytes sent.", nil, prom.Opts{Unit: "bytes"}),
			Series: []prom.Series{{Value: 1e12}},
		},
		{
			Desc:   mustDesc(t, prom.GaugeType, "queue_depth", "Items waiting.", []string{"queue"}),
			Series: []prom.Series{{LabelValues: []string{"a"}, Value: -4.5}, {LabelValues: []string{"b"}, Value: math.Inf(1)}},
		},
		{
			Desc:   mustDesc(t, prom.Unknown, "legacy_thing", "", nil),
			Series: []prom.Series{{Value: 12}},
		},
		{
			Desc:   mustDesc(t, prom.InfoType, "build_info", "Build information.", []string{"version"}),
			Series: []prom.Series{{LabelValues: []string{"v1.2.3"}}},
		},
		{
			Desc: mustDesc(t, prom.StateSetType, "door_state", "Door.", []string{"door"}),
			Series: []prom.Series{{LabelValues: []string{"front"},
				States: []prom.State{{Name: "open", Enabled: false}, {Name: "closed", Enabled: true}}}},
		},
		{
			Desc: mustDesc(t, prom.SummaryType, "rpc_duration_seconds", "RPC latency.", nil),
			Series: []prom.Series{{Count: 20, Sum: 3.5, Created: created,
				Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 0.12}, {Quantile: 0.99, Value: 0.9}}}},
		},
		{
			Desc: mustDesc(t, prom.HistogramType, "request_size_bytes", "Request sizes.", nil),
			Series: []prom.Series{{Count: 5, Sum: 2100, Created: created, Buckets: []prom.Bucket{
				{UpperBound: 100, Count: 1, Exemplar: exNoTS},
				{UpperBound: 1000, Count: 4},
				{UpperBound: math.Inf(1), Count: 5, Exemplar: exTS},
			}}},
		},
		{
			Desc: mustDesc(t, prom.HistogramType, "latency_seconds", "Native latency.", []string{"route"}),
			Series: []prom.Series{
				{LabelValues: []string{"/a"}, Count: 14, Sum: -0.75, Created: created, Native: &prom.NativeHistogram{
					Schema: 3, ZeroThreshold: 2.938735877055719e-39, ZeroCount: 2,
					NegativeSpans: []prom.BucketSpan{{Offset: -5, Length: 2}, {Offset: 3, Length: 1}}, NegativeDeltas: []int64{1, 2, -2},
					PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 1}, {Offset: 200, Length: 3}}, PositiveDeltas: []int64{4, -3, 1, 0},
					Exemplars: []*prom.Exemplar{exTS},
				}},
				// No observation yet, zero threshold 0: only the no-op span marks it as native.
				{LabelValues: []string{"/empty"}, Native: &prom.NativeHistogram{Schema: -4}},
			},
		},
		{
			Desc: mustDesc(t, prom.GaugeHistogramType, "queue_wait_seconds", "Current waits.", nil),
			Series: []prom.Series{{Count: 3, Sum: 1.5,
				Buckets: []prom.Bucket{{UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3}},
				Native:  &prom.NativeHistogram{Schema: 0, ZeroThreshold: 0.001, PositiveSpans: []prom.BucketSpan{{Offset: 1, Length: 1}}, PositiveDeltas: []int64{3}},
			}},
		},
	}}

	want := []*dto.MetricFamily{
		{Name: proto.String("http_requests_total"), Help: proto.String("Requests handled."), Type: dto.MetricType_COUNTER.Enum(),
			Metric: []*dto.Metric{
				{Label: []*dto.LabelPair{lp("svc", "api"), lp("method", "GET"), lp("code", "200")},
					Counter: &dto.Counter{Value: proto.Float64(1027), Exemplar: dtoExTS, CreatedTimestamp: ts(created)}},
				{Label: []*dto.LabelPair{lp("svc", "api"), lp("method", "POST"), lp("code", "500")},
					Counter: &dto.Counter{Value: proto.Float64(3)}, TimestampMs: proto.Int64(1_700_000_000_000)},
			}},
		{Name: proto.String("sent_bytes_total"), Help: proto.String("Bytes sent."), Type: dto.MetricType_COUNTER.Enum(), Unit: proto.String("bytes"),
			Metric: []*dto.Metric{{Counter: &dto.Counter{Value: proto.Float64(1e12)}}}},
		{Name: proto.String("queue_depth"), Help: proto.String("Items waiting."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{
				{Label: []*dto.LabelPair{lp("queue", "a")}, Gauge: &dto.Gauge{Value: proto.Float64(-4.5)}},
				{Label: []*dto.LabelPair{lp("queue", "b")}, Gauge: &dto.Gauge{Value: proto.Float64(math.Inf(1))}},
			}},
		{Name: proto.String("legacy_thing"), Type: dto.MetricType_UNTYPED.Enum(),
			Metric: []*dto.Metric{{Untyped: &dto.Untyped{Value: proto.Float64(12)}}}},
		{Name: proto.String("build_info"), Help: proto.String("Build information."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{{Label: []*dto.LabelPair{lp("version", "v1.2.3")}, Gauge: &dto.Gauge{Value: proto.Float64(1)}}}},
		{Name: proto.String("door_state"), Help: proto.String("Door."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{
				{Label: []*dto.LabelPair{lp("door", "front"), lp("door_state", "open")}, Gauge: &dto.Gauge{Value: proto.Float64(0)}},
				{Label: []*dto.LabelPair{lp("door", "front"), lp("door_state", "closed")}, Gauge: &dto.Gauge{Value: proto.Float64(1)}},
			}},
		{Name: proto.String("rpc_duration_seconds"), Help: proto.String("RPC latency."), Type: dto.MetricType_SUMMARY.Enum(),
			Metric: []*dto.Metric{{Summary: &dto.Summary{SampleCount: proto.Uint64(20), SampleSum: proto.Float64(3.5),
				Quantile: []*dto.Quantile{
					{Quantile: proto.Float64(0.5), Value: proto.Float64(0.12)},
					{Quantile: proto.Float64(0.99), Value: proto.Float64(0.9)},
				},
				CreatedTimestamp: ts(created)}}}},
		{Name: proto.String("request_size_bytes"), Help: proto.String("Request sizes."), Type: dto.MetricType_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{{Histogram: &dto.Histogram{SampleCount: proto.Uint64(5), SampleSum: proto.Float64(2100),
				Bucket: []*dto.Bucket{
					{CumulativeCount: proto.Uint64(1), UpperBound: proto.Float64(100), Exemplar: dtoExNoTS},
					{CumulativeCount: proto.Uint64(4), UpperBound: proto.Float64(1000)},
					{CumulativeCount: proto.Uint64(5), UpperBound: proto.Float64(math.Inf(1)), Exemplar: dtoExTS},
				},
				CreatedTimestamp: ts(created)}}}},
		{Name: proto.String("latency_seconds"), Help: proto.String("Native latency."), Type: dto.MetricType_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{
				{Label: []*dto.LabelPair{lp("route", "/a")}, Histogram: &dto.Histogram{
					SampleCount: proto.Uint64(14), SampleSum: proto.Float64(-0.75), CreatedTimestamp: ts(created),
					Schema: proto.Int32(3), ZeroThreshold: proto.Float64(2.938735877055719e-39), ZeroCount: proto.Uint64(2),
					NegativeSpan: []*dto.BucketSpan{span(-5, 2), span(3, 1)}, NegativeDelta: []int64{1, 2, -2},
					PositiveSpan: []*dto.BucketSpan{span(0, 1), span(200, 3)}, PositiveDelta: []int64{4, -3, 1, 0},
					Exemplars: []*dto.Exemplar{dtoExTS},
				}},
				{Label: []*dto.LabelPair{lp("route", "/empty")}, Histogram: &dto.Histogram{
					SampleCount: proto.Uint64(0), SampleSum: proto.Float64(0),
					Schema: proto.Int32(-4), ZeroThreshold: proto.Float64(0), ZeroCount: proto.Uint64(0),
					PositiveSpan: []*dto.BucketSpan{span(0, 0)},
				}},
			}},
		{Name: proto.String("queue_wait_seconds"), Help: proto.String("Current waits."), Type: dto.MetricType_GAUGE_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{{Histogram: &dto.Histogram{SampleCount: proto.Uint64(3), SampleSum: proto.Float64(1.5),
				Bucket: []*dto.Bucket{
					{CumulativeCount: proto.Uint64(2), UpperBound: proto.Float64(1)},
					{CumulativeCount: proto.Uint64(3), UpperBound: proto.Float64(math.Inf(1))},
				},
				Schema: proto.Int32(0), ZeroThreshold: proto.Float64(0.001), ZeroCount: proto.Uint64(0),
				PositiveSpan: []*dto.BucketSpan{span(1, 1)}, PositiveDelta: []int64{3},
			}}}},
	}

	reg := prom.NewRegistry()
	reg.SetCreatedSeries(true)
	if err := reg.Register(fams); err != nil {
		t.Fatal(err)
	}
	got := decodeProtobuf(t, collectProtobuf(t, reg, expfmt.Underscores))
	if len(got) != len(want) {
		t.Fatalf("decoded %d families, want %d", len(got), len(want))
	}
	for i := range want {
		if !proto.Equal(got[i], want[i]) {
			t.Errorf("family %d differs\ngot:  %s\nwant: %s", i, prototext.Format(got[i]), prototext.Format(want[i]))
		}
	}

	// The getters Prometheus uses see the same: a native histogram is recognised by its spans.
	empty := got[8].GetMetric()[1].GetHistogram()
	if len(empty.GetPositiveSpan())+len(empty.GetNegativeSpan()) == 0 {
		t.Error("the empty native histogram has no span; Prometheus would take it for a classic histogram")
	}
}

// TestProtobufRoundTripOfOwnMetrics collects the library's own metrics, not hand-built series,
// and checks that the official decoder reads back the values they hold.
func TestProtobufRoundTripOfOwnMetrics(t *testing.T) {
	reg := prom.NewRegistry()
	reg.SetCreatedSeries(true)
	c := prom.Must(prom.NewCounterVec("jobs_total", "Jobs done.", []string{"queue"}, prom.Opts{Registry: reg}))
	g := prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", prom.Opts{Registry: reg}))
	h := prom.Must(prom.NewHistogram("wait_seconds", "Waits.", prom.Opts{Registry: reg, Buckets: []float64{0.1, 1}}))
	c.With("fast").Add(3)
	c.With("slow").Inc()
	g.Set(21.5)
	for _, v := range []float64{0.05, 0.5, 0.7, 3} {
		h.Observe(v)
	}

	got := decodeProtobuf(t, collectProtobuf(t, reg, expfmt.AllowUTF8))
	byName := map[string]*dto.MetricFamily{}
	for _, f := range got {
		byName[f.GetName()] = f
	}
	jobs := byName["jobs_total"]
	if jobs.GetType() != dto.MetricType_COUNTER || len(jobs.GetMetric()) != 2 {
		t.Fatalf("jobs_total: %s", prototext.Format(jobs))
	}
	sum := 0.0
	for _, m := range jobs.GetMetric() {
		sum += m.GetCounter().GetValue()
		if m.GetCounter().GetCreatedTimestamp() == nil || m.GetCounter().GetCreatedTimestamp().AsTime().IsZero() {
			t.Errorf("jobs_total%v has no created timestamp", m.GetLabel())
		}
	}
	if sum != 4 {
		t.Errorf("jobs_total values add up to %v, want 4", sum)
	}
	if v := byName["temperature_celsius"].GetMetric()[0].GetGauge().GetValue(); v != 21.5 {
		t.Errorf("temperature_celsius = %v, want 21.5", v)
	}
	hist := byName["wait_seconds"].GetMetric()[0].GetHistogram()
	if hist.GetSampleCount() != 4 || hist.GetSampleSum() != 4.25 {
		t.Errorf("wait_seconds count %d sum %v, want 4 and 4.25", hist.GetSampleCount(), hist.GetSampleSum())
	}
	var counts []uint64
	for _, b := range hist.GetBucket() {
		counts = append(counts, b.GetCumulativeCount())
	}
	if len(counts) != 3 || counts[0] != 1 || counts[1] != 3 || counts[2] != 4 {
		t.Errorf("wait_seconds cumulative bucket counts %v, want [1 3 4]", counts)
	}
}

// TestProtobufUTF8NamesWithClientModel checks that names outside the legacy set arrive as they
// are under allow-utf-8 and escaped otherwise, and that the decoder accepts them.
func TestProtobufUTF8NamesWithClientModel(t *testing.T) {
	reg := prom.NewRegistry()
	fam := &prom.Family{
		Desc:   mustDesc(t, prom.CounterType, "my.requests", "Dotted.", []string{"http.method"}),
		Series: []prom.Series{{LabelValues: []string{"GET"}, Value: 1}},
	}
	if err := reg.Register(&familiesCollector{[]*prom.Family{fam}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		e           expfmt.Escaping
		name, label string
	}{
		{expfmt.AllowUTF8, "my.requests_total", "http.method"},
		{expfmt.Underscores, "my_requests_total", "http_method"},
		{expfmt.Dots, "my_dot_requests__total", "http_dot_method"},
		{expfmt.Values, "U__my_2e_requests__total", "U__http_2e_method"},
	} {
		got := decodeProtobuf(t, collectProtobuf(t, reg, tt.e))
		if len(got) != 1 || got[0].GetName() != tt.name || got[0].GetMetric()[0].GetLabel()[0].GetName() != tt.label {
			t.Errorf("%v: got %s, want name %q and label %q", tt.e, prototext.Format(got[0]), tt.name, tt.label)
		}
	}
}
