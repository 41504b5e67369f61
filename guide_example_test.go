package prom_test

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// The program of the package documentation's first section: a handler counts, times and
// tracks its requests, and promhttp serves the metrics. Here the metrics live in a registry
// of their own and the requests go through httptest, so that the example prints exactly what
// a scrape receives; a program would use prom.Default and http.ListenAndServe.
func Example() {
	reg := prom.NewRegistry()
	opts := prom.Opts{Registry: reg}
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.", []string{"method", "code"}, opts))
	inflight := prom.Must(prom.NewGauge("http_requests_in_flight", "Requests being served.", opts))
	latency := prom.Must(prom.NewHistogram("http_request_duration_seconds", "Request latency.",
		prom.Opts{Registry: reg, Buckets: []float64{0.1, 1}}))

	handle := func(w http.ResponseWriter, r *http.Request) {
		defer inflight.TrackInProgress()()
		latency.Observe(0.05) // a program writes defer latency.Time()()
		requests.With(r.Method, "200").Inc()
		io.WriteString(w, "hello\n")
	}
	for range 3 {
		handle(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}

	// What Prometheus gets from /metrics (without an Accept header: text 0.0.4). Families
	// come in name order: the counter's family is http_requests, without _total.
	scrape := httptest.NewRecorder()
	promhttp.Handler(reg).ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
	fmt.Print(scrape.Body.String())
	// Output:
	// # HELP http_request_duration_seconds Request latency.
	// # TYPE http_request_duration_seconds histogram
	// http_request_duration_seconds_bucket{le="0.1"} 3
	// http_request_duration_seconds_bucket{le="1"} 3
	// http_request_duration_seconds_bucket{le="+Inf"} 3
	// http_request_duration_seconds_count 3
	// http_request_duration_seconds_sum 0.15000000000000002
	// # HELP http_requests_total HTTP requests handled.
	// # TYPE http_requests_total counter
	// http_requests_total{method="GET",code="200"} 3
	// # HELP http_requests_in_flight Requests being served.
	// # TYPE http_requests_in_flight gauge
	// http_requests_in_flight 0
}

// Register refuses a collector whose families, or the sample names they generate, clash with
// those of the registry, and tells a second registration of the same collector apart.
func ExampleRegistry_Register() {
	reg := prom.NewRegistry()
	jobs := prom.Must(prom.NewCounter("jobs_total", "Jobs run.", prom.Opts{Registry: reg}))

	// A gauge named like the counter's _created sample would make the exposition ambiguous.
	created := prom.Must(prom.NewGauge("jobs_created", "Jobs created.", prom.Opts{Unregistered: true}))
	err := reg.Register(created)
	fmt.Println("conflict:", errors.Is(err, prom.ErrConflict))
	fmt.Println(err)

	err = reg.Register(jobs)
	var again *prom.AlreadyRegisteredError
	if errors.As(err, &again) {
		fmt.Println("already registered, same metric:", again.Existing == prom.Collector(jobs))
	}
	// Output:
	// conflict: true
	// prom: gauge "jobs_created" (help "Jobs created.") clashes with the registered counter "jobs" (help "Jobs run."): both would write samples named "jobs_created"
	// already registered, same metric: true
}

// Bad values reaching metrics at run time never panic: each has one outcome, and is reported to
// the registry's error handler, wrapping one of the sentinel errors ErrNegativeIncrement, …
// The default handler counts them in prom_runtime_errors_total and logs the first of each kind;
// this one prints them, and tells a wrong label count, a bug in the program, from the others.
func ExampleRegistry_SetErrorHandler() {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(err error) {
		if errors.Is(err, prom.ErrLabelCount) {
			fmt.Print("bug: ")
		}
		fmt.Println(err)
	})
	jobs := prom.Must(prom.NewCounterVec("jobs_total", "Jobs run, by queue.", []string{"queue"}, prom.Opts{Registry: reg}))

	jobs.With("mail").Add(-1)         // counter unchanged
	jobs.With("mail").Add(math.NaN()) // counter unchanged
	jobs.With("mail", "extra").Inc()  // goes to a detached child, never exposed
	jobs.With("b\xffd").Inc()         // the bad byte becomes U+FFFD
	jobs.With("mail").Inc()

	printOpenMetrics(reg)
	// Output:
	// prom: metric "jobs": negative increment: Add(-1) ignored: a counter only goes up
	// prom: metric "jobs": NaN increment: Add(NaN) ignored
	// bug: prom: metric "jobs": wrong labels: got 2 label values ["mail" "extra"] for the label names ["queue"]
	// prom: metric "jobs": invalid UTF-8: value "b\xffd" of label "queue" is not valid UTF-8; invalid bytes replaced by U+FFFD
	// # HELP jobs Jobs run, by queue.
	// # TYPE jobs counter
	// jobs_total{queue="mail"} 1.0
	// jobs_total{queue="b�d"} 1.0
	// # EOF
}

// RemoveMatching deletes the children that match some of the labels, here every series of a
// backend that went away.
func ExampleVec_RemoveMatching() {
	reg := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("backend_requests_total", "Requests by backend and code.",
		[]string{"backend", "code"}, prom.Opts{Registry: reg}))
	requests.With("a", "200").Inc()
	requests.With("b", "200").Inc()
	requests.With("b", "500").Inc()

	fmt.Println("removed:", requests.RemoveMatching(map[string]string{"backend": "b"}))
	printOpenMetrics(reg)
	// Output:
	// removed: 2
	// # HELP backend_requests Requests by backend and code.
	// # TYPE backend_requests counter
	// backend_requests_total{backend="a",code="200"} 1.0
	// # EOF
}

// The target_info family describes the monitored target as a whole; it comes first in every
// collection.
func ExampleRegistry_SetTargetInfo() {
	reg := prom.NewRegistry()
	if err := reg.SetTargetInfo(map[string]string{"service": "billing", "env": "prod"}); err != nil {
		fmt.Println(err)
	}
	prom.Must(prom.NewGauge("queue_length", "Jobs waiting.", prom.Opts{Registry: reg})).Set(3)
	printOpenMetrics(reg)
	// Output:
	// # HELP target Target metadata.
	// # TYPE target info
	// target_info{env="prod",service="billing"} 1.0
	// # HELP queue_length Jobs waiting.
	// # TYPE queue_length gauge
	// queue_length 3.0
	// # EOF
}
