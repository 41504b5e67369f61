package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	colpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"
)

// One OTLP push of 10,000 counter series (http_requests_total with method × route, 10 × 1000
// label values), encoded as an ExportMetricsServiceRequest:
//
//	prom                    otlp.Exporter.AppendRequest: the registry collected and encoded
//	                        by hand into a reused buffer
//	baseline-proto          the same request built with the official Go types
//	                        (go.opentelemetry.io/proto/otlp) from the collected families and
//	                        marshalled with protobuf-go, as a translator built on the
//	                        generated types does at each push
//	baseline-proto-marshal  proto.Marshal alone of that request, built once: the floor of any
//	                        encoder that keeps the request as generated structs
//
// BenchmarkOTLPPush10k sends it to a local server that reads and discards the body:
// prom's Exporter.Push against the OpenTelemetry SDK's path, a ManualReader's Collect and
// the otlpmetrichttp exporter's Export, with the same 10,000 series in a Float64Counter.
// BenchmarkOTLPPushGzip10k does the same with gzip compression on both sides.

const (
	otlpMethods = 10
	otlpRoutes  = 1000
)

func otlpPromRegistry(b *testing.B) *prom.Registry {
	reg := prom.NewRegistry()
	c := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "route"}, prom.Opts{Registry: reg}))
	for m := 0; m < otlpMethods; m++ {
		for r := 0; r < otlpRoutes; r++ {
			c.With(fmt.Sprintf("M%d", m), fmt.Sprintf("/route/%d", r)).Add(float64(m*r + 1))
		}
	}
	return reg
}

// otlpSink is a receiver that reads and discards each request.
func otlpSink(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// familiesEncoder collects a registry into plain families, for the official-types rows.
type familiesEncoder struct{ fams []*prom.Family }

func (f *familiesEncoder) Family(d *prom.Desc) {
	f.fams = append(f.fams, &prom.Family{Desc: *d})
}

func (f *familiesEncoder) Series(d *prom.Desc, s *prom.Series) {
	fam := f.fams[len(f.fams)-1]
	fam.Series = append(fam.Series, prom.Series{LabelValues: append([]string(nil), s.LabelValues...), Value: s.Value, Created: s.Created})
}

func otlpKV(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

// otlpOfficial builds the request of a counter family with the official types.
func otlpOfficial(fams []*prom.Family, now uint64) *colpb.ExportMetricsServiceRequest {
	var ms []*metricspb.Metric
	for _, f := range fams {
		sum := &metricspb.Sum{AggregationTemporality: metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE, IsMonotonic: true}
		for i := range f.Series {
			s := &f.Series[i]
			attrs := make([]*commonpb.KeyValue, len(s.LabelValues))
			for j, v := range s.LabelValues {
				attrs[j] = otlpKV(f.LabelNames[j], v)
			}
			sum.DataPoints = append(sum.DataPoints, &metricspb.NumberDataPoint{Attributes: attrs, StartTimeUnixNano: uint64(s.Created), TimeUnixNano: now,
				Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: s.Value}})
		}
		ms = append(ms, &metricspb.Metric{Name: f.Name, Description: f.Help, Data: &metricspb.Metric_Sum{Sum: sum}})
	}
	return &colpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{{
		Resource:     &resourcepb.Resource{Attributes: []*commonpb.KeyValue{otlpKV("service.name", "bench")}},
		ScopeMetrics: []*metricspb.ScopeMetrics{{Scope: &commonpb.InstrumentationScope{Name: "github.com/prom-go/prom"}, Metrics: ms}},
	}}}
}

func BenchmarkOTLPEncode10k(b *testing.B) {
	reg := otlpPromRegistry(b)
	ctx := context.Background()
	b.Run("prom", func(b *testing.B) {
		e, err := otlp.New(reg, otlp.Options{URL: "http://127.0.0.1:1", Resource: map[string]string{"service.name": "bench"}})
		if err != nil {
			b.Fatal(err)
		}
		buf, _ := e.AppendRequest(ctx, nil)
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			buf, err = e.AppendRequest(ctx, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-proto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f familiesEncoder
			if err := reg.Collect(ctx, &f); err != nil {
				b.Fatal(err)
			}
			if _, err := proto.Marshal(otlpOfficial(f.fams, 1)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-proto-marshal", func(b *testing.B) {
		var f familiesEncoder
		if err := reg.Collect(ctx, &f); err != nil {
			b.Fatal(err)
		}
		req := otlpOfficial(f.fams, 1)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := proto.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOTLPPush10k(b *testing.B)     { benchmarkOTLPPush(b, false) }
func BenchmarkOTLPPushGzip10k(b *testing.B) { benchmarkOTLPPush(b, true) }

// benchmarkOTLPPush pushes the 10,000 series, compressed with gzip when gz is set.
func benchmarkOTLPPush(b *testing.B, gz bool) {
	ctx := context.Background()
	b.Run("prom", func(b *testing.B) {
		srv := otlpSink(b)
		e, err := otlp.New(otlpPromRegistry(b), otlp.Options{URL: srv.URL, Gzip: gz, Resource: map[string]string{"service.name": "bench"}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := e.Push(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("otel", func(b *testing.B) {
		srv := otlpSink(b)
		reader := sdkmetric.NewManualReader()
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader),
			sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "bench"))),
			sdkmetric.WithCardinalityLimit(0))
		defer mp.Shutdown(ctx)
		c, err := mp.Meter("bench").Float64Counter("http_requests", metric.WithDescription("Requests."))
		if err != nil {
			b.Fatal(err)
		}
		for m := 0; m < otlpMethods; m++ {
			for r := 0; r < otlpRoutes; r++ {
				c.Add(ctx, float64(m*r+1), metric.WithAttributes(attribute.String("method", fmt.Sprintf("M%d", m)), attribute.String("route", fmt.Sprintf("/route/%d", r))))
			}
		}
		opts := []otlpmetrichttp.Option{otlpmetrichttp.WithEndpointURL(srv.URL + "/v1/metrics"), otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: false})}
		if gz {
			opts = append(opts, otlpmetrichttp.WithCompression(otlpmetrichttp.GzipCompression))
		}
		exp, err := otlpmetrichttp.New(ctx, opts...)
		if err != nil {
			b.Fatal(err)
		}
		defer exp.Shutdown(ctx)
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(ctx, &rm); err != nil {
			b.Fatal(err)
		}
		if n := rm.ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[float64]).DataPoints; len(n) != otlpMethods*otlpRoutes {
			b.Fatalf("the SDK holds %d series, want %d", len(n), otlpMethods*otlpRoutes)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := reader.Collect(ctx, &rm); err != nil {
				b.Fatal(err)
			}
			if err := exp.Export(ctx, &rm); err != nil {
				b.Fatal(err)
			}
		}
	})
}
