package promgrpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// ServerMetrics instruments gRPC servers: RPCs started and handled, by type, service, method
// and status code, the messages received and sent, and the handling time. Create one per
// registry with NewServerMetrics and install its interceptors on any number of servers:
//
//	m, err := promgrpc.NewServerMetrics(promgrpc.Opts{})
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(m.UnaryServerInterceptor()),
//		grpc.ChainStreamInterceptor(m.StreamServerInterceptor()),
//	)
type ServerMetrics struct {
	f families
}

// NewServerMetrics creates and registers the server families of opts: grpc_server_started_total,
// grpc_server_handled_total, grpc_server_msg_received_total, grpc_server_msg_sent_total and,
// unless Opts.NoHistogram, grpc_server_handling_seconds. It returns an error when they cannot
// be registered, such as when another ServerMetrics uses the same registry and namespace.
func NewServerMetrics(opts Opts) (*ServerMetrics, error) {
	m := new(ServerMetrics)
	if err := newFamilies(&m.f, "server", opts); err != nil {
		return nil, err
	}
	return m, nil
}

// ServiceInfoProvider is what InitializeMetrics reads the methods of a server from; a
// *grpc.Server is one.
type ServiceInfoProvider interface {
	GetServiceInfo() map[string]grpc.ServiceInfo
}

// InitializeMetrics creates the series of every method registered on srv, at 0, and those of
// grpc_server_handled_total for every status code, as the provider's InitializeMetrics does,
// so that rates and ratios exist before the first call. Call it after registering the
// services. It costs 20 series per method (17 of them grpc_server_handled_total), and one
// histogram series unless Opts.NoHistogram.
func (m *ServerMetrics) InitializeMetrics(srv ServiceInfoProvider) {
	for service, info := range srv.GetServiceInfo() {
		for _, mi := range info.Methods {
			t := unaryCall
			if mi.IsClientStream || mi.IsServerStream {
				t = streamType(mi.IsClientStream, mi.IsServerStream)
			}
			m.f.method("/"+service+"/"+mi.Name, t).initCodes()
		}
	}
}

// UnaryServerInterceptor returns the interceptor of unary calls. A call counts one message
// received, one sent when the handler returns no error, and is handled with the code of the
// handler's error (Canceled and DeadlineExceeded for context errors, Unknown for errors
// without a status). It allocates nothing, but for the exemplar.
//
// A handler that panics is counted as handled with code Unknown, the code a client sees when
// go-grpc-middleware's recovery interceptor turns the panic into an error, and the panic goes
// on unchanged: chain a recovery interceptor before or after this one to keep the server up.
func (m *ServerMetrics) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return m.unary
}

func (m *ServerMetrics) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	mt := m.f.method(info.FullMethod, unaryCall)
	start := m.f.now()
	mt.started.Inc()
	mt.received.Inc()
	returned := false
	defer func() {
		if !returned { // a panic, or runtime.Goexit
			mt.finish(ctx, codes.Unknown, m.f.now()-start)
		}
	}()
	resp, err = handler(ctx, req)
	returned = true
	if err == nil {
		mt.sent.Inc()
	}
	mt.finish(ctx, codeOf(err), m.f.now()-start)
	return resp, err
}

// StreamServerInterceptor returns the interceptor of streaming calls. Each message the
// handler receives or sends without error is counted, and the call is handled with the code
// of the handler's error; panics are counted as UnaryServerInterceptor counts them. It
// allocates one small wrapper of the stream per call.
func (m *ServerMetrics) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return m.stream
}

func (m *ServerMetrics) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	mt := m.f.method(info.FullMethod, streamType(info.IsClientStream, info.IsServerStream))
	start := m.f.now()
	mt.started.Inc()
	returned := false
	defer func() {
		if !returned {
			mt.finish(ss.Context(), codes.Unknown, m.f.now()-start)
		}
	}()
	err = handler(srv, &serverStream{ServerStream: ss, m: mt})
	returned = true
	mt.finish(ss.Context(), codeOf(err), m.f.now()-start)
	return err
}

// serverStream counts the messages of a stream.
type serverStream struct {
	grpc.ServerStream
	m *method
}

func (s *serverStream) SendMsg(msg any) error {
	err := s.ServerStream.SendMsg(msg)
	if err == nil {
		s.m.sent.Inc()
	}
	return err
}

func (s *serverStream) RecvMsg(msg any) error {
	err := s.ServerStream.RecvMsg(msg)
	if err == nil {
		s.m.received.Inc()
	}
	return err
}
