package bench

import (
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	prompkg "github.com/prom-go/prom/promhttp"
	cg "github.com/prometheus/client_golang/prometheus"
	cghttp "github.com/prometheus/client_golang/prometheus/promhttp"
)

// Workload 12: a whole service. Each library instruments an HTTP service the way its users
// do: server middleware (requests by route, method and code, and their latency) around a
// handler that updates two labelled counters and a labelled histogram of its own, in a
// registry that also holds 50,000 other series (counters with two labels, as a busy service
// accumulates). One iteration is one second of the service's life, compressed: 2,000
// requests served by GOMAXPROCS goroutines while one scrape, as Prometheus 3 sends it
// (its Accept header, gzip), runs beside them. The handlers are called directly, without a
// network, so that the libraries are what is measured.
//
// cpu-ns/request is the process's CPU time (every thread, the collector included) per
// request, the scrape's share included; ns/request the wall time per request; scrape-p50-ms
// and scrape-p99-ms the percentiles of the scrapes' latency while under that load (at
// -benchtime 1x, one scrape: both are its latency). In -short mode the registry holds 5,000
// other series instead.
func BenchmarkService(b *testing.B) {
	const perSecond = 2000
	series := 50_000
	if testing.Short() {
		series = 5_000
	}
	for _, lib := range []struct {
		name string
		new  func(b *testing.B, series int) service
	}{{libProm, promService}, {libCG, cgService}} {
		b.Run(lib.name, func(b *testing.B) {
			s := lib.new(b, series)
			reqs := serviceRequests()
			scrapeReq, _ := http.NewRequest("GET", "/metrics", nil)
			scrapeReq.Header.Set("Accept", acceptPrometheus3)
			scrapeReq.Header.Set("Accept-Encoding", "gzip")
			workers := runtime.GOMAXPROCS(0)
			writers := make([]*discardResponse, workers)
			for i := range writers {
				writers[i] = newDiscardResponse()
			}
			scrapeW := newDiscardResponse()
			var lat []float64 // scrape latencies, ms
			b.ReportAllocs()
			reportCPUPer(b, perSecond, "cpu-ns/request", func() {
				for b.Loop() {
					scraped := make(chan time.Duration, 1)
					go func() {
						t0 := time.Now()
						scrapeW.reset()
						s.metrics.ServeHTTP(scrapeW, scrapeReq)
						scraped <- time.Since(t0)
					}()
					var wg sync.WaitGroup
					for w := range workers {
						wg.Go(func() {
							rw := writers[w]
							for i := w; i < perSecond; i += workers {
								rw.reset()
								s.app.ServeHTTP(rw, reqs[i%len(reqs)])
							}
						})
					}
					wg.Wait()
					lat = append(lat, float64(<-scraped)/1e6)
					if scrapeW.code != 0 && scrapeW.code != http.StatusOK {
						b.Fatalf("scrape status %d", scrapeW.code)
					}
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perSecond), "ns/request")
			slices.Sort(lat)
			b.ReportMetric(percentile(lat, 0.50), "scrape-p50-ms")
			b.ReportMetric(percentile(lat, 0.99), "scrape-p99-ms")
			b.ReportMetric(float64(scrapeW.n), "scrape-body-B")
		})
	}
}

// acceptPrometheus3 is the Accept header of a Prometheus 3 scrape with its default protocols.
const acceptPrometheus3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

// percentile returns the p-th quantile of sorted values (nearest rank).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// reportCPUPer is reportCPU per unit of work, each iteration doing per units.
func reportCPUPer(b *testing.B, per int, unit string, run func()) {
	before := cpuNanos()
	run()
	if b.N > 0 {
		b.ReportMetric(float64(cpuNanos()-before)/float64(b.N*per), unit)
	}
}

// service is an instrumented HTTP service: its application handler, wrapped in the server
// middleware, and its /metrics handler.
type service struct {
	app, metrics http.Handler
}

// serviceRequests returns the requests the load cycles through: four routes, two methods.
func serviceRequests() []*http.Request {
	var rs []*http.Request
	for _, p := range []string{"/items", "/items/42", "/orders", "/search"} {
		for _, m := range []string{"GET", "POST"} {
			r, _ := http.NewRequest(m, p+"?region=eu", nil)
			rs = append(rs, r)
		}
	}
	return rs
}

// routeOf is what both services' middleware label requests with.
func routeOf(r *http.Request) string {
	if len(r.URL.Path) > 6 && r.URL.Path[:7] == "/items/" {
		return "/items/{id}"
	}
	return r.URL.Path
}

// kindOf and codeOf give the application's own labels: what it did, and how it went.
func kindOf(r *http.Request) string { return r.Method + " " + routeOf(r) }

func codeOf(r *http.Request) int {
	if r.Method == "POST" && r.URL.Path == "/orders" {
		return http.StatusCreated
	}
	return http.StatusOK
}

var sizeBuckets = []float64{64, 256, 1024, 4096, 16384, 65536}

func promService(b *testing.B, series int) service {
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	bg := prom.Must(prom.NewCounterVec("background_items_total", "Items handled by background jobs.", []string{"method", "path"}, o))
	for i := range series {
		bg.With(labelPair(i)).Add(float64(i))
	}
	ops := prom.Must(prom.NewCounterVec("app_operations_total", "Operations done.", []string{"kind", "region"}, o))
	cache := prom.Must(prom.NewCounterVec("app_cache_lookups_total", "Cache lookups.", []string{"route", "result"}, o))
	so := o
	so.Buckets = sizeBuckets
	size := prom.Must(prom.NewHistogramVec("app_response_size_bytes", "Response sizes.", []string{"route"}, so))
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt := routeOf(r)
		ops.With(kindOf(r), r.URL.Query().Get("region")).Inc()
		cache.With(rt, "hit").Inc()
		size.With(rt).Observe(float64(len(rt) * 100))
		w.WriteHeader(codeOf(r))
	})
	sm, err := prompkg.NewServerMetrics(prompkg.ServerMetricsOpts{Registry: reg, Route: routeOf})
	if err != nil {
		b.Fatal(err)
	}
	return service{app: sm.Middleware(app), metrics: prompkg.Handler(reg)}
}

func cgService(b *testing.B, series int) service {
	reg := cg.NewRegistry()
	bg := cg.NewCounterVec(cg.CounterOpts{Name: "background_items_total", Help: "Items handled by background jobs."}, []string{"method", "path"})
	ops := cg.NewCounterVec(cg.CounterOpts{Name: "app_operations_total", Help: "Operations done."}, []string{"kind", "region"})
	cache := cg.NewCounterVec(cg.CounterOpts{Name: "app_cache_lookups_total", Help: "Cache lookups."}, []string{"route", "result"})
	size := cg.NewHistogramVec(cg.HistogramOpts{Name: "app_response_size_bytes", Help: "Response sizes.", Buckets: sizeBuckets}, []string{"route"})
	cnt := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"handler", "method", "code"})
	dur := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency."}, []string{"handler", "method", "code"})
	reg.MustRegister(bg, ops, cache, size, cnt, dur)
	for i := range series {
		bg.WithLabelValues(labelPair(i)).Add(float64(i))
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt := routeOf(r)
		ops.WithLabelValues(kindOf(r), r.URL.Query().Get("region")).Inc()
		cache.WithLabelValues(rt, "hit").Inc()
		size.WithLabelValues(rt).Observe(float64(len(rt) * 100))
		w.WriteHeader(codeOf(r))
	})
	// client_golang's middleware takes its handler label by currying, one chain per route:
	// the routes are known up front, as a mux registers them.
	chains := map[string]http.Handler{}
	for _, rt := range []string{"/items", "/items/{id}", "/orders", "/search"} {
		l := cg.Labels{"handler": rt}
		chains[rt] = cghttp.InstrumentHandlerCounter(cnt.MustCurryWith(l), cghttp.InstrumentHandlerDuration(dur.MustCurryWith(l), app))
	}
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { chains[routeOf(r)].ServeHTTP(w, r) })
	return service{app: mux, metrics: cghttp.HandlerFor(reg, cghttp.HandlerOpts{EnableOpenMetrics: true})}
}
