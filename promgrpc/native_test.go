package promgrpc

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/prom-go/prom"
	promexpfmt "github.com/prom-go/prom/expfmt"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/grpc"
)

// TestNative checks that Opts.NativeFactor gives the handling-time histogram native buckets,
// beside the classic buckets of Opts.Buckets, as Prometheus reads them from protobuf.
func TestNative(t *testing.T) {
	r := prom.NewRegistry()
	sm, err := NewServerMetrics(Opts{Registry: r, NativeFactor: 1.1, Buckets: prom.DefBuckets})
	if err != nil {
		t.Fatal(err)
	}
	handler := func(context.Context, any) (any, error) { return nil, nil }
	sm.UnaryServerInterceptor()(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/s/m"}, handler)

	var buf bytes.Buffer
	enc := promexpfmt.NewEncoder(&buf, promexpfmt.ProtobufFormat, promexpfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	dec := expfmt.NewDecoder(&buf, expfmt.NewFormat(expfmt.TypeProtoDelim))
	for {
		var f dto.MetricFamily
		if err := dec.Decode(&f); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if f.GetName() != "grpc_server_handling_seconds" {
			continue
		}
		h := f.Metric[0].GetHistogram()
		// Factor 1.1 is schema 3 (2^(2^-3) ≈ 1.09).
		// prom writes the +Inf bucket, which client_golang leaves implicit.
		if h.Schema == nil || h.GetSchema() != 3 || h.GetSampleCount() != 1 || len(h.GetBucket()) != len(prom.DefBuckets)+1 {
			t.Fatalf("histogram: schema %d (set: %v), count %d, %d classic buckets; want schema 3, count 1, %d buckets",
				h.GetSchema(), h.Schema != nil, h.GetSampleCount(), len(h.GetBucket()), len(prom.DefBuckets)+1)
		}
		return
	}
	t.Fatal("no grpc_server_handling_seconds family")
}
