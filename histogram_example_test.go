package prom_test

import (
	"fmt"

	"github.com/prom-go/prom"
)

func ExampleNewHistogram() {
	r := prom.NewRegistry()
	latency := prom.Must(prom.NewHistogram("request_duration_seconds", "Request latency.",
		prom.Opts{Registry: r, Buckets: []float64{0.1, 0.5, 1}}))
	for _, v := range []float64{0.05, 0.2, 0.3, 0.7, 4} {
		latency.Observe(v)
	}
	printOpenMetrics(r)
	// Output:
	// # HELP request_duration_seconds Request latency.
	// # TYPE request_duration_seconds histogram
	// request_duration_seconds_bucket{le="0.1"} 1
	// request_duration_seconds_bucket{le="0.5"} 3
	// request_duration_seconds_bucket{le="1.0"} 4
	// request_duration_seconds_bucket{le="+Inf"} 5
	// request_duration_seconds_count 5
	// request_duration_seconds_sum 5.25
	// # EOF
}

func ExampleExponentialBuckets() {
	buckets, err := prom.ExponentialBuckets(0.005, 2, 5)
	fmt.Println(buckets, err)
	_, err = prom.ExponentialBuckets(0.005, 1, 5)
	fmt.Println(err)
	// Output:
	// [0.005 0.01 0.02 0.04 0.08] <nil>
	// prom: ExponentialBuckets: factor 1: must be finite and greater than 1
}

func ExampleNewSummary() {
	r := prom.NewRegistry()
	latency := prom.Must(prom.NewSummary("request_duration_seconds", "Request latency.",
		prom.Opts{Registry: r, Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01}}))
	for i := 1; i <= 100; i++ {
		latency.Observe(float64(i) / 100)
	}
	// The median may be any of the observations ranked 45 to 55: the objective allows an
	// error of 0.05 × 100 ranks. The sketch keeps fewer values than it was given.
	printOpenMetrics(r)
	// Output:
	// # HELP request_duration_seconds Request latency.
	// # TYPE request_duration_seconds summary
	// request_duration_seconds{quantile="0.5"} 0.53
	// request_duration_seconds{quantile="0.9"} 0.9
	// request_duration_seconds_count 100
	// request_duration_seconds_sum 50.5
	// # EOF
}
