package promgrpc

import (
	"context"
	"errors"
	"io"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// ClientMetrics instruments gRPC clients: RPCs started and handled, by type, service, method
// and status code, the messages sent and received, the handling time and, with
// Opts.MsgHistograms, the time of each message. Create one per registry with
// NewClientMetrics and install its interceptors on any number of connections:
//
//	m, err := promgrpc.NewClientMetrics(promgrpc.Opts{})
//	conn, err := grpc.NewClient(target,
//		grpc.WithChainUnaryInterceptor(m.UnaryClientInterceptor()),
//		grpc.WithChainStreamInterceptor(m.StreamClientInterceptor()),
//		…)
type ClientMetrics struct {
	f families
}

// NewClientMetrics creates and registers the client families of opts:
// grpc_client_started_total, grpc_client_handled_total, grpc_client_msg_received_total,
// grpc_client_msg_sent_total, grpc_client_handling_seconds unless Opts.NoHistogram, and
// grpc_client_msg_send_handling_seconds and grpc_client_msg_recv_handling_seconds with
// Opts.MsgHistograms. It returns an error when they cannot be registered.
func NewClientMetrics(opts Opts) (*ClientMetrics, error) {
	m := new(ClientMetrics)
	if err := newFamilies(&m.f, "client", opts); err != nil {
		return nil, err
	}
	return m, nil
}

// UnaryClientInterceptor returns the interceptor of unary calls. A call counts one message
// sent, one received when it succeeds, and is handled with the code of its error (Canceled
// or DeadlineExceeded when its context ends first). It allocates nothing, but for the
// exemplar.
func (m *ClientMetrics) UnaryClientInterceptor() grpc.UnaryClientInterceptor {
	return m.unary
}

func (m *ClientMetrics) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	mt := m.f.method(method, unaryCall)
	start := m.f.now()
	mt.started.Inc()
	mt.sent.Inc()
	if mt.msgSend != nil {
		mt.msgSend.Observe((m.f.clock() - start).Seconds())
	}
	err := invoker(ctx, method, req, reply, cc, opts...)
	d := m.f.now() - start
	if err == nil {
		mt.received.Inc()
	}
	if mt.msgRecv != nil {
		mt.msgRecv.Observe(d.Seconds())
	}
	mt.finish(ctx, codeOf(err), d)
	return err
}

// StreamClientInterceptor returns the interceptor of streaming calls. Each message sent or
// received without error is counted. The call is handled when it ends as the client sees it
// end: when RecvMsg returns io.EOF (code OK) or another error, or the single message of a
// call whose server does not stream (client_stream), or when the stream cannot be opened. A
// stream the client abandons without reading it to its end is started but never handled,
// as with the provider. It allocates one small wrapper of the stream per call.
func (m *ClientMetrics) StreamClientInterceptor() grpc.StreamClientInterceptor {
	return m.stream
}

func (m *ClientMetrics) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	mt := m.f.method(method, streamType(desc.ClientStreams, desc.ServerStreams))
	start := m.f.now()
	mt.started.Inc()
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		mt.finish(ctx, codeOf(err), m.f.now()-start)
		return nil, err
	}
	return &clientStream{ClientStream: cs, m: mt, ctx: ctx, start: start, single: !desc.ServerStreams}, nil
}

// clientStream counts the messages of a stream and its end. gRPC forbids concurrent calls of
// RecvMsg on one stream, so ended needs no lock.
type clientStream struct {
	grpc.ClientStream
	m      *method
	ctx    context.Context
	start  time.Duration
	single bool // the server sends one message, after which the call has ended
	ended  bool
}

func (s *clientStream) SendMsg(msg any) error {
	var t0 time.Duration
	if s.m.msgSend != nil {
		t0 = s.m.f.clock()
	}
	err := s.ClientStream.SendMsg(msg)
	if err == nil {
		s.m.sent.Inc()
	}
	if s.m.msgSend != nil {
		s.m.msgSend.Observe((s.m.f.clock() - t0).Seconds())
	}
	return err
}

func (s *clientStream) RecvMsg(msg any) error {
	var t0 time.Duration
	if s.m.msgRecv != nil {
		t0 = s.m.f.clock()
	}
	err := s.ClientStream.RecvMsg(msg)
	if s.m.msgRecv != nil {
		s.m.msgRecv.Observe((s.m.f.clock() - t0).Seconds())
	}
	switch {
	case err == nil:
		s.m.received.Inc()
		if s.single {
			// gRPC has checked that the server ended the call after this message.
			s.end(codes.OK)
		}
	case errors.Is(err, io.EOF):
		s.end(codes.OK)
	default:
		s.end(codeOf(err))
	}
	return err
}

func (s *clientStream) end(c codes.Code) {
	if s.ended {
		return
	}
	s.ended = true
	s.m.finish(s.ctx, c, s.m.f.now()-s.start)
}
