// Package promgrpc instruments gRPC servers and clients (google.golang.org/grpc) with prom:
// interceptors that count the RPCs started and handled, by type, service, method and status
// code, the messages received and sent, and time each RPC in a histogram.
//
// It is its own module, github.com/prom-go/prom/promgrpc, so that prom's core requires no
// module.
//
// # Servers
//
// Create one ServerMetrics per registry and install its two interceptors:
//
//	m, err := promgrpc.NewServerMetrics(promgrpc.Opts{})
//	if err != nil { … }
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(m.UnaryServerInterceptor()),
//		grpc.ChainStreamInterceptor(m.StreamServerInterceptor()),
//	)
//	pb.RegisterGreeterServer(srv, …)
//	m.InitializeMetrics(srv) // optional: every method's series at 0 from the start
//
// and serve the registry as usual (promhttp.Handler(prom.Default)).
//
// # Clients
//
// Likewise, one ClientMetrics per registry, with its interceptors on the connections:
//
//	m, err := promgrpc.NewClientMetrics(promgrpc.Opts{})
//	conn, err := grpc.NewClient(target,
//		grpc.WithChainUnaryInterceptor(m.UnaryClientInterceptor()),
//		grpc.WithChainStreamInterceptor(m.StreamClientInterceptor()),
//		grpc.WithTransportCredentials(…))
//
// # Families
//
// The families are those of go-grpc-middleware's Prometheus provider
// (github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus), with the same names,
// labels and label values, so that a service moving to prom keeps its dashboards and alerts:
//
//	grpc_server_started_total       {grpc_type, grpc_service, grpc_method}
//	grpc_server_handled_total       {grpc_type, grpc_service, grpc_method, grpc_code}
//	grpc_server_msg_received_total  {grpc_type, grpc_service, grpc_method}
//	grpc_server_msg_sent_total      {grpc_type, grpc_service, grpc_method}
//	grpc_server_handling_seconds    {grpc_type, grpc_service, grpc_method}   histogram
//
// and grpc_client_… likewise, plus, with Opts.MsgHistograms, the histograms
// grpc_client_msg_send_handling_seconds and grpc_client_msg_recv_handling_seconds. prom has no
// gRPC naming of its own, and these names are the ones existing Grafana dashboards read. A
// differential test sends the same traffic through the provider and through prom and finds
// the same series with the same values.
//
// grpc_type is unary, client_stream, server_stream or bidi_stream; grpc_code is the name of
// the status code (OK, NotFound, Unavailable…): that of the handler's error, Canceled or
// DeadlineExceeded for context errors, Unknown for an error without a status.
//
// Two defaults differ from the provider's, both to be closer to what a new service wants: the
// handling-time histogram is on (Opts.NoHistogram turns it off, as the provider has it
// unless WithServerHandlingTimeHistogram is given), and a method's series all appear, at 0,
// when the method is first called (the provider creates each at its first increment).
// Opts.NativeFactor gives the histograms native buckets.
//
// # Panics, unknown methods, cancelled calls
//
// A handler that panics is counted as handled with code Unknown, which is what a client sees
// when go-grpc-middleware's recovery interceptor (v2) turns the panic into an error, and the
// panic goes on unchanged: gRPC does not recover panics, so chain a recovery interceptor,
// before or after prom's, to keep the server up.
//
// A call of a method the server does not have is answered Unimplemented by gRPC before any
// interceptor, and counted by clients only. With grpc.UnknownServiceHandler every method name
// a client sends would reach the interceptors; past 1024 distinct methods, calls are counted
// under grpc_service="unknown" and grpc_method="unknown", so series stay bounded.
//
// A call the client cancels counts as Canceled on the client, and on the server when the
// handler returns the context's error. A client stream is handled when RecvMsg returns io.EOF
// or an error, or the single message of a call whose server does not stream; a stream the
// client abandons before that is started and never handled.
//
// # Exemplars
//
// grpc_*_handled_total and the handling-time histogram carry an exemplar per call from the
// call's context: from Opts.Exemplar when set, otherwise from the registry's exemplar hook
// (prom.Registry.SetExemplarHook). To link them to OpenTelemetry traces, pass a function that
// reads the span of the context, such as promotel.Exemplar (module
// github.com/prom-go/prom/promotel), or set it as the registry's hook.
//
// # Cost
//
// Once a method's series exist, a unary call costs no allocation on either side and a
// streaming call one (the wrapper of the stream). The time an interceptor adds is about 140
// ns per unary call and 230 ns per stream of four messages each way on a 2-core EPYC, a
// seventh to a tenth of the provider's, and a small fraction of a call over loopback (about
// 40 µs); see BenchmarkGRPC in bench/.
package promgrpc
