package promgrpc

import (
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
	"google.golang.org/grpc"
)

// stopClock makes every duration 0, so that the histograms of an exposition are exact.
func stopClock(f *families) { f.clock = func() time.Duration { return 0 } }

// instrumented starts the test service with prom's server interceptors behind a recovery
// interceptor (the panics pass through prom's), and prom's client interceptors on the
// connection, each side in its own registry.
func instrumented(t *testing.T, o Opts) (srv *grpc.Server, sm *ServerMetrics, cm *ClientMetrics, svc *testService, conn *grpc.ClientConn) {
	t.Helper()
	so, co := o, o
	so.Registry, co.Registry = prom.NewRegistry(), prom.NewRegistry()
	so.Registry.SetCreatedSeries(false)
	co.Registry.SetCreatedSeries(false)
	var err error
	if sm, err = NewServerMetrics(so); err != nil {
		t.Fatal(err)
	}
	if cm, err = NewClientMetrics(co); err != nil {
		t.Fatal(err)
	}
	stopClock(&sm.f)
	stopClock(&cm.f)
	svc = &testService{blocked: make(chan struct{})}
	srv, conn = startService(t, svc,
		[]grpc.ServerOption{
			grpc.ChainUnaryInterceptor(recovery.UnaryServerInterceptor(), sm.UnaryServerInterceptor()),
			grpc.ChainStreamInterceptor(recovery.StreamServerInterceptor(), sm.StreamServerInterceptor()),
		},
		grpc.WithChainUnaryInterceptor(cm.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(cm.StreamClientInterceptor()),
	)
	return srv, sm, cm, svc, conn
}

// TestServer runs the traffic through a real server and client on 127.0.0.1 and checks both
// expositions line by line: every call counted once under its type, service, method and
// code, messages counted as they went through, panics counted as Unknown with the server
// still serving, the cancelled calls (unary and a stream) as Canceled on both sides, unknown methods on the client
// alone (the server answers them before any interceptor).
func TestServer(t *testing.T) {
	srv, sm, cm, svc, conn := instrumented(t, Opts{Buckets: []float64{1}})
	traffic(t, svc, conn)
	conn.Close()
	srv.GracefulStop() // every handler has returned: the server's counts are final

	if err := testutil.Compare(testutil.FromRegistry(sm.f.registry()), strings.ReplaceAll(wantServer, "TS", `grpc_service="grpc.testing.TestService"`)); err != nil {
		t.Error(err)
	}
	if err := testutil.Compare(testutil.FromRegistry(cm.f.registry()), strings.ReplaceAll(wantClient, "TS", `grpc_service="grpc.testing.TestService"`)); err != nil {
		t.Error(err)
	}
}

const wantServer = `
# HELP grpc_server_started_total RPCs started by the server, by type, service and method.
# TYPE grpc_server_started_total counter
grpc_server_started_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_server_started_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_server_started_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_server_started_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_server_started_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_server_started_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 4
# HELP grpc_server_handled_total RPCs finished by the server, whatever their outcome, by type, service, method and status code.
# TYPE grpc_server_handled_total counter
grpc_server_handled_total{grpc_type="unary",TS,grpc_method="EmptyCall",grpc_code="OK"} 2
grpc_server_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="NotFound"} 1
grpc_server_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="Unknown"} 1
grpc_server_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="Canceled"} 1
grpc_server_handled_total{grpc_type="unary",TS,grpc_method="UnimplementedCall",grpc_code="Unimplemented"} 1
grpc_server_handled_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",grpc_code="OK"} 1
grpc_server_handled_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",grpc_code="OK"} 1
grpc_server_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="OK"} 1
grpc_server_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="ResourceExhausted"} 1
grpc_server_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="Unknown"} 1
grpc_server_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="Canceled"} 1
# HELP grpc_server_msg_received_total Messages received by the server, by type, service and method.
# TYPE grpc_server_msg_received_total counter
grpc_server_msg_received_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_server_msg_received_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_server_msg_received_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_server_msg_received_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_server_msg_received_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 2
grpc_server_msg_received_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 5
# HELP grpc_server_msg_sent_total Messages sent by the server, by type, service and method.
# TYPE grpc_server_msg_sent_total counter
grpc_server_msg_sent_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_server_msg_sent_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 0
grpc_server_msg_sent_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 0
grpc_server_msg_sent_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 3
grpc_server_msg_sent_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_server_msg_sent_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 3
# HELP grpc_server_handling_seconds Time from the start of RPCs until the server finished them, by type, service and method.
# TYPE grpc_server_handling_seconds histogram
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="EmptyCall",le="1"} 2
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="EmptyCall",le="+Inf"} 2
grpc_server_handling_seconds_sum{grpc_type="unary",TS,grpc_method="EmptyCall"} 0
grpc_server_handling_seconds_count{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnaryCall",le="1"} 3
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnaryCall",le="+Inf"} 3
grpc_server_handling_seconds_sum{grpc_type="unary",TS,grpc_method="UnaryCall"} 0
grpc_server_handling_seconds_count{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnimplementedCall",le="1"} 1
grpc_server_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnimplementedCall",le="+Inf"} 1
grpc_server_handling_seconds_sum{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 0
grpc_server_handling_seconds_count{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_server_handling_seconds_bucket{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",le="1"} 1
grpc_server_handling_seconds_bucket{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",le="+Inf"} 1
grpc_server_handling_seconds_sum{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 0
grpc_server_handling_seconds_count{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_server_handling_seconds_bucket{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",le="1"} 1
grpc_server_handling_seconds_bucket{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",le="+Inf"} 1
grpc_server_handling_seconds_sum{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 0
grpc_server_handling_seconds_count{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_server_handling_seconds_bucket{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",le="1"} 4
grpc_server_handling_seconds_bucket{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",le="+Inf"} 4
grpc_server_handling_seconds_sum{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 0
grpc_server_handling_seconds_count{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 4
`

const wantClient = `
# HELP grpc_client_started_total RPCs started by the client, by type, service and method.
# TYPE grpc_client_started_total counter
grpc_client_started_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_client_started_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_client_started_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_client_started_total{grpc_type="unary",TS,grpc_method="NoSuchMethod"} 1
grpc_client_started_total{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do"} 1
grpc_client_started_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_client_started_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_client_started_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 4
# HELP grpc_client_handled_total RPCs finished by the client, whatever their outcome, by type, service, method and status code.
# TYPE grpc_client_handled_total counter
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="EmptyCall",grpc_code="OK"} 2
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="NotFound"} 1
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="Unknown"} 1
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="UnaryCall",grpc_code="Canceled"} 1
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="UnimplementedCall",grpc_code="Unimplemented"} 1
grpc_client_handled_total{grpc_type="unary",TS,grpc_method="NoSuchMethod",grpc_code="Unimplemented"} 1
grpc_client_handled_total{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do",grpc_code="Unimplemented"} 1
grpc_client_handled_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",grpc_code="OK"} 1
grpc_client_handled_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",grpc_code="OK"} 1
grpc_client_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="OK"} 1
grpc_client_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="ResourceExhausted"} 1
grpc_client_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="Unknown"} 1
grpc_client_handled_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",grpc_code="Canceled"} 1
# HELP grpc_client_msg_received_total Messages received by the client, by type, service and method.
# TYPE grpc_client_msg_received_total counter
grpc_client_msg_received_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_client_msg_received_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 0
grpc_client_msg_received_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 0
grpc_client_msg_received_total{grpc_type="unary",TS,grpc_method="NoSuchMethod"} 0
grpc_client_msg_received_total{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do"} 0
grpc_client_msg_received_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 3
grpc_client_msg_received_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_client_msg_received_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 3
# HELP grpc_client_msg_sent_total Messages sent by the client, by type, service and method.
# TYPE grpc_client_msg_sent_total counter
grpc_client_msg_sent_total{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_client_msg_sent_total{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_client_msg_sent_total{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_client_msg_sent_total{grpc_type="unary",TS,grpc_method="NoSuchMethod"} 1
grpc_client_msg_sent_total{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do"} 1
grpc_client_msg_sent_total{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_client_msg_sent_total{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 2
grpc_client_msg_sent_total{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 5
# HELP grpc_client_handling_seconds Time from the start of RPCs until the client finished them, by type, service and method.
# TYPE grpc_client_handling_seconds histogram
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="EmptyCall",le="1"} 2
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="EmptyCall",le="+Inf"} 2
grpc_client_handling_seconds_sum{grpc_type="unary",TS,grpc_method="EmptyCall"} 0
grpc_client_handling_seconds_count{grpc_type="unary",TS,grpc_method="EmptyCall"} 2
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnaryCall",le="1"} 3
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnaryCall",le="+Inf"} 3
grpc_client_handling_seconds_sum{grpc_type="unary",TS,grpc_method="UnaryCall"} 0
grpc_client_handling_seconds_count{grpc_type="unary",TS,grpc_method="UnaryCall"} 3
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnimplementedCall",le="1"} 1
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="UnimplementedCall",le="+Inf"} 1
grpc_client_handling_seconds_sum{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 0
grpc_client_handling_seconds_count{grpc_type="unary",TS,grpc_method="UnimplementedCall"} 1
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="NoSuchMethod",le="1"} 1
grpc_client_handling_seconds_bucket{grpc_type="unary",TS,grpc_method="NoSuchMethod",le="+Inf"} 1
grpc_client_handling_seconds_sum{grpc_type="unary",TS,grpc_method="NoSuchMethod"} 0
grpc_client_handling_seconds_count{grpc_type="unary",TS,grpc_method="NoSuchMethod"} 1
grpc_client_handling_seconds_bucket{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do",le="1"} 1
grpc_client_handling_seconds_bucket{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do",le="+Inf"} 1
grpc_client_handling_seconds_sum{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do"} 0
grpc_client_handling_seconds_count{grpc_type="unary",grpc_service="nosuch.Service",grpc_method="Do"} 1
grpc_client_handling_seconds_bucket{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",le="1"} 1
grpc_client_handling_seconds_bucket{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall",le="+Inf"} 1
grpc_client_handling_seconds_sum{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 0
grpc_client_handling_seconds_count{grpc_type="server_stream",TS,grpc_method="StreamingOutputCall"} 1
grpc_client_handling_seconds_bucket{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",le="1"} 1
grpc_client_handling_seconds_bucket{grpc_type="client_stream",TS,grpc_method="StreamingInputCall",le="+Inf"} 1
grpc_client_handling_seconds_sum{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 0
grpc_client_handling_seconds_count{grpc_type="client_stream",TS,grpc_method="StreamingInputCall"} 1
grpc_client_handling_seconds_bucket{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",le="1"} 4
grpc_client_handling_seconds_bucket{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall",le="+Inf"} 4
grpc_client_handling_seconds_sum{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 0
grpc_client_handling_seconds_count{grpc_type="bidi_stream",TS,grpc_method="FullDuplexCall"} 4
`
