package promhttp_test

// Examples of MIGRATING.md: client_golang's promhttp and its prom form.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// prometheus2Accept is the Accept header of a Prometheus 2.x scrape.
const prometheus2Accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

// client_golang:
//
//	http.Handle("/metrics", promhttp.Handler())
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//	http.Handle("/metrics", promhttp.InstrumentMetricHandler(reg,
//		promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true})))
func Example_migrate() {
	reg := prom.NewRegistry()
	lat := prom.Must(prom.NewHistogram("job_seconds", "Job time.", prom.Opts{
		Registry: reg, Buckets: []float64{1, 2}}))
	lat.Observe(1.5)

	// client_golang's default handler answers Prometheus in the text format 0.0.4, prom's in
	// OpenMetrics, which Prometheus asks for first.
	scrape := func(h http.Handler) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Accept", prometheus2Accept)
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Header().Get("Content-Type"))
	}
	scrape(promhttp.Handler(reg))

	// Serving what client_golang served: no OpenMetrics, hence the same le label values
	// ("1", not "1.0") in Prometheus 2.x.
	scrape(promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg))

	// InstrumentMetricHandler's promhttp_metric_handler_* metrics are off unless asked for.
	self := prom.NewRegistry()
	h := promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true, Metrics: self}, reg)
	scrape(h) // mount it as before: mux.Handle("/metrics", h)
	// Output:
	// application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores
	// text/plain; version=0.0.4; charset=utf-8; escaping=underscores
	// text/plain; version=0.0.4; charset=utf-8; escaping=underscores
}

// client_golang chains InstrumentHandlerInFlight, InstrumentHandlerDuration,
// InstrumentHandlerCounter and friends around each handler, with metrics the program
// creates and names. prom has one middleware whose metrics have fixed names
// (http_server_requests_total{route,method,code} and others); Namespace prefixes them.
func Example_migrateMiddleware() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{
		Registry: reg, Namespace: "shop", InFlight: true, Sizes: true}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {})
	h := m.Middleware(mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders/7", nil))

	// client_golang: promhttp.InstrumentRoundTripperCounter(counter, http.DefaultTransport)
	cm := prom.Must(promhttp.NewClientMetrics(promhttp.ClientMetricsOpts{Registry: reg}))
	client := &http.Client{Transport: cm.RoundTripper(nil)}
	_ = client

	rec := httptest.NewRecorder()
	promhttp.Handler(reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics?name[]=shop_http_server_requests_total", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// # HELP shop_http_server_requests_total HTTP requests served, by route, method and status code.
	// # TYPE shop_http_server_requests_total counter
	// shop_http_server_requests_total{route="/orders/{id}",method="GET",code="200"} 1
}

// Python:
//
//	start_http_server(9100, addr="127.0.0.1", registry=reg)
func Example_migrateServe() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewGauge("up_since_seconds", "Start time.", prom.Opts{Registry: reg})).Set(1700000000)

	srv, err := promhttp.Serve("127.0.0.1:0", promhttp.ServeOpts{Handler: promhttp.Handler(reg)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Shutdown(context.Background())

	resp, err := http.Get(srv.URL() + "/metrics")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output:
	// # HELP up_since_seconds Start time.
	// # TYPE up_since_seconds gauge
	// up_since_seconds 1.7e+09
}
