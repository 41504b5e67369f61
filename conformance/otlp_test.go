package conformance

// TestOTLPDifferential decodes the requests of package otlp with the official generated Go
// types of OTLP (go.opentelemetry.io/proto/otlp) and holds them, field by field, against a
// request built from the same families with those types by a translation written here on its
// own: the mapping of the OpenTelemetry compatibility specification, dense exponential
// buckets built bucket by bucket, cumulative counts undone. It also checks that the bytes
// are those protobuf-go writes for that request (deterministic marshalling), so any receiver
// reads them the same way.

import (
	"bytes"
	"context"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
	colpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

// otlpFamilies is a collector of fixed families.
type otlpFamilies []*prom.Family

func (fs otlpFamilies) Describe() []*prom.Desc {
	var ds []*prom.Desc
	for _, f := range fs {
		ds = append(ds, &f.Desc)
	}
	return ds
}

func (fs otlpFamilies) Collect(w *prom.Writer) {
	for _, f := range fs {
		if w.Family(&f.Desc) {
			for i := range f.Series {
				w.Emit(&f.Series[i])
			}
		}
	}
}

func otlpEveryType() otlpFamilies {
	tr := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "4bf92f3577b34da6a3ce929d0e0e4736"}, {Name: "span_id", Value: "00f067aa0ba902b7"}, {Name: "user", Value: "ann"}},
		Value: 0.42, Timestamp: 1700000050250000000, HasTimestamp: true}
	upper := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "4BF92F3577B34DA6A3CE929D0E0E4736"}}, Value: 7}
	return otlpFamilies{
		{Desc: prom.Desc{Name: "http_requests", Help: "Requests.", Type: prom.CounterType, LabelNames: []string{"method"}, ConstLabels: []prom.Label{{Name: "zone", Value: "eu"}}},
			Series: []prom.Series{{LabelValues: []string{"GET"}, Value: 1027, Created: 1700000000123456789, Exemplar: tr}, {LabelValues: []string{""}, Value: 0, Exemplar: upper}}},
		{Desc: prom.Desc{Name: "temp_celsius", Help: "T.", Unit: "celsius", Type: prom.GaugeType},
			Series: []prom.Series{{Value: math.Copysign(0, -1)}, {Value: math.Inf(-1), Timestamp: 1600000000000000001, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "queue_bytes_per_second", Unit: "bytes_per_second", Type: prom.Unknown}, Series: []prom.Series{{Value: math.NaN()}}},
		{Desc: prom.Desc{Name: "build", Help: "B.", Type: prom.InfoType}, Series: []prom.Series{{LabelNames: []string{"version"}, LabelValues: []string{"1.0"}}}},
		{Desc: prom.Desc{Name: "mode", Type: prom.StateSetType}, Series: []prom.Series{{States: []prom.State{{Name: "a", Enabled: true}, {Name: "b"}}}}},
		{Desc: prom.Desc{Name: "lat_seconds", Unit: "seconds", Type: prom.HistogramType, LabelNames: []string{"k"}},
			Series: []prom.Series{
				{LabelValues: []string{"classic"}, Count: 7, Sum: -2.5, Created: 1700000000000000000, Buckets: []prom.Bucket{{UpperBound: -1, Count: 1}, {UpperBound: 0.5, Count: 1, Exemplar: tr}, {UpperBound: 10, Count: 6}, {UpperBound: math.Inf(1), Count: 7}}},
				{LabelValues: []string{"only-inf"}, Count: 0, Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 0}}},
				{LabelValues: []string{"native"}, Count: 12, Sum: 3, Native: &prom.NativeHistogram{Schema: -2, ZeroThreshold: 1e-9, ZeroCount: 1,
					PositiveSpans: []prom.BucketSpan{{Offset: -3, Length: 2}, {Offset: 4, Length: 3}}, PositiveDeltas: []int64{2, -1, 3, -3, 1},
					NegativeSpans: []prom.BucketSpan{{Offset: 5, Length: 1}}, NegativeDeltas: []int64{3}, Exemplars: []*prom.Exemplar{tr}}},
				{LabelValues: []string{"float"}, Count: 4, Sum: 1, Native: &prom.NativeHistogram{Schema: 8, ZeroCountFloat: 1,
					PositiveSpans: []prom.BucketSpan{{Offset: 100, Length: 1}}, PositiveCounts: []float64{3}}},
			}},
		{Desc: prom.Desc{Name: "rpc_seconds", Unit: "seconds", Type: prom.SummaryType},
			Series: []prom.Series{{Count: 3, Sum: 0, Created: 1700000000000000000, Quantiles: []prom.Quantile{{Quantile: 0, Value: 0}, {Quantile: 0.5, Value: 1}, {Quantile: 1, Value: math.NaN()}}}}},
		{Desc: prom.Desc{Name: "gh", Type: prom.GaugeHistogramType}, Series: []prom.Series{{Count: 1, Sum: 1, Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 1}}}}},
	}
}

func kv(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

// labelsOf gives the attributes of a series: constant labels, then variable ones.
func labelsOf(d *prom.Desc, s *prom.Series) []*commonpb.KeyValue {
	var out []*commonpb.KeyValue
	for _, l := range d.ConstLabels {
		out = append(out, kv(l.Name, l.Value))
	}
	names := d.LabelNames
	if s.LabelNames != nil {
		names = s.LabelNames
	}
	for i, v := range s.LabelValues {
		out = append(out, kv(names[i], v))
	}
	return out
}

func wantExemplar(x *prom.Exemplar, now uint64) *metricspb.Exemplar {
	e := &metricspb.Exemplar{TimeUnixNano: now, Value: &metricspb.Exemplar_AsDouble{AsDouble: x.Value}}
	if x.HasTimestamp {
		e.TimeUnixNano = uint64(x.Timestamp)
	}
	for _, l := range x.Labels {
		b, err := hex.DecodeString(l.Value)
		isLower := l.Value == hex.EncodeToString(b)
		switch {
		case l.Name == "trace_id" && err == nil && len(b) == 16 && isLower:
			e.TraceId = b
		case l.Name == "span_id" && err == nil && len(b) == 8 && isLower:
			e.SpanId = b
		default:
			e.FilteredAttributes = append(e.FilteredAttributes, kv(l.Name, l.Value))
		}
	}
	return e
}

// dense turns prom spans and counts into the OTLP offset and dense counts, bucket by bucket:
// prom's bucket i is OTLP's bucket i-1.
func dense(spans []prom.BucketSpan, deltas []int64, counts []float64) *metricspb.ExponentialHistogramDataPoint_Buckets {
	m := map[int]uint64{}
	idx, k, c := 0, 0, int64(0)
	for _, sp := range spans {
		idx += int(sp.Offset)
		for j := 0; j < int(sp.Length); j++ {
			if counts != nil {
				m[idx-1] = uint64(counts[k])
			} else {
				c += deltas[k]
				m[idx-1] = uint64(c)
			}
			idx++
			k++
		}
	}
	if len(m) == 0 {
		return nil
	}
	var keys []int
	for i := range m {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	b := &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: int32(keys[0])}
	for i := keys[0]; i <= keys[len(keys)-1]; i++ {
		b.BucketCounts = append(b.BucketCounts, m[i])
	}
	return b
}

var ucumOf = map[string]string{"seconds": "s", "celsius": "Cel", "bytes": "By"}

// wantRequest translates fs as the specification says, with the official types.
func wantRequest(fs otlpFamilies, resource []*commonpb.KeyValue, now uint64) *colpb.ExportMetricsServiceRequest {
	cum := metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE
	var metrics []*metricspb.Metric
	for _, f := range fs {
		d := &f.Desc
		m := &metricspb.Metric{Name: d.Name, Description: d.Help, Unit: ucumOf[d.Unit], Metadata: []*commonpb.KeyValue{kv("prometheus.type", d.Type.String())}}
		ts := func(s *prom.Series) uint64 {
			if s.HasTimestamp {
				return uint64(s.Timestamp)
			}
			return now
		}
		number := func(s *prom.Series, v float64, start int64, extra ...*commonpb.KeyValue) *metricspb.NumberDataPoint {
			p := &metricspb.NumberDataPoint{StartTimeUnixNano: uint64(start), TimeUnixNano: ts(s), Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: v}, Attributes: append(labelsOf(d, s), extra...)}
			if s.Exemplar != nil {
				p.Exemplars = []*metricspb.Exemplar{wantExemplar(s.Exemplar, now)}
			}
			return p
		}
		switch d.Type {
		case prom.CounterType:
			sum := &metricspb.Sum{AggregationTemporality: cum, IsMonotonic: true}
			for i := range f.Series {
				sum.DataPoints = append(sum.DataPoints, number(&f.Series[i], f.Series[i].Value, f.Series[i].Created))
			}
			m.Data = &metricspb.Metric_Sum{Sum: sum}
		case prom.GaugeType, prom.Unknown:
			g := &metricspb.Gauge{}
			for i := range f.Series {
				g.DataPoints = append(g.DataPoints, number(&f.Series[i], f.Series[i].Value, 0))
			}
			m.Data = &metricspb.Metric_Gauge{Gauge: g}
		case prom.InfoType:
			m.Name += "_info"
			sum := &metricspb.Sum{AggregationTemporality: cum}
			for i := range f.Series {
				sum.DataPoints = append(sum.DataPoints, number(&f.Series[i], 1, 0))
			}
			m.Data = &metricspb.Metric_Sum{Sum: sum}
		case prom.StateSetType:
			sum := &metricspb.Sum{AggregationTemporality: cum}
			for i := range f.Series {
				for _, st := range f.Series[i].States {
					v := 0.0
					if st.Enabled {
						v = 1
					}
					sum.DataPoints = append(sum.DataPoints, number(&f.Series[i], v, 0, kv(d.Name, st.Name)))
				}
			}
			m.Data = &metricspb.Metric_Sum{Sum: sum}
		case prom.HistogramType:
			exp := &metricspb.ExponentialHistogram{AggregationTemporality: cum}
			cl := &metricspb.Histogram{AggregationTemporality: cum}
			for i := range f.Series {
				s := &f.Series[i]
				if h := s.Native; h != nil {
					p := &metricspb.ExponentialHistogramDataPoint{Attributes: labelsOf(d, s), StartTimeUnixNano: uint64(s.Created), TimeUnixNano: ts(s),
						Count: uint64(s.Count), Sum: proto.Float64(s.Sum), Scale: h.Schema, ZeroCount: h.ZeroCount + uint64(h.ZeroCountFloat), ZeroThreshold: h.ZeroThreshold,
						Positive: dense(h.PositiveSpans, h.PositiveDeltas, h.PositiveCounts), Negative: dense(h.NegativeSpans, h.NegativeDeltas, h.NegativeCounts)}
					for _, x := range h.Exemplars {
						p.Exemplars = append(p.Exemplars, wantExemplar(x, now))
					}
					exp.DataPoints = append(exp.DataPoints, p)
					continue
				}
				p := &metricspb.HistogramDataPoint{Attributes: labelsOf(d, s), StartTimeUnixNano: uint64(s.Created), TimeUnixNano: ts(s), Count: uint64(s.Count), Sum: proto.Float64(s.Sum)}
				prev := 0.0
				for _, b := range s.Buckets {
					p.BucketCounts = append(p.BucketCounts, uint64(b.Count-prev))
					prev = b.Count
					if !math.IsInf(b.UpperBound, 1) {
						p.ExplicitBounds = append(p.ExplicitBounds, b.UpperBound)
					}
					if b.Exemplar != nil {
						p.Exemplars = append(p.Exemplars, wantExemplar(b.Exemplar, now))
					}
				}
				cl.DataPoints = append(cl.DataPoints, p)
			}
			if len(exp.DataPoints) > 0 {
				m.Data = &metricspb.Metric_ExponentialHistogram{ExponentialHistogram: exp}
				metrics = append(metrics, m)
				m = proto.Clone(m).(*metricspb.Metric)
			}
			m.Data = &metricspb.Metric_Histogram{Histogram: cl}
		case prom.SummaryType:
			sm := &metricspb.Summary{}
			for i := range f.Series {
				s := &f.Series[i]
				p := &metricspb.SummaryDataPoint{Attributes: labelsOf(d, s), StartTimeUnixNano: uint64(s.Created), TimeUnixNano: ts(s), Count: uint64(s.Count), Sum: s.Sum}
				for _, q := range s.Quantiles {
					p.QuantileValues = append(p.QuantileValues, &metricspb.SummaryDataPoint_ValueAtQuantile{Quantile: q.Quantile, Value: q.Value})
				}
				sm.DataPoints = append(sm.DataPoints, p)
			}
			m.Data = &metricspb.Metric_Summary{Summary: sm}
		default:
			continue // gauge histograms are dropped
		}
		metrics = append(metrics, m)
	}
	return &colpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{{
		Resource:     &resourcepb.Resource{Attributes: resource},
		ScopeMetrics: []*metricspb.ScopeMetrics{{Scope: &commonpb.InstrumentationScope{Name: "github.com/prom-go/prom"}, Metrics: metrics}},
	}}}
}

// pushOf returns the decoded request of fs, and the time the exporter stamped its points
// with.
func pushOf(t *testing.T, fs otlpFamilies, target map[string]string) (*colpb.ExportMetricsServiceRequest, []byte, uint64) {
	t.Helper()
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {})
	if err := reg.Register(fs); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetTargetInfo(target); err != nil {
		t.Fatal(err)
	}
	e, err := otlp.New(reg, otlp.Options{URL: "http://127.0.0.1:1", Resource: map[string]string{"service.name": "svc", "service.instance.id": "i-1"}})
	if err != nil {
		t.Fatal(err)
	}
	before := uint64(time.Now().UnixNano())
	b, err := e.AppendRequest(context.Background(), nil)
	after := uint64(time.Now().UnixNano())
	if err != nil {
		t.Fatal(err)
	}
	req := &colpb.ExportMetricsServiceRequest{}
	if err := proto.Unmarshal(b, req); err != nil {
		t.Fatalf("the official types cannot read the request: %v", err)
	}
	var now uint64
	for _, rm := range req.ResourceMetrics {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if g := m.GetGauge(); g != nil && len(g.DataPoints) > 0 {
					now = g.DataPoints[0].TimeUnixNano
				}
				if s := m.GetSum(); s != nil && len(s.DataPoints) > 0 {
					now = s.DataPoints[0].TimeUnixNano
				}
			}
		}
	}
	if now < before || now > after {
		t.Fatalf("points stamped %d, not within the push [%d, %d]", now, before, after)
	}
	return req, b, now
}

func TestOTLPDifferential(t *testing.T) {
	fs := otlpEveryType()
	got, b, now := pushOf(t, fs, map[string]string{"env": "prod", "service_x": "1"})
	want := wantRequest(fs, []*commonpb.KeyValue{kv("env", "prod"), kv("service.instance.id", "i-1"), kv("service.name", "svc"), kv("service_x", "1")}, now)
	if !proto.Equal(got, want) {
		t.Fatalf("the request differs from the specification's translation\ngot:\n%s\nwant:\n%s", prototext.Format(got), prototext.Format(want))
	}
	wb, err := proto.MarshalOptions{Deterministic: true}.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, wb) {
		i := 0
		for i < len(b) && i < len(wb) && b[i] == wb[i] {
			i++
		}
		lo := max(0, i-24)
		t.Errorf("same request, other bytes than protobuf-go's (%d and %d bytes), from byte %d:\n ours %x\nproto %x", len(b), len(wb), i, b[lo:min(len(b), i+24)], wb[lo:min(len(wb), i+24)])
	}
}

// TestOTLPNativeRandom holds random native histograms, integer and float, of every schema,
// against the bucket-by-bucket translation, and checks in the decoded request that each
// OTLP bucket has the bounds of the prom bucket it came from.
func TestOTLPNativeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 17))
	for n := 0; n < 300; n++ {
		h := &prom.NativeHistogram{Schema: int32(r.IntN(13) - 4), ZeroThreshold: math.Ldexp(1, -128), ZeroCount: uint64(r.IntN(3))}
		float := r.IntN(4) == 0
		total := float64(h.ZeroCount)
		for sideN := 0; sideN < 2; sideN++ {
			var spans []prom.BucketSpan
			var deltas []int64
			var counts []float64
			prev := int64(0)
			for s := r.IntN(4); s > 0; s-- {
				sp := prom.BucketSpan{Offset: int32(r.IntN(40) - 20), Length: uint32(r.IntN(5))}
				if len(spans) > 0 {
					sp.Offset = int32(r.IntN(10))
				}
				spans = append(spans, sp)
				for j := 0; j < int(sp.Length); j++ {
					c := int64(r.IntN(100))
					total += float64(c)
					if float {
						counts = append(counts, float64(c))
					} else {
						deltas = append(deltas, c-prev)
					}
					prev = c
				}
			}
			if sideN == 0 {
				h.PositiveSpans, h.PositiveDeltas, h.PositiveCounts = spans, deltas, counts
			} else {
				h.NegativeSpans, h.NegativeDeltas, h.NegativeCounts = spans, deltas, counts
			}
		}
		if float {
			h.ZeroCountFloat, h.ZeroCount = float64(h.ZeroCount), 0
			if h.PositiveCounts == nil {
				h.PositiveCounts = []float64{}
			}
		}
		fs := otlpFamilies{{Desc: prom.Desc{Name: "h", Type: prom.HistogramType}, Series: []prom.Series{{Count: total, Sum: 1, Native: h}}}}
		got, _, now := pushOfHistogram(t, fs)
		want := wantRequest(fs, nil, now)
		wantPoint := want.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].GetExponentialHistogram().DataPoints[0]
		gotPoint := got.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].GetExponentialHistogram().DataPoints[0]
		wantPoint.TimeUnixNano = gotPoint.TimeUnixNano
		if !proto.Equal(gotPoint, wantPoint) {
			t.Fatalf("histogram %+v\ngot:\n%s\nwant:\n%s", h, prototext.Format(gotPoint), prototext.Format(wantPoint))
		}
		checkBounds(t, h, gotPoint)
	}
}

// pushOfHistogram is pushOf for families without a gauge or sum to read the time from.
func pushOfHistogram(t *testing.T, fs otlpFamilies) (*colpb.ExportMetricsServiceRequest, []byte, uint64) {
	t.Helper()
	reg := prom.NewRegistry()
	if err := reg.Register(fs); err != nil {
		t.Fatal(err)
	}
	e, err := otlp.New(reg, otlp.Options{URL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.AppendRequest(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req := &colpb.ExportMetricsServiceRequest{}
	if err := proto.Unmarshal(b, req); err != nil {
		t.Fatal(err)
	}
	return req, b, 0
}

// checkBounds checks that the upper bound of every prom bucket, 2^(i·2^-schema), is the upper
// bound of the OTLP bucket holding its count, base^(index+1) with base 2^(2^-scale).
func checkBounds(t *testing.T, h *prom.NativeHistogram, p *metricspb.ExponentialHistogramDataPoint) {
	t.Helper()
	upper := func(i int, schema int32) float64 { return math.Exp2(float64(i) * math.Exp2(-float64(schema))) }
	idx := 0
	for _, sp := range h.PositiveSpans {
		idx += int(sp.Offset)
		for j := 0; j < int(sp.Length); j++ {
			o := idx - int(p.Positive.GetOffset()) - 1 // position in the dense counts
			if o < 0 || o >= len(p.Positive.GetBucketCounts()) {
				t.Fatalf("prom bucket %d has no OTLP bucket", idx)
			}
			if got, want := upper(int(p.Positive.Offset)+o+1, p.Scale), upper(idx, h.Schema); got != want {
				t.Fatalf("prom bucket %d (le %v) went to an OTLP bucket with upper bound %v", idx, want, got)
			}
			idx++
		}
	}
}
