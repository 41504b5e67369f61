package promgrpc

import (
	"context"

	"github.com/prom-go/prom"
)

// Opts are the options of NewServerMetrics and NewClientMetrics. The zero value gives
// go-grpc-middleware's families with the handling-time histogram on, in prom.Default.
type Opts struct {
	// Registry is where the metrics register. Nil means prom.Default.
	Registry *prom.Registry
	// Namespace prefixes every name: namespace_grpc_server_started_total.
	Namespace string

	// NoHistogram leaves out grpc_server_handling_seconds (grpc_client_handling_seconds), as
	// go-grpc-middleware's provider does unless WithServerHandlingTimeHistogram is given. It
	// saves one histogram per method.
	NoHistogram bool
	// Buckets are the bounds of the classic buckets of the histograms, in seconds. Nil means
	// prom.DefBuckets, the provider's buckets too, unless NativeFactor is set: then nil means
	// native buckets alone, as in prom.Opts.
	Buckets []float64
	// NativeFactor, when above 1, gives the histograms native buckets, with at most this
	// ratio between a bucket's bounds (1.1 is a good start); see prom.Opts.NativeFactor. Set
	// Buckets as well (prom.DefBuckets) to keep the classic buckets that dashboards written
	// for the provider read.
	NativeFactor float64

	// MsgHistograms adds, on the client, grpc_client_msg_send_handling_seconds and
	// grpc_client_msg_recv_handling_seconds: the time each message took to send and to
	// receive (the provider's WithClientStreamSendHistogram and
	// WithClientStreamRecvHistogram). Ignored by servers.
	MsgHistograms bool

	// Exemplar, when not nil, returns the exemplar labels of a call from its context, such as
	// the trace and span IDs of its span (promotel.Exemplar has this shape), or nil for none.
	// They are attached to grpc_*_handled_total and to the handling-time histogram. Nil means
	// the registry's exemplar hook (prom.Registry.SetExemplarHook), when it has one. Exemplar
	// is called once per call, whatever the metric's exemplar rate limit; the hook is called
	// only when the rate limit lets an exemplar through.
	Exemplar func(ctx context.Context) []prom.Label
}
