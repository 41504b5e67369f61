package main

import (
	"context"
	"fmt"
	"math"

	"github.com/prom-go/prom"
)

// The demo's native histogram and its exemplars: a known distribution, recorded with trace IDs
// that a fake tracer puts in the context of each observation, as a real tracing library would.

// nativeSamples are observed once each per tick by demo_native_latency_seconds: the quantiles
// (k+0.5)/100, k = 0…99, of an exponential distribution with mean nativeMean. Whatever the
// number of ticks, the q quantile of what the histogram holds is close to
// nativeQuantile(q), and histogram_quantile over its native buckets lands within one bucket
// (a factor of 2^(1/8), schema 3) of it.
var nativeSamples = func() (v [100]float64) {
	for k := range v {
		v[k] = nativeQuantile((float64(k) + 0.5) / 100)
	}
	return v
}()

// nativeMean is the mean of the native histogram's distribution, in seconds.
const nativeMean = 0.1

// nativeQuantile is the q quantile of the exponential distribution the demo records.
func nativeQuantile(q float64) float64 { return -math.Log(1-q) * nativeMean }

// nativeDemo holds the metrics of this file; it is embedded in demo.
type nativeDemo struct {
	nativeLatency *prom.Histogram
	tracedJobs    *prom.Counter
	traceSeed     uint64
	traceSeq      uint64
}

// spanKey is the context key of the fake tracer's span.
type spanKey struct{}

// fakeTraceHook is the exemplar hook a tracing library would provide: it reads the trace ID
// of the span in the context.
func fakeTraceHook(ctx context.Context) []prom.Label {
	id, ok := ctx.Value(spanKey{}).(string)
	if !ok {
		return nil
	}
	return []prom.Label{{Name: "trace_id", Value: id}}
}

// newNative creates the metrics of this file in reg and sets reg's exemplar hook to the fake
// tracer; it panics on a construction mistake (see newDemo).
func (d *demo) newNative(reg *prom.Registry, o prom.Opts, seed uint64) {
	reg.SetExemplarHook(fakeTraceHook)
	d.traceSeed = seed
	no := o
	no.NativeFactor = 1.1
	no.Buckets = []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1}
	d.nativeLatency = prom.Must(prom.NewHistogram("demo_native_latency_seconds",
		"A known exponential distribution (mean 0.1 s, 100 observations per tick) in native buckets of factor 1.1 and classic ones, with trace-ID exemplars.", no))
	d.tracedJobs = prom.Must(prom.NewCounter("demo_traced_jobs_total",
		"Fake traced jobs; each increment carries the trace ID of its span as an exemplar.", o))
}

// traceID returns the trace ID of the demo's n-th fake span: the seed and n in hex, 32 digits.
func traceID(seed, n uint64) string { return fmt.Sprintf("%016x%016x", seed, n) }

// stepNative advances the metrics of this file by one tick: each sample is observed in the
// context of a new fake span.
func (d *demo) stepNative() {
	for _, v := range nativeSamples {
		d.traceSeq++
		ctx := context.WithValue(context.Background(), spanKey{}, traceID(d.traceSeed, d.traceSeq))
		d.nativeLatency.ObserveCtx(ctx, v)
		d.tracedJobs.IncCtx(ctx)
	}
}
