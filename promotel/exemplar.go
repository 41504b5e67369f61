package promotel

import (
	"context"
	"encoding/hex"
	"net/http"
	"unsafe"

	"github.com/prom-go/prom"
	"go.opentelemetry.io/otel/trace"
)

// The exemplar label names, as OpenTelemetry's Prometheus exporter and Grafana use them.
const (
	TraceIDLabel = "trace_id"
	SpanIDLabel  = "span_id"
)

// Exemplar returns the exemplar labels of the sampled span in ctx, {trace_id="…", span_id="…"}
// in lower-case hex, or nil when ctx carries no valid sampled span. The labels are new on each
// call and the caller may keep them.
func Exemplar(ctx context.Context) []prom.Label {
	return FromSpanContext(trace.SpanContextFromContext(ctx))
}

// ExemplarFromRequest is Exemplar of the request's context, in the shape of
// promhttp.ServerMetricsOpts.Exemplar.
func ExemplarFromRequest(r *http.Request) []prom.Label {
	return Exemplar(r.Context())
}

// FromSpanContext returns the exemplar labels of sc, or nil when sc is not valid or not
// sampled.
func FromSpanContext(sc trace.SpanContext) []prom.Label {
	if !sc.IsValid() || !sc.IsSampled() {
		return nil
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	// One allocation for the slice and both values.
	b := &struct {
		labels [2]prom.Label
		hex    [2 * (len(tid) + len(sid))]byte
	}{}
	hex.Encode(b.hex[:2*len(tid)], tid[:])
	hex.Encode(b.hex[2*len(tid):], sid[:])
	b.labels[0] = prom.Label{Name: TraceIDLabel, Value: unsafe.String(&b.hex[0], 2*len(tid))}
	b.labels[1] = prom.Label{Name: SpanIDLabel, Value: unsafe.String(&b.hex[2*len(tid)], 2*len(sid))}
	return b.labels[:]
}
