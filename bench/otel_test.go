package bench

import (
	"go.opentelemetry.io/otel/metric"
)

// otelDefBuckets gives an OpenTelemetry histogram the Prometheus default buckets, so that the
// default-bucket rows compare the same work.
func otelDefBuckets() metric.Float64HistogramOption {
	return metric.WithExplicitBucketBoundaries(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
}
