package testutil_test

import (
	"fmt"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

func ExampleSampleValue() {
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests handled.",
		[]string{"method", "code"}, prom.Opts{Unregistered: true}))
	requests.With("GET", "200").Inc()
	requests.With("GET", "200").Inc()

	v, ok := testutil.SampleValue(requests, "http_requests_total", "method", "GET", "code", "200")
	fmt.Println(v, ok)
	v, ok = testutil.SampleValue(requests, "http_requests_total", "method", "POST", "code", "200")
	fmt.Println(v, ok)
	// Output:
	// 2 true
	// 0 false
}

func ExampleSampleValue_histogram() {
	latency := prom.Must(prom.NewHistogram("request_duration_seconds", "Latency.",
		prom.Opts{Unregistered: true, Buckets: []float64{0.1, 1}}))
	latency.Observe(0.05)
	latency.Observe(0.5)

	below, _ := testutil.SampleValue(latency, "request_duration_seconds_bucket", "le", "1")
	count, _ := testutil.SampleValue(latency, "request_duration_seconds_count")
	fmt.Println(below, count)
	// Output: 2 2
}

func ExampleCompare() {
	reg := prom.NewRegistry()
	queue := prom.Must(prom.NewGauge("queue_length", "Jobs waiting.", prom.Opts{Registry: reg}))
	queue.Set(3)

	err := testutil.Compare(testutil.FromRegistry(reg), `
		# HELP queue_length Jobs waiting.
		# TYPE queue_length gauge
		queue_length 4
	`)
	fmt.Println(err)
	// Output:
	// testutil: collected metrics differ from expected (-expected +collected):
	//  # HELP queue_length Jobs waiting.
	//  # TYPE queue_length gauge
	// -queue_length 4
	// +queue_length 3
}

func ExampleCompare_openMetrics() {
	up := prom.Must(prom.NewGauge("up", "Whether the target is up.", prom.Opts{Unregistered: true}))
	up.Set(1)

	err := testutil.Compare(up, `
		# HELP up Whether the target is up.
		# TYPE up gauge
		up 1.0
		# EOF
	`)
	fmt.Println(err)
	// Output: <nil>
}

func ExampleCountSeries() {
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests handled.",
		[]string{"code"}, prom.Opts{Unregistered: true}))
	requests.With("200").Inc()
	requests.With("404").Inc()
	fmt.Println(testutil.CountSeries(requests))
	// Output: 2
}

func ExampleSamples() {
	latency := prom.Must(prom.NewHistogram("request_duration_seconds", "Latency.",
		prom.Opts{Unregistered: true, Buckets: []float64{0.5}}))
	latency.Observe(0.25)
	samples, _ := testutil.Samples(latency)
	for _, s := range samples {
		if s.Name != "request_duration_seconds_created" {
			fmt.Println(s)
		}
	}
	// Output:
	// request_duration_seconds_bucket{le="0.5"} 1
	// request_duration_seconds_bucket{le="+Inf"} 1
	// request_duration_seconds_count 1
	// request_duration_seconds_sum 0.25
}

func ExampleLint() {
	latency := prom.Must(prom.NewGaugeVec("rpc_latency_ms", "", []string{"rpcMethod"},
		prom.Opts{Unregistered: true}))
	for _, p := range testutil.Lint(latency) {
		fmt.Println(p)
	}
	// Output:
	// rpc_latency_ms: label name "rpcMethod" should be written in 'snake_case' not 'camelCase' (camel-case)
	// rpc_latency_ms: metric names should not contain abbreviated units ("ms") (abbreviated-units)
	// rpc_latency_ms: no help text (help)
}
