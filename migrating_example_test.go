package prom_test

// The examples of MIGRATING.md, the guide for code moving from client_golang or the Python
// client to prom. Each one is shown in the guide; go test proves that it compiles and prints
// what the guide says.

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

// printText writes what a scraper asking for the Prometheus text format 0.0.4 receives from r:
// the format client_golang's default handler answers Prometheus with.
func printText(r *prom.Registry) {
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	err := errors.Join(r.Collect(context.Background(), enc), enc.Close())
	if err != nil {
		fmt.Println("error:", err)
	}
}

// client_golang:
//
//	reqs := promauto.With(reg).NewCounterVec(prometheus.CounterOpts{
//		Namespace: "shop", Subsystem: "http", Name: "requests_total",
//		Help: "Requests handled.", ConstLabels: prometheus.Labels{"region": "eu"},
//	}, []string{"method", "code"})
//	reqs.WithLabelValues("GET", "200").Inc()
//	reqs.With(prometheus.Labels{"method": "POST", "code": "500"}).Add(2)
func Example_migrateCounterVec() {
	reg := prom.NewRegistry()
	reqs := prom.Must(prom.NewCounterVec("requests_total", "Requests handled.",
		[]string{"method", "code"}, prom.Opts{
			Namespace: "shop", Subsystem: "http",
			ConstLabels: map[string]string{"region": "eu"},
			Registry:    reg, // nil: prom.Default (Unregistered: true for none)
		}))
	reqs.With("GET", "200").Inc()
	reqs.WithMap(map[string]string{"method": "POST", "code": "500"}).Add(2)
	printText(reg)
	// Output:
	// # HELP shop_http_requests_total Requests handled.
	// # TYPE shop_http_requests_total counter
	// shop_http_requests_total{region="eu",method="GET",code="200"} 1
	// shop_http_requests_total{region="eu",method="POST",code="500"} 2
}

// A counter's samples always end in _total, in every format. client_golang exposes a counter
// named "jobs_processed" as jobs_processed in the text format; prom exposes it as
// jobs_processed_total. Name it as the dashboards read it: with _total, the family is the same.
func Example_migrateCounterName() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewCounter("jobs_processed", "Jobs processed.", prom.Opts{Registry: reg})).Inc()
	printText(reg)
	// Output:
	// # HELP jobs_processed_total Jobs processed.
	// # TYPE jobs_processed_total counter
	// jobs_processed_total 1
}

// client_golang's bucket helpers panic on bad arguments; prom's return an error.
func Example_migrateBuckets() {
	fmt.Println(prom.DefBuckets)
	fmt.Println(prom.Must(prom.LinearBuckets(1, 1, 3)))
	fmt.Println(prom.Must(prom.ExponentialBuckets(0.01, 10, 3)))
	fmt.Println(prom.Must(prom.ExponentialBucketsRange(1, 100, 3)))
	_, err := prom.ExponentialBuckets(0, 2, 3)
	fmt.Println(err != nil)

	// client_golang: NativeHistogramBucketFactor: 1.1, NativeHistogramMaxBucketNumber: 160,
	// NativeHistogramMinResetDuration: time.Hour.
	latency := prom.Must(prom.NewHistogram("rpc_duration_seconds", "RPC latency.", prom.Opts{
		Buckets:                prom.DefBuckets, // classic buckets too; nil: native only
		NativeFactor:           1.1,
		NativeMaxBuckets:       160,
		NativeMinResetDuration: time.Hour,
		Unregistered:           true,
	}))
	latency.Observe(0.042)
	fmt.Println(prom.Must(prom.NativeSchema(1.1)))
	// Output:
	// [0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10]
	// [1 2 3]
	// [0.01 0.1 1]
	// [1 10 100]
	// true
	// 3
}

// client_golang:
//
//	prometheus.NewSummary(prometheus.SummaryOpts{Name: "payload_bytes", Help: "Payload sizes.",
//		Objectives: map[float64]float64{0.5: 0.05, 0.99: 0.001}, MaxAge: 5 * time.Minute})
func Example_migrateSummary() {
	reg := prom.NewRegistry()
	size := prom.Must(prom.NewSummary("payload_bytes", "Payload sizes.", prom.Opts{
		Objectives: map[float64]float64{0.5: 0.05, 0.99: 0.001},
		MaxAge:     5 * time.Minute, // 0: prom.DefMaxAge (10m); AgeBuckets 0: prom.DefAgeBuckets (5)
		Registry:   reg,
	}))
	for v := 1; v <= 100; v++ {
		size.Observe(float64(v))
	}
	// 54 is within the allowed error of the median: 0.05 × 100 = 5 ranks from 50.
	printText(reg)
	// Output:
	// # HELP payload_bytes Payload sizes.
	// # TYPE payload_bytes summary
	// payload_bytes{quantile="0.5"} 54
	// payload_bytes{quantile="0.99"} 99
	// payload_bytes_count 100
	// payload_bytes_sum 5050
}

// client_golang: prometheus.NewGaugeFunc(prometheus.GaugeOpts{...}, f). NewGaugeFuncVec reports
// several labelled values from one callback, where client_golang needs a custom collector.
func Example_migrateGaugeFunc() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewGaugeFunc("cache_entries", "Entries in the cache.",
		func() float64 { return 42 }, prom.Opts{Registry: reg}))
	prom.Must(prom.NewGaugeFuncVec("pool_connections", "Connections by state.", []string{"state"},
		func(w *prom.Writer) {
			w.Emit(&prom.Series{Value: 3, LabelValues: []string{"idle"}})
			w.Emit(&prom.Series{Value: 5, LabelValues: []string{"in_use"}})
		}, prom.Opts{Registry: reg}))
	printText(reg)
	// Output:
	// # HELP cache_entries Entries in the cache.
	// # TYPE cache_entries gauge
	// cache_entries 42
	// # HELP pool_connections Connections by state.
	// # TYPE pool_connections gauge
	// pool_connections{state="idle"} 3
	// pool_connections{state="in_use"} 5
}

// jobQueueCollector is a custom collector: client_golang's Describe(chan<- *Desc) and
// Collect(chan<- Metric) with MustNewConstMetric become Describe() []*prom.Desc and
// Collect(*prom.Writer), which writes the values straight into the scrape.
type jobQueueCollector struct {
	depth, latency *prom.Desc
}

func newJobQueue() *jobQueueCollector {
	return &jobQueueCollector{
		// client_golang: prometheus.NewDesc("queue_depth", "Jobs waiting.", []string{"queue"}, nil)
		depth: prom.Must(prom.NewDesc(prom.GaugeType, "queue_depth", "Jobs waiting.",
			[]string{"queue"})),
		latency: prom.Must(prom.NewDesc(prom.HistogramType, "queue_wait_seconds", "Time in queue.",
			nil)),
	}
}

func (c *jobQueueCollector) Describe() []*prom.Desc { return []*prom.Desc{c.depth, c.latency} }

func (c *jobQueueCollector) Collect(w *prom.Writer) {
	// client_golang: ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, 3, "mail")
	if w.Family(c.depth) { // false when the scrape did not ask for the family
		w.Emit(&prom.Series{Value: 3, LabelValues: []string{"mail"}})
		w.Emit(&prom.Series{Value: 0, LabelValues: []string{"sms"}})
	}
	// client_golang: ch <- prometheus.MustNewConstHistogram(c.latency, 7, 3.5,
	//	map[float64]uint64{0.1: 2, 1: 6})
	if w.Family(c.latency) {
		w.Emit(&prom.Series{Count: 7, Sum: 3.5, Buckets: []prom.Bucket{ // Emit copies: nothing kept
			{UpperBound: 0.1, Count: 2},
			{UpperBound: 1, Count: 6},
			{UpperBound: math.Inf(1), Count: 7},
		}})
	}
}

func Example_migrateCollector() {
	reg := prom.NewRegistry()
	reg.MustRegister(newJobQueue())
	printText(reg)
	// Output:
	// # HELP queue_depth Jobs waiting.
	// # TYPE queue_depth gauge
	// queue_depth{queue="mail"} 3
	// queue_depth{queue="sms"} 0
	// # HELP queue_wait_seconds Time in queue.
	// # TYPE queue_wait_seconds histogram
	// queue_wait_seconds_bucket{le="0.1"} 2
	// queue_wait_seconds_bucket{le="1"} 6
	// queue_wait_seconds_bucket{le="+Inf"} 7
	// queue_wait_seconds_count 7
	// queue_wait_seconds_sum 3.5
}

// Construction mistakes are errors, not panics; prom.Must panics for package-level variables,
// as client_golang's MustRegister does. Registering the same metric twice, or another one under
// a name already taken, is an error too.
func Example_migrateErrors() {
	_, err := prom.NewHistogramVec("latency_seconds", "Latency.", []string{"le"},
		prom.Opts{Unregistered: true})
	fmt.Println(err)

	reg := prom.NewRegistry()
	c := prom.Must(prom.NewCounter("jobs_total", "Jobs.", prom.Opts{Registry: reg}))

	// client_golang: errors.As(err, &prometheus.AlreadyRegisteredError{}) and
	// are.ExistingCollector.
	var are *prom.AlreadyRegisteredError
	err = reg.Register(c)
	fmt.Println(errors.As(err, &are), are.Existing == c)

	// A gauge named jobs_created would clash with the counter's _created sample.
	_, err = prom.NewGauge("jobs_created", "Clash.", prom.Opts{Registry: reg})
	fmt.Println(errors.Is(err, prom.ErrConflict))
	fmt.Println(err)
	// Output:
	// prom: metric "latency_seconds": label name "le" is reserved for the buckets of a histogram
	// true true
	// true
	// prom: gauge "jobs_created" (help "Clash.") clashes with the registered counter "jobs" (help "Jobs."): both would write samples named "jobs_created"
}

// client_golang's WithLabelValues panics on a label value that is not UTF-8 (and on a wrong
// number of values); prom replaces each bad byte with U+FFFD, keeps counting, and reports
// the error to the registry's handler.
func Example_migrateInvalidUTF8() {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(err error) {
		if errors.Is(err, prom.ErrInvalidUTF8) {
			fmt.Println("reported:", err)
		}
	})
	files := prom.Must(prom.NewCounterVec("files_seen_total", "Files seen.", []string{"name"},
		prom.Opts{Registry: reg}))
	files.With("caf\xe9").Inc()
	printText(reg)
	// Output:
	// reported: prom: metric "files_seen": invalid UTF-8: value "caf\xe9" of label "name" is not valid UTF-8; invalid bytes replaced by U+FFFD
	// # HELP files_seen_total Files seen.
	// # TYPE files_seen_total counter
	// files_seen_total{name="caf�"} 1
}

// client_golang:
//
//	c.(prometheus.ExemplarAdder).AddWithExemplar(1, prometheus.Labels{"trace_id": id})
//	h.(prometheus.ExemplarObserver).ObserveWithExemplar(0.042, prometheus.Labels{"trace_id": id})
func Example_migrateExemplars() {
	c := prom.Must(prom.NewCounter("orders_total", "Orders.", prom.Opts{Unregistered: true}))
	h := prom.Must(prom.NewHistogram("order_seconds", "Order latency.", prom.Opts{Unregistered: true}))

	c.AddWithExemplar(1, prom.Label{Name: "trace_id", Value: "4bf92f35"})
	h.ObserveWithExemplar(0.042, prom.Label{Name: "trace_id", Value: "4bf92f35"})

	e := c.Exemplar()
	fmt.Println(e.Labels, e.Value)
	// Output:
	// [{trace_id 4bf92f35}] 1
}

// client_golang has no info type: an info metric is a gauge of value 1 with constant labels.
// prom.NewInfo writes the same sample, build_info{…} 1, and its labels can change at run time.
func Example_migrateInfo() {
	reg := prom.NewRegistry()
	build := prom.Must(prom.NewInfo("build_info", "Build of the service.", prom.Opts{Registry: reg}))
	if err := build.Set(map[string]string{"version": "1.4.2", "revision": "a1b2c3"}); err != nil {
		fmt.Println(err)
	}
	printText(reg)
	// Output:
	// # HELP build_info Build of the service.
	// # TYPE build_info gauge
	// build_info{revision="a1b2c3",version="1.4.2"} 1
}

// Python's Enum is prom's StateSet: one series per state, the current one at 1.
func Example_migrateStateSet() {
	reg := prom.NewRegistry()
	phase := prom.Must(prom.NewStateSet("task_phase", "Phase of the task.",
		[]string{"starting", "running", "stopped"}, prom.Opts{Registry: reg}))
	phase.Set("running")
	printText(reg)
	// Output:
	// # HELP task_phase Phase of the task.
	// # TYPE task_phase gauge
	// task_phase{task_phase="starting"} 0
	// task_phase{task_phase="running"} 1
	// task_phase{task_phase="stopped"} 0
}

// familyNames is an Encoder that keeps the family names of a collection: the shape of code
// that called client_golang's Gatherer.Gather to look at the families in memory. An Encoder
// must copy what it keeps, since the Desc and Series it is given are reused.
type familyNames []string

func (f *familyNames) Family(d *prom.Desc)                 { *f = append(*f, d.Name) }
func (f *familyNames) Series(d *prom.Desc, s *prom.Series) {}

func Example_migrateGather() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", prom.Opts{Registry: reg}))
	prom.Must(prom.NewCounter("restarts_total", "Restarts.", prom.Opts{Registry: reg}))

	var names familyNames
	if err := reg.Collect(context.Background(), &names); err != nil {
		fmt.Println(err)
	}
	fmt.Println(names)
	// Output:
	// [restarts temperature_celsius]
}

// Python:
//
//	jobs = Counter("jobs", "Jobs run.", ["queue"], registry=reg)
//	failures = Counter("job_failures", "Jobs that failed.", registry=reg)
//	running = Gauge("jobs_running", "Jobs running.", registry=reg)
//	duration = Histogram("job_seconds", "Job time.", registry=reg)
//
//	@failures.count_exceptions()
//	@running.track_inprogress()
//	@duration.time()
//	def run(queue):
//	    jobs.labels(queue).inc()
//
//	print(generate_latest(reg).decode())
func Example_migratePython() {
	reg := prom.NewRegistry()
	reg.SetCreatedSeries(false) // Python: disable_created_metrics()
	o := prom.Opts{Registry: reg}
	jobs := prom.Must(prom.NewCounterVec("jobs", "Jobs run.", []string{"queue"}, o))
	failures := prom.Must(prom.NewCounter("job_failures", "Jobs that failed.", o))
	running := prom.Must(prom.NewGauge("jobs_running", "Jobs running.", o))
	duration := prom.Must(prom.NewHistogram("job_seconds", "Job time.", prom.Opts{
		Registry: reg,
		Buckets:  []float64{0.1, 1}, // Python's default buckets are not prom.DefBuckets
	}))

	run := func(queue string) error {
		return failures.CountErrors(func() error {
			defer running.TrackInProgress()()
			defer duration.Time()()
			jobs.With(queue).Inc()
			return errors.New("disk full")
		})
	}
	fmt.Println(run("mail"))

	// generate_latest(reg), in OpenMetrics as the Python client writes it for Prometheus.
	enc := expfmt.NewEncoder(os.Stdout, expfmt.OpenMetricsFormat, expfmt.Underscores)
	err := errors.Join(reg.Collect(context.Background(), enc, "jobs", "job_failures"), enc.Close())
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// disk full
	// # HELP job_failures Jobs that failed.
	// # TYPE job_failures counter
	// job_failures_total 1.0
	// # HELP jobs Jobs run.
	// # TYPE jobs counter
	// jobs_total{queue="mail"} 1.0
	// # EOF
}
