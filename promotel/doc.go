// Package promotel gives prom's metrics exemplars from OpenTelemetry trace context: the
// trace_id and span_id of the sampled span a request carries, so that a dashboard can jump from
// a latency bucket or a request count to the trace that landed in it.
//
// It is its own module so that prom's core requires no module; it requires only
// go.opentelemetry.io/otel/trace.
//
// Exemplar reads a context, ExemplarFromRequest an *http.Request, the shape
// promhttp.ServerMetricsOpts.Exemplar and prom's framework middleware (promgin, promecho,
// promchi) take:
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Exemplar: promotel.ExemplarFromRequest})
//
// Only sampled spans give exemplars: an unsampled trace is not stored by the tracing backend,
// so its ID would lead nowhere. A request without a span, or with an invalid or unsampled span
// context, gives nil, and the metric is updated without an exemplar.
//
// Cost: one allocation, the labels (two 32- and 16-character hex strings are built into one
// allocation with the slice), and only for sampled spans; nothing otherwise.
package promotel
