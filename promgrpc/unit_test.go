package promgrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func TestCodeOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want codes.Code
	}{
		{nil, codes.OK},
		{status.Error(codes.NotFound, "x"), codes.NotFound},
		{fmt.Errorf("wrapped: %w", status.Error(codes.Aborted, "x")), codes.Aborted},
		{status.Error(codes.Unknown, "x"), codes.Unknown},
		{context.Canceled, codes.Canceled},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), codes.DeadlineExceeded},
		{errors.New("plain"), codes.Unknown},
		{io.EOF, codes.Unknown},
		{status.Error(codes.Code(42), "x"), codes.Code(42)},
	} {
		if got := codeOf(tc.err); got != tc.want {
			t.Errorf("codeOf(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// fakeServerStream is a stream without a transport: it receives n messages, then io.EOF.
type fakeServerStream struct {
	grpc.ServerStream
	n int
}

func (s *fakeServerStream) Context() context.Context { return context.Background() }
func (s *fakeServerStream) SendMsg(any) error        { return nil }
func (s *fakeServerStream) RecvMsg(any) error {
	if s.n == 0 {
		return io.EOF
	}
	s.n--
	return nil
}
func (s *fakeServerStream) SetHeader(metadata.MD) error  { return nil }
func (s *fakeServerStream) SendHeader(metadata.MD) error { return nil }
func (s *fakeServerStream) SetTrailer(metadata.MD)       {}

// TestAllocs holds the interceptors to their promised cost once a method's series exist: no
// allocation for a unary call, on either side, and one (the stream's wrapper) for a stream.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	r := prom.NewRegistry()
	sm, err := NewServerMetrics(Opts{Registry: r})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := NewClientMetrics(Opts{Registry: r})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info := &grpc.UnaryServerInfo{FullMethod: "/grpc.testing.TestService/EmptyCall"}
	req, resp := &testpb.Empty{}, &testpb.Empty{}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	su := sm.UnaryServerInterceptor()
	if n := testing.AllocsPerRun(100, func() { su(ctx, req, info, handler) }); n != 0 {
		t.Errorf("unary server interceptor: %v allocations per call, want 0", n)
	}
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	cu := cm.UnaryClientInterceptor()
	if n := testing.AllocsPerRun(100, func() { cu(ctx, info.FullMethod, req, resp, nil, invoker) }); n != 0 {
		t.Errorf("unary client interceptor: %v allocations per call, want 0", n)
	}
	ss := sm.StreamServerInterceptor()
	sinfo := &grpc.StreamServerInfo{FullMethod: "/grpc.testing.TestService/FullDuplexCall", IsClientStream: true, IsServerStream: true}
	stream := &fakeServerStream{}
	shandler := func(_ any, s grpc.ServerStream) error {
		for s.RecvMsg(nil) == nil {
			s.SendMsg(nil)
		}
		return nil
	}
	if n := testing.AllocsPerRun(100, func() { stream.n = 3; ss(nil, stream, sinfo, shandler) }); n > 1 {
		t.Errorf("stream server interceptor: %v allocations per call, want at most 1", n)
	}
	if err := testutil.Compare(testutil.FromRegistry(r), `
# HELP grpc_server_msg_sent_total Messages sent by the server, by type, service and method.
# TYPE grpc_server_msg_sent_total counter
grpc_server_msg_sent_total{grpc_type="unary",grpc_service="grpc.testing.TestService",grpc_method="EmptyCall"} 101
grpc_server_msg_sent_total{grpc_type="bidi_stream",grpc_service="grpc.testing.TestService",grpc_method="FullDuplexCall"} 303
`, "grpc_server_msg_sent_total"); err != nil {
		t.Error(err)
	}
}

// TestMaxMethods checks that methods past maxMethods are counted under "unknown", so that a
// server taking any method name (grpc.UnknownServiceHandler) has bounded series.
func TestMaxMethods(t *testing.T) {
	r := prom.NewRegistry()
	sm, err := NewServerMetrics(Opts{Registry: r, NoHistogram: true})
	if err != nil {
		t.Fatal(err)
	}
	u := sm.UnaryServerInterceptor()
	handler := func(context.Context, any) (any, error) { return nil, nil }
	for i := range maxMethods + 10 {
		u(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: fmt.Sprintf("/s/m%d", i)}, handler)
	}
	u(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/s/m0"}, handler)
	if n := testutil.CountSeries(testutil.FromRegistry(r), "grpc_server_started_total"); n != maxMethods+1 {
		t.Errorf("%d series, want %d", n, maxMethods+1)
	}
	if v, ok := testutil.SampleValue(testutil.FromRegistry(r), "grpc_server_started_total", "grpc_type", "unary", "grpc_service", "unknown", "grpc_method", "unknown"); !ok || v != 10 {
		t.Errorf("unknown: %v (found %v), want 10", v, ok)
	}
	if v, ok := testutil.SampleValue(testutil.FromRegistry(r), "grpc_server_started_total", "grpc_type", "unary", "grpc_service", "s", "grpc_method", "m0"); !ok || v != 2 {
		t.Errorf("m0: %v (found %v), want 2", v, ok)
	}
}

// TestLint holds every family, with series, to prom's linter (promtool's rules).
func TestLint(t *testing.T) {
	r := prom.NewRegistry()
	sm, err := NewServerMetrics(Opts{Registry: r})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := NewClientMetrics(Opts{Registry: r, MsgHistograms: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sm.UnaryServerInterceptor()(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/s/m"}, func(context.Context, any) (any, error) { return nil, nil })
	cm.UnaryClientInterceptor()(ctx, "/s/m", nil, nil, nil, func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil })
	if n := testutil.CountSeries(testutil.FromRegistry(r)); n != 12 {
		t.Errorf("%d series, want 12", n)
	}
	for _, p := range testutil.Lint(testutil.FromRegistry(r)) {
		t.Error(p)
	}
}

// TestConflict checks that a second ServerMetrics in one registry is an error, not a panic,
// and that a namespace separates them.
func TestConflict(t *testing.T) {
	r := prom.NewRegistry()
	if _, err := NewServerMetrics(Opts{Registry: r}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewServerMetrics(Opts{Registry: r}); err == nil {
		t.Error("a second ServerMetrics in one registry: no error")
	}
	if _, err := NewServerMetrics(Opts{Registry: r, Namespace: "other"}); err != nil {
		t.Errorf("with a namespace: %v", err)
	}
	if _, err := NewClientMetrics(Opts{Registry: r}); err != nil {
		t.Errorf("a ClientMetrics beside: %v", err)
	}
}

// TestConflictUndone checks that a ServerMetrics that cannot register its histogram leaves
// none of its counters registered.
func TestConflictUndone(t *testing.T) {
	r := prom.NewRegistry()
	if _, err := prom.NewGauge("grpc_server_handling_seconds", "In the way.", prom.Opts{Registry: r}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewServerMetrics(Opts{Registry: r}); err == nil {
		t.Fatal("no error")
	}
	if _, err := prom.NewCounter("grpc_server_started_total", "Free again.", prom.Opts{Registry: r}); err != nil {
		t.Errorf("grpc_server_started_total is still registered: %v", err)
	}
}
