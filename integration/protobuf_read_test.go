package integration

// Package parse reads protobuf as the official types write it: these tests encode with
// client_model's Go types and protodelim, which leave the default type out and write
// repeated scalar fields unpacked (metrics.proto is proto2).

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/proto"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

func encodeDelimited(t *testing.T, fams ...*dto.MetricFamily) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, mf := range fams {
		if _, err := protodelim.MarshalTo(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestParseReadsClientModelProtobuf(t *testing.T) {
	const created = 1_700_000_000_250_000_000
	counter := &dto.MetricFamily{ // no Type: COUNTER, the default
		Name: proto.String("jobs_total"),
		Help: proto.String("Jobs done."),
		Metric: []*dto.Metric{{
			Label: []*dto.LabelPair{lp("queue", "q1")},
			Counter: &dto.Counter{Value: proto.Float64(42), CreatedTimestamp: ts(created),
				Exemplar: &dto.Exemplar{Label: []*dto.LabelPair{lp("trace_id", "abc")}, Value: proto.Float64(1)}},
		}},
	}
	float := &dto.MetricFamily{
		Name: proto.String("latency_seconds"),
		Help: proto.String("A float histogram, as aggregation or scaling makes one."),
		Type: dto.MetricType_HISTOGRAM.Enum(),
		Metric: []*dto.Metric{{
			Histogram: &dto.Histogram{
				SampleCountFloat: proto.Float64(7.5), SampleSum: proto.Float64(3.25),
				Bucket: []*dto.Bucket{
					{UpperBound: proto.Float64(0.1), CumulativeCountFloat: proto.Float64(1.5)},
					{UpperBound: proto.Float64(math.Inf(1)), CumulativeCountFloat: proto.Float64(7.5)},
				},
				Schema: proto.Int32(3), ZeroThreshold: proto.Float64(1e-128), ZeroCountFloat: proto.Float64(0.5),
				PositiveSpan:  []*dto.BucketSpan{span(-2, 2), span(1, 1)},
				PositiveCount: []float64{1.5, 2.25, 0.75},
				NegativeSpan:  []*dto.BucketSpan{span(0, 2)},
				NegativeCount: []float64{1.25, 1.25},
			},
		}},
	}
	integer := &dto.MetricFamily{
		Name: proto.String("size_bytes"),
		Type: dto.MetricType_HISTOGRAM.Enum(),
		Metric: []*dto.Metric{{
			Histogram: &dto.Histogram{
				SampleCount: proto.Uint64(5), SampleSum: proto.Float64(100),
				Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-128), ZeroCount: proto.Uint64(1),
				PositiveSpan:  []*dto.BucketSpan{span(0, 3)},
				PositiveDelta: []int64{1, 1, -1},
			},
		}},
	}
	fs, err := parse.Parse(bytes.NewReader(encodeDelimited(t, counter, float, integer)), expfmt.ProtobufFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 {
		t.Fatalf("read %d families, want 3", len(fs))
	}

	c := fs[0]
	if c.Type != prom.CounterType || c.Name != "jobs" {
		t.Errorf("read a %v family %q, want the counter \"jobs\"", c.Type, c.Name)
	}
	if s := c.Series[0]; s.Value != 42 || s.Created != created || s.Exemplar == nil || s.Exemplar.Value != 1 {
		t.Errorf("counter series %+v, want 42 with its created time and exemplar", s)
	}

	s := fs[1].Series[0]
	wantBuckets := []prom.Bucket{{UpperBound: 0.1, Count: 1.5}, {UpperBound: math.Inf(1), Count: 7.5}}
	if s.Count != 7.5 || s.Sum != 3.25 || !reflect.DeepEqual(s.Buckets, wantBuckets) {
		t.Errorf("float histogram count %v sum %v buckets %+v; want 7.5, 3.25, %+v", s.Count, s.Sum, s.Buckets, wantBuckets)
	}
	wantNative := &prom.NativeHistogram{Schema: 3, ZeroThreshold: 1e-128, ZeroCountFloat: 0.5,
		PositiveSpans: []prom.BucketSpan{{Offset: -2, Length: 2}, {Offset: 1, Length: 1}}, PositiveCounts: []float64{1.5, 2.25, 0.75},
		NegativeSpans: []prom.BucketSpan{{Offset: 0, Length: 2}}, NegativeCounts: []float64{1.25, 1.25}}
	if !reflect.DeepEqual(s.Native, wantNative) {
		t.Errorf("float native histogram %+v, want %+v", s.Native, wantNative)
	}

	s = fs[2].Series[0]
	if s.Count != 5 || s.Native == nil || !reflect.DeepEqual(s.Native.PositiveDeltas, []int64{1, 1, -1}) || s.Native.ZeroCount != 1 {
		t.Errorf("integer native histogram %+v (native %+v), want count 5, deltas 1 1 -1, zero count 1", s, s.Native)
	}
}

// Spans that describe more or fewer buckets than the message holds are refused, as
// Prometheus's protobuf parser refuses them, not cut to fit.
func TestParseRefusesClientModelSpanMismatch(t *testing.T) {
	for _, h := range []*dto.Histogram{
		{SampleCount: proto.Uint64(3), Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-128),
			PositiveSpan: []*dto.BucketSpan{span(0, 3)}, PositiveDelta: []int64{1, 0}},
		{SampleCountFloat: proto.Float64(3), Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-128),
			NegativeSpan: []*dto.BucketSpan{span(0, 1)}, NegativeCount: []float64{1, 2}},
	} {
		mf := &dto.MetricFamily{Name: proto.String("h"), Type: dto.MetricType_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{{Histogram: h}}}
		_, err := parse.Parse(bytes.NewReader(encodeDelimited(t, mf)), expfmt.ProtobufFormat, &parse.Options{Lax: true})
		if err == nil || !strings.Contains(err.Error(), "spans whose lengths add up to the") {
			t.Errorf("%v: error %v, want the span mismatch", h, err)
		}
	}
}
