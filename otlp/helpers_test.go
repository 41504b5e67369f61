package otlp_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
)

// families is a collector of fixed families, written as they are: tests control every field
// of every series, created and exemplar times included.
type families []*prom.Family

func (fs families) Describe() []*prom.Desc {
	ds := make([]*prom.Desc, len(fs))
	for i, f := range fs {
		ds[i] = &f.Desc
	}
	return ds
}

func (fs families) Collect(w *prom.Writer) {
	for _, f := range fs {
		if w.Family(&f.Desc) {
			for i := range f.Series {
				w.Emit(&f.Series[i])
			}
		}
	}
}

// testNow is the time of every push of the tests that compare bytes.
var testNow = time.Unix(1700000100, 5e8)

// Times in the test families, in nanoseconds since the epoch.
const (
	created1 = 1700000000123456789
	exTime   = 1700000050250000000
)

// allTypes returns one family of every type, with constant and variable labels, created
// times, exemplars with and without trace IDs, a classic and a native histogram.
func allTypes() families {
	traceEx := &prom.Exemplar{
		Labels:    []prom.Label{{Name: "trace_id", Value: "4bf92f3577b34da6a3ce929d0e0e4736"}, {Name: "span_id", Value: "00f067aa0ba902b7"}, {Name: "user", Value: "ann"}},
		Value:     0.42,
		Timestamp: exTime, HasTimestamp: true,
	}
	plainEx := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "not-hex"}}, Value: 3}
	return families{
		{Desc: prom.Desc{Name: "http_requests", Help: "Requests handled.", Type: prom.CounterType,
			LabelNames: []string{"method", "code"}, ConstLabels: []prom.Label{{Name: "zone", Value: "eu"}}},
			Series: []prom.Series{
				{LabelValues: []string{"GET", "200"}, Value: 1027, Created: created1, Exemplar: traceEx},
				{LabelValues: []string{"POST", "500"}, Value: 3, Exemplar: plainEx},
			}},
		{Desc: prom.Desc{Name: "temperature_celsius", Help: "Temperature.", Unit: "celsius", Type: prom.GaugeType},
			Series: []prom.Series{{Value: -3.5}}},
		{Desc: prom.Desc{Name: "legacy_thing", Help: "Untyped.", Type: prom.Unknown},
			Series: []prom.Series{{Value: 0, Timestamp: 1600000000000000000, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "build", Help: "Build.", Type: prom.InfoType},
			Series: []prom.Series{{LabelNames: []string{"version", "revision"}, LabelValues: []string{"1.2.3", "abc"}}}},
		{Desc: prom.Desc{Name: "feature", Help: "Features.", Type: prom.StateSetType, LabelNames: []string{"node"}},
			Series: []prom.Series{{LabelValues: []string{"n1"}, States: []prom.State{{Name: "on", Enabled: true}, {Name: "off"}}}}},
		{Desc: prom.Desc{Name: "request_duration_seconds", Help: "Latency.", Unit: "seconds", Type: prom.HistogramType},
			Series: []prom.Series{{Count: 6, Sum: 2.5, Created: created1, Buckets: []prom.Bucket{
				{UpperBound: 0.1, Count: 1}, {UpperBound: 1, Count: 5, Exemplar: traceEx}, {UpperBound: math.Inf(1), Count: 6}}}}},
		{Desc: prom.Desc{Name: "rpc_latency_seconds", Help: "Native.", Unit: "seconds", Type: prom.HistogramType, LabelNames: []string{"rpc"}},
			Series: []prom.Series{{LabelValues: []string{"get"}, Count: 9, Sum: 1.25, Created: created1,
				Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 9}},
				Native: &prom.NativeHistogram{Schema: 3, ZeroThreshold: math.Ldexp(1, -128), ZeroCount: 2,
					PositiveSpans: []prom.BucketSpan{{Offset: -2, Length: 2}, {Offset: 3, Length: 1}}, PositiveDeltas: []int64{1, 1, -1},
					NegativeSpans: []prom.BucketSpan{{Offset: 0, Length: 1}}, NegativeDeltas: []int64{4},
					Exemplars: []*prom.Exemplar{traceEx}}}}},
		{Desc: prom.Desc{Name: "gc_pause_seconds", Help: "Pauses.", Unit: "seconds", Type: prom.SummaryType},
			Series: []prom.Series{{Count: 10, Sum: 1.5, Created: created1, Quantiles: []prom.Quantile{{Quantile: 0, Value: 0.01}, {Quantile: 0.5, Value: 0.1}, {Quantile: 0.99, Value: math.NaN()}}}}},
		{Desc: prom.Desc{Name: "queue_size", Help: "Dropped: a gauge histogram.", Type: prom.GaugeHistogramType},
			Series: []prom.Series{{Count: 1, Sum: 1, Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 1}}}}},
	}
}

// newRegistry returns a registry holding fs, with a target_info.
func newRegistry(t testing.TB, fs families) *prom.Registry {
	t.Helper()
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {})
	if err := reg.Register(fs); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetTargetInfo(map[string]string{"env": "prod", "region": "eu-west"}); err != nil {
		t.Fatal(err)
	}
	return reg
}

// newExporter returns an Exporter of reg to url with a fixed clock and resource.
func newExporter(t testing.TB, reg *prom.Registry, url string) *otlp.Exporter {
	t.Helper()
	o := otlp.Options{URL: url, Resource: map[string]string{
		"service.name": "checkout", "service.instance.id": "checkout-1", "region": "us-east"}}
	otlp.FakeWaits(&o, &otlp.Waits{}) // retries without sleeping
	e, err := otlp.New(reg, o)
	if err != nil {
		t.Fatal(err)
	}
	otlp.SetNow(e, func() time.Time { return testNow })
	return e
}

// request returns the body of reg's request, dumped.
func request(t testing.TB, reg *prom.Registry) ([]byte, string, error) {
	t.Helper()
	e := newExporter(t, reg, "http://127.0.0.1:1/v1/metrics")
	b, err := e.AppendRequest(context.Background(), nil)
	text, derr := dump(b)
	if derr != nil {
		t.Fatalf("the request does not follow the schema: %v\n%s", derr, text)
	}
	return b, text, err
}
