package promgrpc

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	promexpfmt "github.com/prom-go/prom/expfmt"
	"google.golang.org/grpc"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
)

// openMetrics returns r's exposition in OpenMetrics, the format that carries exemplars.
func openMetrics(t *testing.T, r *prom.Registry) string {
	t.Helper()
	var buf bytes.Buffer
	enc := promexpfmt.NewEncoder(&buf, promexpfmt.OpenMetricsFormat, promexpfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// hasLine reports whether text has a line that starts with prefix and contains part.
func hasLine(text, prefix, part string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, part) {
			return true
		}
	}
	return false
}

type traceKey struct{}

// TestExemplar checks that the trace of a call becomes the exemplar of its handled counter and
// handling-time histogram: on the server from Opts.Exemplar (here reading the call's
// metadata), on the client from the registry's exemplar hook; and that a call without a trace
// gives none.
func TestExemplar(t *testing.T) {
	sreg, creg := prom.NewRegistry(), prom.NewRegistry()
	sm, err := NewServerMetrics(Opts{Registry: sreg, Exemplar: func(ctx context.Context) []prom.Label {
		md, _ := metadata.FromIncomingContext(ctx)
		if v := md.Get("trace-id"); len(v) == 1 {
			return []prom.Label{{Name: "trace_id", Value: v[0]}}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	creg.SetExemplarHook(func(ctx context.Context) []prom.Label {
		if v, ok := ctx.Value(traceKey{}).(string); ok {
			return []prom.Label{{Name: "trace_id", Value: v}}
		}
		return nil
	})
	cm, err := NewClientMetrics(Opts{Registry: creg})
	if err != nil {
		t.Fatal(err)
	}
	srv, conn := startService(t, &testService{},
		[]grpc.ServerOption{grpc.ChainUnaryInterceptor(sm.UnaryServerInterceptor()), grpc.ChainStreamInterceptor(sm.StreamServerInterceptor())},
		grpc.WithChainUnaryInterceptor(cm.UnaryClientInterceptor()), grpc.WithChainStreamInterceptor(cm.StreamClientInterceptor()))
	c := testpb.NewTestServiceClient(conn)

	ctx := metadata.AppendToOutgoingContext(context.Background(), "trace-id", "4bf92f3577b34da6a3ce929d0e0e4736")
	ctx = context.WithValue(ctx, traceKey{}, "4bf92f3577b34da6a3ce929d0e0e4736")
	if _, err := c.EmptyCall(ctx, &testpb.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UnaryCall(context.Background(), &testpb.SimpleRequest{}); err != nil {
		t.Fatal(err)
	}
	srv.GracefulStop()

	const ex = `# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} `
	for side, text := range map[string]string{"server": openMetrics(t, sreg), "client": openMetrics(t, creg)} {
		if !hasLine(text, "grpc_"+side+`_handled_total{grpc_type="unary",grpc_service="grpc.testing.TestService",grpc_method="EmptyCall",grpc_code="OK"} 1.0 `, ex+"1.0 ") {
			t.Errorf("%s: no exemplar on the handled counter:\n%s", side, text)
		}
		if !hasLine(text, "grpc_"+side+`_handling_seconds_bucket{grpc_type="unary",grpc_service="grpc.testing.TestService",grpc_method="EmptyCall",`, ex) {
			t.Errorf("%s: no exemplar on the histogram:\n%s", side, text)
		}
		if hasLine(text, "grpc_"+side+`_handled_total{grpc_type="unary",grpc_service="grpc.testing.TestService",grpc_method="UnaryCall"`, "#") {
			t.Errorf("%s: an exemplar on a call without a trace:\n%s", side, text)
		}
	}
}
