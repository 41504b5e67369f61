package main

import (
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
)

// The demo's distributions (histograms), its info and state set, and its callback metrics.

// version is the demo's version as its build info shows it.
const version = "0.1.0-demo"

// workerStates are the states of the demo's fake worker, which moves through them in turn.
var workerStates = []string{"idle", "busy", "draining"}

// fixedBuckets are the bounds of the fixed-distribution histogram: each fixed value falls in
// its own bucket. After n ticks the bucket le=k/10 holds k*n observations, the count is 10n and
// the sum 5n (up to float rounding), so the median is 0.5 and histogram_quantile(q) is q; a scrape may land between two
// observations of one tick, so a test allows for one tick's worth (10 observations) of skew.
// (Kept as a literal rather than LinearBuckets so the le labels are exact decimals.)
var fixedBuckets = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}

// more holds the metrics of this file; it is embedded in demo.
type more struct {
	latency     *prom.HistogramVec
	fixed       *prom.Histogram
	sizes       *prom.SummaryVec
	fixedQ      *prom.Summary
	build       *prom.Info
	workerState *prom.StateSet
	cacheHits   atomic.Uint64 // read by the demo_cache_hits_total callback
}

// newMore creates the metrics of this file; it panics on a construction mistake (see newDemo).
func (d *demo) newMore(o prom.Opts) {
	lo := o
	lo.Buckets = prom.Must(prom.ExponentialBuckets(0.005, 2, 10))
	d.latency = prom.Must(prom.NewHistogramVec("demo_http_request_duration_seconds", "Latency of the fake HTTP requests, by method.", []string{"method"}, lo))
	fo := o
	fo.Buckets = fixedBuckets
	d.fixed = prom.Must(prom.NewHistogram("demo_fixed_observations",
		"A known distribution for tests: ten observations per tick, 0.05, 0.15, ..., 0.95, uniform over the buckets.", fo))
	so := o
	so.Objectives = map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001}
	d.sizes = prom.Must(prom.NewSummaryVec("demo_http_response_size_bytes", "Sizes of the fake HTTP responses, by method, with quantiles over the last 10 minutes.", []string{"method"}, so))
	qo := o
	qo.Objectives = map[float64]float64{0.1: 0.01, 0.5: 0.01, 0.9: 0.01}
	d.fixedQ = prom.Must(prom.NewSummary("demo_fixed_quantiles", "The known distribution of demo_fixed_observations, as a summary: its q quantile is close to q.", qo))

	d.build = prom.Must(prom.NewInfo("demo_build", "Version of the demo and of the Go it was built with.", o))
	prom.Must(0, d.build.Set(map[string]string{"version": version, "go_version": goVersion}))
	d.workerState = prom.Must(prom.NewStateSet("demo_worker_state", "State of the fake worker; it moves to the next state every 10 ticks.", workerStates, o))

	prom.Must(prom.NewGaugeFunc("demo_uptime_seconds", "Seconds since the demo started, read from a callback at each scrape.",
		func() float64 { return time.Since(d.start).Seconds() }, o))
	prom.Must(prom.NewCounterFunc("demo_cache_hits_total", "Hits of a fake cache that keeps its own count, read from a callback at each scrape.",
		func() float64 { return float64(d.cacheHits.Load()) }, o))

	for _, r := range routes {
		d.latency.With(r.Method)
		d.sizes.With(r.Method)
	}
}

// stepMore advances the metrics of this file by one tick.
func (d *demo) stepMore() {
	for _, v := range fixedValues {
		d.fixed.Observe(v)
		d.fixedQ.Observe(v)
	}
	d.workerState.Set(workerStates[(d.ticks/10)%len(workerStates)])
	d.cacheHits.Add(uint64(d.rnd.IntN(20)))
}

// observeRequest records the latency and response size of one fake request.
func (d *demo) observeRequest(method string, seconds, bytes float64) {
	d.latency.With(method).Observe(seconds)
	d.sizes.With(method).Observe(bytes)
}
