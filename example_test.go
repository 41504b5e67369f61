package prom_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// printOpenMetrics writes what a scrape of r in OpenMetrics would receive. The examples turn
// the "_created" series off, since they hold the time the example ran.
func printOpenMetrics(r *prom.Registry) {
	r.SetCreatedSeries(false)
	enc := expfmt.NewEncoder(os.Stdout, expfmt.OpenMetricsFormat, expfmt.Underscores)
	err := r.Collect(context.Background(), enc)
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Println("error:", err)
	}
}

func ExampleNewCounter() {
	r := prom.NewRegistry()
	requests := prom.Must(prom.NewCounter("requests_total", "Requests handled.", prom.Opts{Registry: r}))
	requests.Inc()
	requests.Add(2)
	printOpenMetrics(r)
	// Output:
	// # HELP requests Requests handled.
	// # TYPE requests counter
	// requests_total 3.0
	// # EOF
}

// An unregistered metric is in no registry until it is registered, and the registry its Opts
// name, if any, receives its run-time errors meanwhile and afterwards. Here a job builds a
// metric first and registers it later in the registry it pushes.
func ExampleOpts_unregistered() {
	errs := prom.NewRegistry()
	errs.SetErrorHandler(func(err error) { fmt.Println("reported:", err) })
	rows := prom.Must(prom.NewCounter("job_rows_total", "Rows processed.", prom.Opts{Registry: errs, Unregistered: true}))
	rows.Add(-1) // a counter cannot go down: reported, not applied
	rows.Add(42)

	pushed := prom.NewRegistry()
	pushed.MustRegister(rows)
	printOpenMetrics(pushed)
	// Output:
	// reported: prom: metric "job_rows": negative increment: Add(-1) ignored: a counter only goes up
	// # HELP job_rows Rows processed.
	// # TYPE job_rows counter
	// job_rows_total 42.0
	// # EOF
}

func ExampleNewGauge() {
	r := prom.NewRegistry()
	queued := prom.Must(prom.NewGauge("jobs_queued", "Jobs waiting to run.", prom.Opts{Registry: r}))
	queued.Set(10)
	queued.Dec()
	queued.Add(0.5)
	printOpenMetrics(r)
	// Output:
	// # HELP jobs_queued Jobs waiting to run.
	// # TYPE jobs_queued gauge
	// jobs_queued 9.5
	// # EOF
}

// TrackInProgress counts the calls under way; the deferred call undoes the increment when the
// function returns, however it returns.
func ExampleGauge_TrackInProgress() {
	inflight := prom.Must(prom.NewGauge("requests_in_flight", "Requests being served.", prom.Opts{Unregistered: true}))
	handle := func() {
		defer inflight.TrackInProgress()()
		fmt.Println("during:", inflight.Value())
	}
	handle()
	fmt.Println("after:", inflight.Value())
	// Output:
	// during: 1
	// after: 0
}

// Time records how long the last run of a job took.
func ExampleGauge_Time() {
	lastRun := prom.Must(prom.NewGauge("backup_duration_seconds", "Duration of the last backup.", prom.Opts{Unregistered: true}))
	backup := func() {
		defer lastRun.Time()()
		// ... the work being timed ...
	}
	backup()
	fmt.Println(lastRun.Value() >= 0 && lastRun.Value() < 60)
	// Output: true
}

// CountErrors counts the calls that fail; the error still reaches the caller.
func ExampleCounter_CountErrors() {
	failures := prom.Must(prom.NewCounter("sync_failures_total", "Failed synchronisations.", prom.Opts{Unregistered: true}))
	sync := func(ok bool) error {
		if !ok {
			return errors.New("peer unreachable")
		}
		return nil
	}
	_ = failures.CountErrors(func() error { return sync(true) })
	err := failures.CountErrors(func() error { return sync(false) })
	fmt.Println(err, failures.Value())
	// Output: peer unreachable 1
}

func ExampleNewCounterVec() {
	r := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.",
		[]string{"method", "code"}, prom.Opts{Registry: r}))
	requests.With("GET", "200").Inc()
	requests.With("GET", "200").Inc()
	requests.With("POST", "500").Inc()
	printOpenMetrics(r)
	// Output:
	// # HELP http_requests HTTP requests handled.
	// # TYPE http_requests counter
	// http_requests_total{method="GET",code="200"} 2.0
	// http_requests_total{method="POST",code="500"} 1.0
	// # EOF
}

// WithMap names the label values; it allocates, so With is the form for hot paths.
func ExampleVec_WithMap() {
	r := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.",
		[]string{"method", "code"}, prom.Opts{Registry: r}))
	requests.WithMap(map[string]string{"code": "404", "method": "GET"}).Inc()
	printOpenMetrics(r)
	// Output:
	// # HELP http_requests HTTP requests handled.
	// # TYPE http_requests counter
	// http_requests_total{method="GET",code="404"} 1.0
	// # EOF
}

// A struct type gives the label names once, and the compiler checks every call.
func ExampleNewCounterOf() {
	type route struct {
		Method string
		Path   string
		Status string `label:"code"`
	}
	r := prom.NewRegistry()
	hits := prom.Must(prom.NewCounterOf[route]("route_hits_total", "Hits per route.", prom.Opts{Registry: r}))
	hits.With(route{Method: "GET", Path: "/items", Status: "200"}).Inc()
	printOpenMetrics(r)
	// Output:
	// # HELP route_hits Hits per route.
	// # TYPE route_hits counter
	// route_hits_total{method="GET",path="/items",code="200"} 1.0
	// # EOF
}

func ExampleNewInfo() {
	r := prom.NewRegistry()
	build := prom.Must(prom.NewInfo("build_info", "Build information.", prom.Opts{Registry: r}))
	printOpenMetrics(r) // exposed before Set, with no labels of its own
	if err := build.Set(map[string]string{"version": "1.4.2", "revision": "5e1c0f7"}); err != nil {
		fmt.Println(err)
	}
	printOpenMetrics(r)
	// Output:
	// # HELP build Build information.
	// # TYPE build info
	// build_info 1.0
	// # EOF
	// # HELP build Build information.
	// # TYPE build info
	// build_info{revision="5e1c0f7",version="1.4.2"} 1.0
	// # EOF
}

// In an InfoVec each child has its own info labels.
func ExampleNewInfoVec() {
	r := prom.NewRegistry()
	disks := prom.Must(prom.NewInfoVec("disk_info", "Disks by slot.", []string{"slot"}, prom.Opts{Registry: r}))
	_ = disks.With("0").Set(map[string]string{"model": "X100"})
	_ = disks.With("1").Set(map[string]string{"model": "Y2", "firmware": "3.1"})
	printOpenMetrics(r)
	// Output:
	// # HELP disk Disks by slot.
	// # TYPE disk info
	// disk_info{slot="0",model="X100"} 1.0
	// disk_info{slot="1",firmware="3.1",model="Y2"} 1.0
	// # EOF
}

func ExampleNewStateSet() {
	r := prom.NewRegistry()
	state := prom.Must(prom.NewStateSet("task_state", "State of the task.",
		[]string{"starting", "running", "stopped"}, prom.Opts{Registry: r}))
	r.SetErrorHandler(func(err error) { fmt.Println("reported:", err) })
	state.Set("running")
	state.Set("paused") // not declared: ignored and reported to the registry's error handler
	fmt.Println(state.State())
	printOpenMetrics(r)
	// Output:
	// reported: prom: metric "task_state": unknown state: Set("paused") ignored: the declared states are ["starting" "running" "stopped"]
	// running
	// # HELP task_state State of the task.
	// # TYPE task_state stateset
	// task_state{task_state="starting"} 0.0
	// task_state{task_state="running"} 1.0
	// task_state{task_state="stopped"} 0.0
	// # EOF
}

func ExampleNewStateSetVec() {
	r := prom.NewRegistry()
	breakers := prom.Must(prom.NewStateSetVec("breaker_state", "Circuit breaker per peer.",
		[]string{"closed", "open", "half_open"}, []string{"peer"}, prom.Opts{Registry: r}))
	breakers.With("db").Set("open")
	printOpenMetrics(r)
	// Output:
	// # HELP breaker_state Circuit breaker per peer.
	// # TYPE breaker_state stateset
	// breaker_state{peer="db",breaker_state="closed"} 0.0
	// breaker_state{peer="db",breaker_state="open"} 1.0
	// breaker_state{peer="db",breaker_state="half_open"} 0.0
	// # EOF
}

func ExampleNewGaugeFunc() {
	r := prom.NewRegistry()
	queue := []string{"a", "b", "c"}
	prom.Must(prom.NewGaugeFunc("queue_length", "Items in the queue.",
		func() float64 { return float64(len(queue)) }, prom.Opts{Registry: r}))
	printOpenMetrics(r)
	queue = queue[:1] // read again at the next collection
	printOpenMetrics(r)
	// Output:
	// # HELP queue_length Items in the queue.
	// # TYPE queue_length gauge
	// queue_length 3.0
	// # EOF
	// # HELP queue_length Items in the queue.
	// # TYPE queue_length gauge
	// queue_length 1.0
	// # EOF
}

// One callback reports a value per label set. It writes each series with Writer.Emit, as a
// Collector does; the literals stay on the stack, so emitting allocates nothing.
func ExampleNewGaugeFuncVec() {
	type poolStats struct{ Idle, InUse int }
	stats := func() poolStats { return poolStats{Idle: 4, InUse: 6} }

	r := prom.NewRegistry()
	prom.Must(prom.NewGaugeFuncVec("pool_connections", "Connections of the pool, by state.", []string{"state"},
		func(w *prom.Writer) {
			st := stats()
			w.Emit(&prom.Series{Value: float64(st.Idle), LabelValues: []string{"idle"}})
			w.Emit(&prom.Series{Value: float64(st.InUse), LabelValues: []string{"in_use"}})
		}, prom.Opts{Registry: r}))
	printOpenMetrics(r)
	// Output:
	// # HELP pool_connections Connections of the pool, by state.
	// # TYPE pool_connections gauge
	// pool_connections{state="idle"} 4.0
	// pool_connections{state="in_use"} 6.0
	// # EOF
}

// queueCollector mirrors the queues of another system at each collection.
type queueCollector struct {
	lengths map[string]int
	served  map[string]int
}

// The descriptions are built once; NewDesc checks the names.
var (
	queueLength = prom.Must(prom.NewDesc(prom.GaugeType, "queue_length", "Jobs waiting, by queue.",
		[]string{"queue"}))
	queueServed = prom.Must(prom.NewDesc(prom.CounterType, "queue_served_total", "Jobs served, by queue.",
		[]string{"queue"}))
)

func (c *queueCollector) Describe() []*prom.Desc { return []*prom.Desc{queueLength, queueServed} }

func (c *queueCollector) Collect(w *prom.Writer) {
	queues := []string{"high", "low"}
	if w.Family(queueLength) { // false when the scrape did not ask for it: skip the work
		for _, q := range queues {
			w.Emit(&prom.Series{Value: float64(c.lengths[q]), LabelValues: []string{q}})
		}
	}
	if w.Family(queueServed) {
		for _, q := range queues {
			w.Emit(&prom.Series{Value: float64(c.served[q]), LabelValues: []string{q}})
		}
	}
}

// A custom collector starts each family with Writer.Family and writes its series with
// Writer.Emit, the one verb for every type.
func Example_customCollector() {
	r := prom.NewRegistry()
	r.MustRegister(&queueCollector{
		lengths: map[string]int{"high": 2, "low": 7},
		served:  map[string]int{"high": 100, "low": 40},
	})
	printOpenMetrics(r)
	// Output:
	// # HELP queue_length Jobs waiting, by queue.
	// # TYPE queue_length gauge
	// queue_length{queue="high"} 2.0
	// queue_length{queue="low"} 7.0
	// # HELP queue_served Jobs served, by queue.
	// # TYPE queue_served counter
	// queue_served_total{queue="high"} 100.0
	// queue_served_total{queue="low"} 40.0
	// # EOF
}

// featuresCollector writes a state set where any number of states may be on at once, which the
// StateSet type does not model, and a histogram read from elsewhere, with a timestamp.
type featuresCollector struct{}

var (
	featureFlags = prom.Must(prom.NewDesc(prom.StateSetType, "feature_flags", "Feature flags switched on.", nil))
	upstreamSize = prom.Must(prom.NewDesc(prom.HistogramType, "upstream_response_size", "Response sizes seen by the proxy.",
		nil, prom.Opts{Unit: "bytes"}))
)

func (featuresCollector) Describe() []*prom.Desc { return []*prom.Desc{featureFlags, upstreamSize} }

func (featuresCollector) Collect(w *prom.Writer) {
	w.Family(featureFlags)
	w.Emit(&prom.Series{States: []prom.State{{Name: "dark_mode", Enabled: true}, {Name: "beta_search", Enabled: false}, {Name: "new_cart", Enabled: true}}})

	w.Family(upstreamSize)
	w.Emit(&prom.Series{
		Buckets:   []prom.Bucket{{UpperBound: 1024, Count: 8}, {UpperBound: math.Inf(1), Count: 10}},
		Count:     10,
		Sum:       9000,
		Timestamp: time.UnixMilli(1700000000000).UnixNano(), HasTimestamp: true, // nanoseconds, like every time in a Series
	})
}

// Emit writes a series of any type: the fields of the family's type are the ones read.
func ExampleWriter_Emit() {
	r := prom.NewRegistry()
	r.MustRegister(featuresCollector{})
	printOpenMetrics(r)
	// Output:
	// # HELP feature_flags Feature flags switched on.
	// # TYPE feature_flags stateset
	// feature_flags{feature_flags="dark_mode"} 1.0
	// feature_flags{feature_flags="beta_search"} 0.0
	// feature_flags{feature_flags="new_cart"} 1.0
	// # HELP upstream_response_size_bytes Response sizes seen by the proxy.
	// # TYPE upstream_response_size_bytes histogram
	// # UNIT upstream_response_size_bytes bytes
	// upstream_response_size_bytes_bucket{le="1024.0"} 8 1700000000.0
	// upstream_response_size_bytes_bucket{le="+Inf"} 10 1700000000.0
	// upstream_response_size_bytes_count 10 1700000000.0
	// upstream_response_size_bytes_sum 9000.0 1700000000.0
	// # EOF
}

// A collector that finds a series it cannot write reports it; the rest of the family is
// written, and the collection returns the error.
func ExampleWriter_Emit_problem() {
	r := prom.NewRegistry()
	r.SetErrorHandler(func(error) {}) // returned by Collect below; not logged
	d := prom.Must(prom.NewDesc(prom.CounterType, "jobs_total", "Jobs done.", []string{"queue"}))
	r.MustRegister(collectorFunc(func(w *prom.Writer) {
		w.Family(d)
		w.Emit(&prom.Series{Value: 3, LabelValues: []string{"high"}})
		w.Emit(&prom.Series{Value: -1, LabelValues: []string{"low"}}) // a counter is never negative
	}))
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	err := r.Collect(context.Background(), enc)
	enc.Close()
	fmt.Println(err)
	// Output:
	// # HELP jobs_total Jobs done.
	// # TYPE jobs_total counter
	// jobs_total{queue="high"} 3
	// prom: metric "jobs": negative increment: value -1 for ["low"]: a counter is never negative or NaN; the series is skipped
}

// collectorFunc is a Collector from a function.
type collectorFunc func(w *prom.Writer)

func (collectorFunc) Describe() []*prom.Desc   { return nil }
func (f collectorFunc) Collect(w *prom.Writer) { f(w) }
