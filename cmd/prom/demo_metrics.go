package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// demo holds the demo service's metrics and the state of its fake workload. Every metric type
// of prom appears in it at least once. step advances the workload by one tick; it is called
// from one goroutine only.
type demo struct {
	more
	nativeDemo // demo_native.go
	rnd        *rand.Rand
	ticks      int
	start      time.Time

	// Plain, fractional and error-counting counters.
	tickCount     *prom.Counter
	jobsProcessed *prom.Counter
	bytesRead     *prom.Counter
	jobFailures   *prom.Counter

	// Fake HTTP traffic: a labelled counter, a counter labelled by a struct, a gauge of work
	// in progress.
	requests  *prom.CounterVec
	routeHits *prom.CounterOf[route]
	inflight  *prom.Gauge
	slow      []func() // ends of slow requests still in flight

	// The HTTP routes, instrumented; the fake requests go through them too.
	server *promhttp.ServerMetrics
	http   http.Handler

	// Gauges: a random walk, a labelled family of sine waves, a timestamp.
	queueLength *prom.Gauge
	temperature *prom.GaugeVec
	lastTick    *prom.Gauge
}

// route labels the demo's fake HTTP traffic by method and path template.
type route struct {
	Method string
	Path   string
}

// routes is the fake traffic: what each request looks like and how often it comes.
var routes = []struct {
	route
	weight int
	codes  []string // picked uniformly
	size   float64  // mean response size in bytes
}{
	{route{"GET", "/items"}, 50, []string{"200", "200", "200", "500"}, 4096},
	{route{"GET", "/items/{id}"}, 30, []string{"200", "200", "404"}, 512},
	{route{"POST", "/items"}, 10, []string{"201", "201", "400"}, 128},
	{route{"DELETE", "/items/{id}"}, 5, []string{"204", "404"}, 0},
	{route{"GET", "/healthz"}, 5, []string{"200"}, 2},
}

// fixedValues are observed once each per tick by the fixed-distribution metrics, so that after
// n ticks the histogram bucket le=k/10 holds exactly k*n observations, the count is 10n and the
// sum 5n: a known distribution integration tests can check through a real Prometheus.
var fixedValues = [10]float64{0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95}

// rooms label the temperature gauges.
var rooms = []string{"kitchen", "office", "server_room"}

// newDemo creates the demo's metrics in reg. The seed fixes the fake workload, so two demos
// with the same seed move their metrics the same way.
func newDemo(reg *prom.Registry, seed uint64) (d *demo, err error) {
	// The constructors' errors are programming mistakes, so the metrics are built with
	// prom.Must as package-level metrics would be; the panic of a mistake becomes the error.
	defer func() {
		if p := recover(); p != nil {
			e, ok := p.(error)
			if !ok {
				panic(p)
			}
			d, err = nil, e
		}
	}()
	o := prom.Opts{Registry: reg}
	d = &demo{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), start: time.Now()}
	d.tickCount = prom.Must(prom.NewCounter("demo_ticks_total", "Ticks of the demo's workload loop.", o))
	d.jobsProcessed = prom.Must(prom.NewCounter("demo_jobs_processed_total", "Fake jobs processed.", o))
	d.bytesRead = prom.Must(prom.NewCounter("demo_read_bytes_total", "Bytes read by fake jobs, in fractional amounts.", o))
	d.jobFailures = prom.Must(prom.NewCounter("demo_job_failures_total", "Fake jobs that returned an error.", o))
	d.requests = prom.Must(prom.NewCounterVec("demo_http_requests_total", "Fake HTTP requests by method and status code.", []string{"method", "code"}, o))
	d.routeHits = prom.Must(prom.NewCounterOf[route]("demo_http_route_hits_total", "Fake HTTP requests by route, labelled from a struct.", o))
	d.inflight = prom.Must(prom.NewGauge("demo_http_requests_in_flight", "Fake HTTP requests being served.", o))
	d.queueLength = prom.Must(prom.NewGauge("demo_queue_length", "Items waiting in the fake queue: a random walk.", o))
	d.temperature = prom.Must(prom.NewGaugeVec("demo_temperature_celsius", "Fake room temperatures: sine waves.", []string{"room"}, o))
	d.lastTick = prom.Must(prom.NewGauge("demo_last_tick_timestamp_seconds", "Unix time of the last tick of the workload loop.", o))
	d.newMore(o)
	d.newNative(reg, o, seed)
	d.newHTTP(reg)
	// Create every child up front, so the families are complete from the first scrape.
	for _, r := range routes {
		d.routeHits.With(r.route)
		for _, c := range r.codes {
			d.requests.With(r.Method, c)
		}
	}
	for _, r := range rooms {
		d.temperature.With(r)
	}
	return d, nil
}

// step advances the fake workload by one tick.
func (d *demo) step() {
	d.ticks++
	d.tickCount.Inc()
	d.lastTick.SetToCurrentTime()

	jobs := 1 + d.rnd.IntN(5)
	for range jobs {
		d.jobsProcessed.Inc()
		d.bytesRead.Add(d.rnd.Float64() * 1500)
		_ = d.jobFailures.CountErrors(func() error {
			if d.rnd.IntN(10) == 0 {
				return fmt.Errorf("fake failure")
			}
			return nil
		})
	}

	q := d.queueLength.Value() + float64(d.rnd.IntN(7)-3)
	d.queueLength.Set(max(q, 0))

	phase := float64(d.ticks) / 20
	for i, r := range rooms {
		d.temperature.With(r).Set(20 + 3*float64(i) + 2*math.Sin(phase+float64(i)))
	}

	for range 1 + d.rnd.IntN(8) {
		d.request()
	}
	// Slow requests stay in flight for a few ticks, so the in-flight gauge moves too.
	if len(d.slow) > 0 && d.rnd.IntN(2) == 0 {
		d.slow[0]()
		d.slow = d.slow[1:]
	}
	if len(d.slow) < 5 && d.rnd.IntN(2) == 0 {
		d.slow = append(d.slow, d.inflight.TrackInProgress())
	}
	d.stepMore()
	d.stepNative()
}

// request simulates one HTTP request: picks a route and a status code, and records it.
func (d *demo) request() {
	done := d.inflight.TrackInProgress()
	defer done()
	n := d.rnd.IntN(100)
	i := 0
	for n >= routes[i].weight {
		n -= routes[i].weight
		i++
	}
	r := routes[i]
	code := r.codes[d.rnd.IntN(len(r.codes))]
	d.requests.With(r.Method, code).Inc()
	d.routeHits.With(r.route).Inc()
	latency := d.rnd.ExpFloat64() * 0.05 // seconds, mean 50ms
	size := int(d.rnd.ExpFloat64() * r.size)
	d.observeRequest(r.Method, latency, float64(size))
	c, _ := strconv.Atoi(code)
	d.serveFake(r.Method, concretePath(r.Path, 1+d.rnd.IntN(100)), &fakeOutcome{code: c, size: size, traceID: fmt.Sprintf("%016x", d.rnd.Uint64())})
}

// goVersion is the Go version the demo was built with, for its build info.
var goVersion = runtime.Version()
