package conformance

import (
	"bytes"
	"testing"

	promfmt "github.com/prom-go/prom/expfmt"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ownProtobuf returns the protobuf documents of the findings, built with client_model's
// Go types as a Go exporter builds them.
func ownProtobuf(t *testing.T) []document {
	ts := timestamppb.New(timestamppb.Now().AsTime().Truncate(1e9))
	cases := map[string][]*dto.MetricFamily{
		// No type field: the zero value, COUNTER, is left out by encoders that omit defaults.
		"finding-proto-no-type": {{
			Name: proto.String("requests_total"),
			Metric: []*dto.Metric{{Counter: &dto.Counter{Value: proto.Float64(3), CreatedTimestamp: ts,
				Exemplar: &dto.Exemplar{Label: []*dto.LabelPair{{Name: proto.String("trace_id"), Value: proto.String("a")}}, Value: proto.Float64(1), Timestamp: ts}}}},
		}},
		"finding-proto-float-histogram": {{
			Name: proto.String("fh"), Type: dto.MetricType_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{{Histogram: &dto.Histogram{SampleCountFloat: proto.Float64(2.5), SampleSum: proto.Float64(3),
				Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-128), ZeroCountFloat: proto.Float64(0.5),
				PositiveSpan: []*dto.BucketSpan{{Offset: proto.Int32(0), Length: proto.Uint32(2)}}, PositiveCount: []float64{1.5, 0.5}}}},
		}},
		"finding-proto-span-mismatch": {{
			Name: proto.String("nh"), Type: dto.MetricType_HISTOGRAM.Enum(),
			Metric: []*dto.Metric{{Histogram: &dto.Histogram{SampleCount: proto.Uint64(6), SampleSum: proto.Float64(3),
				Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-128), ZeroCount: proto.Uint64(0),
				PositiveSpan: []*dto.BucketSpan{{Offset: proto.Int32(0), Length: proto.Uint32(3)}}, PositiveDelta: []int64{1, 1}}}},
		}},
		"proto-features": {
			{Name: proto.String("g"), Help: proto.String("A gauge."), Type: dto.MetricType_GAUGE.Enum(), Unit: proto.String("seconds"),
				Metric: []*dto.Metric{{Label: []*dto.LabelPair{{Name: proto.String("a.b"), Value: proto.String("ü\n")}}, Gauge: &dto.Gauge{Value: proto.Float64(-0.5)}, TimestampMs: proto.Int64(1700000000123)}}},
			{Name: proto.String("s"), Type: dto.MetricType_SUMMARY.Enum(),
				Metric: []*dto.Metric{{Summary: &dto.Summary{SampleCount: proto.Uint64(3), SampleSum: proto.Float64(4), CreatedTimestamp: ts,
					Quantile: []*dto.Quantile{{Quantile: proto.Float64(0.5), Value: proto.Float64(1)}}}}}},
			{Name: proto.String("h"), Type: dto.MetricType_HISTOGRAM.Enum(),
				Metric: []*dto.Metric{{Histogram: &dto.Histogram{SampleCount: proto.Uint64(4), SampleSum: proto.Float64(2), CreatedTimestamp: ts,
					Bucket: []*dto.Bucket{{UpperBound: proto.Float64(1), CumulativeCount: proto.Uint64(3)}, {UpperBound: proto.Float64(2), CumulativeCount: proto.Uint64(4)}},
					Schema: proto.Int32(2), ZeroThreshold: proto.Float64(0.001), ZeroCount: proto.Uint64(1),
					PositiveSpan: []*dto.BucketSpan{{Offset: proto.Int32(-1), Length: proto.Uint32(2)}, {Offset: proto.Int32(3), Length: proto.Uint32(1)}}, PositiveDelta: []int64{1, 0, 0},
					NegativeSpan: []*dto.BucketSpan{{Offset: proto.Int32(0), Length: proto.Uint32(1)}}, NegativeDelta: []int64{0}}}}},
			{Name: proto.String("u"), Type: dto.MetricType_UNTYPED.Enum(), Metric: []*dto.Metric{{Untyped: &dto.Untyped{Value: proto.Float64(7)}}}},
		},
	}
	var docs []document
	for name, fams := range cases {
		var b bytes.Buffer
		for _, f := range fams {
			if _, err := protodelim.MarshalTo(&b, f); err != nil {
				t.Fatal(err)
			}
		}
		docs = append(docs, document{source: "own", name: name, format: promfmt.ProtobufFormat, data: b.Bytes()})
	}
	return docs
}
