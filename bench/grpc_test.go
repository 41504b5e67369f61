package bench

import (
	"context"
	"io"
	"net"
	"testing"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promgrpc"
	cg "github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
)

// Workload 10: gRPC interceptors that count calls started and handled, messages received and
// sent, and time calls in a histogram (DefBuckets), by type, service, method and code. prom is
// promgrpc (github.com/prom-go/prom/promgrpc); go-grpc-middleware is the Prometheus provider of
// github.com/grpc-ecosystem/go-grpc-middleware with its handling-time histogram on, on
// client_golang. baseline-grpc is the call without an interceptor; the figures include it, so
// the added time of an interceptor is its figure minus the baseline's.
//
// The interceptor cases call the interceptor in-process with a handler (invoker, stream) that
// does nothing, where the interceptor's own cost is not lost in the noise of a network round
// trip; unary-loopback is a real call over 127.0.0.1 with both sides instrumented, for scale.

const (
	libGRPCBase = "baseline-grpc"
	libGRPCMW   = "go-grpc-middleware"
)

// grpcLibs are the interceptors of each library, nil for the baseline.
type grpcLibs struct {
	unaryServer  grpc.UnaryServerInterceptor
	streamServer grpc.StreamServerInterceptor
	unaryClient  grpc.UnaryClientInterceptor
}

func grpcCases(b *testing.B) map[string]grpcLibs {
	sm, err := promgrpc.NewServerMetrics(promgrpc.Opts{Registry: prom.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	cm, err := promgrpc.NewClientMetrics(promgrpc.Opts{Registry: prom.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	psm := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	pcm := grpcprom.NewClientMetrics(grpcprom.WithClientHandlingTimeHistogram())
	cg.NewRegistry().MustRegister(psm, pcm)
	return map[string]grpcLibs{
		libGRPCBase: {},
		libProm:     {sm.UnaryServerInterceptor(), sm.StreamServerInterceptor(), cm.UnaryClientInterceptor()},
		libGRPCMW:   {psm.UnaryServerInterceptor(), psm.StreamServerInterceptor(), pcm.UnaryClientInterceptor()},
	}
}

var grpcOrder = []string{libGRPCBase, libProm, libGRPCMW}

// benchStream is a server stream without a transport: it receives n messages, then io.EOF.
type benchStream struct {
	grpc.ServerStream
	n int
}

func (s *benchStream) Context() context.Context     { return context.Background() }
func (s *benchStream) SendMsg(any) error            { return nil }
func (s *benchStream) SetHeader(metadata.MD) error  { return nil }
func (s *benchStream) SendHeader(metadata.MD) error { return nil }
func (s *benchStream) SetTrailer(metadata.MD)       {}
func (s *benchStream) RecvMsg(any) error {
	if s.n == 0 {
		return io.EOF
	}
	s.n--
	return nil
}

func BenchmarkGRPC(b *testing.B) {
	cases := grpcCases(b)
	ctx := context.Background()
	req, resp := &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{}
	const method = "/grpc.health.v1.Health/Check"

	b.Run("unary-server", func(b *testing.B) {
		info := &grpc.UnaryServerInfo{FullMethod: method}
		handler := func(context.Context, any) (any, error) { return resp, nil }
		for _, lib := range grpcOrder {
			ic := cases[lib].unaryServer
			b.Run(lib, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if ic == nil {
						handler(ctx, req)
					} else {
						ic(ctx, req, info, handler)
					}
				}
			})
		}
	})

	b.Run("unary-client", func(b *testing.B) {
		invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
		for _, lib := range grpcOrder {
			ic := cases[lib].unaryClient
			b.Run(lib, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if ic == nil {
						invoker(ctx, method, req, resp, nil)
					} else {
						ic(ctx, method, req, resp, nil, invoker)
					}
				}
			})
		}
	})

	// A bidi stream of 4 messages each way.
	b.Run("stream-server", func(b *testing.B) {
		info := &grpc.StreamServerInfo{FullMethod: "/grpc.health.v1.Health/Watch", IsClientStream: true, IsServerStream: true}
		handler := func(_ any, s grpc.ServerStream) error {
			for s.RecvMsg(nil) == nil {
				s.SendMsg(nil)
			}
			return nil
		}
		for _, lib := range grpcOrder {
			ic := cases[lib].streamServer
			b.Run(lib, func(b *testing.B) {
				st := &benchStream{}
				b.ReportAllocs()
				for b.Loop() {
					st.n = 4
					if ic == nil {
						handler(nil, st)
					} else {
						ic(nil, st, info, handler)
					}
				}
			})
		}
	})

	b.Run("unary-loopback", func(b *testing.B) {
		for _, lib := range grpcOrder {
			c := cases[lib]
			b.Run(lib, func(b *testing.B) {
				var sopts []grpc.ServerOption
				dopts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
				if c.unaryServer != nil {
					sopts = append(sopts, grpc.ChainUnaryInterceptor(c.unaryServer))
					dopts = append(dopts, grpc.WithChainUnaryInterceptor(c.unaryClient))
				}
				srv := grpc.NewServer(sopts...)
				healthpb.RegisterHealthServer(srv, health.NewServer())
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				go srv.Serve(ln)
				defer srv.Stop()
				conn, err := grpc.NewClient(ln.Addr().String(), dopts...)
				if err != nil {
					b.Fatal(err)
				}
				defer conn.Close()
				client := healthpb.NewHealthClient(conn)
				if _, err := client.Check(ctx, req); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := client.Check(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
