package promgrpc

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

// testService is grpc's interop test service with behaviour the tests choose per request: a
// status to answer, a panic, a handler that waits until the client cancels.
type testService struct {
	testpb.UnimplementedTestServiceServer
	blocked chan struct{} // receives when UnaryCall waits for its cancellation
}

const panicBody = "panic"

func (s *testService) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return &testpb.Empty{}, nil
}

func (s *testService) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	switch {
	case req.GetResponseStatus().GetCode() != 0:
		return nil, status.Error(codes.Code(req.ResponseStatus.Code), req.ResponseStatus.Message)
	case string(req.GetPayload().GetBody()) == panicBody:
		panic("test handler panics")
	case req.GetFillUsername(): // wait for the client to cancel
		s.blocked <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &testpb.SimpleResponse{}, nil
}

func (s *testService) StreamingOutputCall(req *testpb.StreamingOutputCallRequest, stream grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	for range req.ResponseParameters {
		if err := stream.Send(&testpb.StreamingOutputCallResponse{}); err != nil {
			return err
		}
	}
	return nil
}

func (s *testService) StreamingInputCall(stream grpc.ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]) error {
	var n int32
	for {
		req, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: n})
		}
		if err != nil {
			return err
		}
		n += int32(len(req.GetPayload().GetBody()))
	}
}

func (s *testService) FullDuplexCall(stream grpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	for {
		req, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c := req.GetResponseStatus().GetCode(); c != 0 {
			return status.Error(codes.Code(c), req.ResponseStatus.Message)
		}
		if string(req.GetPayload().GetBody()) == panicBody {
			panic("test stream handler panics")
		}
		if err := stream.Send(&testpb.StreamingOutputCallResponse{}); err != nil {
			return err
		}
	}
}

// startService serves the test service on a free 127.0.0.1 port with the server options
// given and returns a connection to it with the dial options given. Stopping the server
// (GracefulStop) waits for every handler to return, after which its metrics are final.
func startService(t *testing.T, svc *testService, sopts []grpc.ServerOption, dopts ...grpc.DialOption) (*grpc.Server, *grpc.ClientConn) {
	t.Helper()
	checkLeaks(t)
	srv := grpc.NewServer(sopts...)
	testpb.RegisterTestServiceServer(srv, svc)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	conn, err := grpc.NewClient(ln.Addr().String(), append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return srv, conn
}

// traffic sends the calls every test of a real server counts, each checked for the code the
// client gets (the service runs behind a recovery interceptor, which answers a panic with
// Unknown):
//
//	EmptyCall ×2                     OK
//	UnaryCall                        NotFound; Unknown (panic); Canceled (the client cancels)
//	UnimplementedCall                Unimplemented (the service does not implement it)
//	TestService/NoSuchMethod         Unimplemented (unknown method: never reaches the server's interceptors)
//	nosuch.Service/Do                Unimplemented (unknown service: likewise)
//	StreamingOutputCall              OK, 1 message sent, 3 received
//	StreamingInputCall               OK, 2 messages sent, 1 received
//	FullDuplexCall                   OK, 2 sent, 2 received; ResourceExhausted after 1 sent; Unknown (panic) after 1 sent;
//	                                 Canceled (the client cancels) after 1 sent, 1 received
func traffic(t *testing.T, svc *testService, conn *grpc.ClientConn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := testpb.NewTestServiceClient(conn)
	want := func(what string, err error, code codes.Code) {
		t.Helper()
		if got := status.Code(err); got != code {
			t.Fatalf("%s: code %v (%v), want %v", what, got, err, code)
		}
	}
	for range 2 {
		_, err := c.EmptyCall(ctx, &testpb.Empty{})
		want("EmptyCall", err, codes.OK)
	}
	_, err := c.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: &testpb.EchoStatus{Code: int32(codes.NotFound), Message: "no such thing"}})
	want("UnaryCall NotFound", err, codes.NotFound)
	_, err = c.UnaryCall(ctx, &testpb.SimpleRequest{Payload: &testpb.Payload{Body: []byte(panicBody)}})
	want("UnaryCall panic", err, codes.Unknown)

	cctx, ccancel := context.WithCancel(ctx)
	go func() {
		<-svc.blocked // the handler runs: cancel now
		ccancel()
	}()
	_, err = c.UnaryCall(cctx, &testpb.SimpleRequest{FillUsername: true})
	want("UnaryCall cancelled", err, codes.Canceled)

	_, err = c.UnimplementedCall(ctx, &testpb.Empty{})
	want("UnimplementedCall", err, codes.Unimplemented)
	err = conn.Invoke(ctx, "/grpc.testing.TestService/NoSuchMethod", &testpb.Empty{}, &testpb.Empty{})
	want("unknown method", err, codes.Unimplemented)
	err = conn.Invoke(ctx, "/nosuch.Service/Do", &testpb.Empty{}, &testpb.Empty{})
	want("unknown service", err, codes.Unimplemented)

	out, err := c.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{ResponseParameters: make([]*testpb.ResponseParameters, 3)})
	want("StreamingOutputCall", err, codes.OK)
	n := 0
	for {
		if _, err = out.Recv(); err != nil {
			break
		}
		n++
	}
	if err != io.EOF || n != 3 {
		t.Fatalf("StreamingOutputCall: %d messages, then %v; want 3, then EOF", n, err)
	}

	in, err := c.StreamingInputCall(ctx)
	want("StreamingInputCall", err, codes.OK)
	for range 2 {
		if err := in.Send(&testpb.StreamingInputCallRequest{Payload: &testpb.Payload{Body: []byte("ab")}}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := in.CloseAndRecv()
	want("StreamingInputCall CloseAndRecv", err, codes.OK)
	if resp.AggregatedPayloadSize != 4 {
		t.Fatalf("StreamingInputCall: size %d, want 4", resp.AggregatedPayloadSize)
	}

	bidi, err := c.FullDuplexCall(ctx)
	want("FullDuplexCall", err, codes.OK)
	for range 2 {
		if err := bidi.Send(&testpb.StreamingOutputCallRequest{}); err != nil {
			t.Fatal(err)
		}
		if _, err := bidi.Recv(); err != nil {
			t.Fatal(err)
		}
	}
	if err := bidi.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := bidi.Recv(); err != io.EOF {
		t.Fatalf("FullDuplexCall: %v, want EOF", err)
	}

	for _, tc := range []struct {
		req  *testpb.StreamingOutputCallRequest
		code codes.Code
	}{
		{&testpb.StreamingOutputCallRequest{ResponseStatus: &testpb.EchoStatus{Code: int32(codes.ResourceExhausted)}}, codes.ResourceExhausted},
		{&testpb.StreamingOutputCallRequest{Payload: &testpb.Payload{Body: []byte(panicBody)}}, codes.Unknown},
	} {
		bidi, err := c.FullDuplexCall(ctx)
		want("FullDuplexCall", err, codes.OK)
		if err := bidi.Send(tc.req); err != nil {
			t.Fatal(err)
		}
		_, err = bidi.Recv()
		want("FullDuplexCall Recv", err, tc.code)
	}
	// A stream the client cancels halfway: one message each way, then the cancellation, which
	// ends the server's Recv and the client's.
	sctx, scancel := context.WithCancel(ctx)
	bidi, err = c.FullDuplexCall(sctx)
	want("FullDuplexCall", err, codes.OK)
	if err := bidi.Send(&testpb.StreamingOutputCallRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := bidi.Recv(); err != nil {
		t.Fatal(err)
	}
	scancel()
	_, err = bidi.Recv()
	want("FullDuplexCall cancelled", err, codes.Canceled)

	if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("traffic took over a minute")
	}
}

// checkLeaks fails the test when goroutines of gRPC or of the test service still run once the
// test and its other cleanups (the server's Stop, the connection's Close) are over: a call
// the interceptors left hanging, or a transport not closed. Bounded at 30 s, ten times and
// more what closing takes on a loaded machine.
func checkLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(30 * time.Second)
		for {
			leaked := grpcGoroutines()
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines still run after the server stopped:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func grpcGoroutines() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "google.golang.org/grpc.") || strings.Contains(g, "google.golang.org/grpc/internal") || strings.Contains(g, "promgrpc.(*testService)") {
			out = append(out, g)
		}
	}
	return out
}
