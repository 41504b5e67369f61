// Command middleware is client_golang's "middleware" example ported to prom: /metrics
// instrumented with the four families of its httpmiddleware package (a request counter, a
// duration histogram, request and response size summaries, each by method and code with a
// constant "handler" label), beside the Go and process collectors.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/promhttp"
)

var addr = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")

func main() {
	flag.Parse()
	reg := prom.NewRegistry()
	reg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
	)
	http.Handle("/metrics", wrap(reg, "/metrics", promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg)))
	log.Fatalln(http.ListenAndServe(*addr, nil))
}

// wrap instruments h as the original's httpmiddleware.WrapHandler does.
func wrap(reg *prom.Registry, handlerName string, h http.Handler) http.Handler {
	labels := []string{"method", "code"}
	handler := map[string]string{"handler": handlerName}
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InstrumentHandler: &promhttp.InstrumentOpts{
		Counter: promhttp.InstrumentFamily{Name: "http_requests_total", Help: "Tracks the number of HTTP requests.",
			Labels: labels, ConstLabels: handler},
		Duration: promhttp.InstrumentFamily{Name: "http_request_duration_seconds", Help: "Tracks the latencies for HTTP requests.",
			Labels: labels, ConstLabels: handler, Buckets: prom.Must(prom.ExponentialBuckets(0.1, 1.5, 5))},
		RequestSize: promhttp.InstrumentFamily{Name: "http_request_size_bytes", Help: "Tracks the size of HTTP requests.",
			Labels: labels, ConstLabels: handler, Summary: true},
		ResponseSize: promhttp.InstrumentFamily{Name: "http_response_size_bytes", Help: "Tracks the size of HTTP responses.",
			Labels: labels, ConstLabels: handler, Summary: true},
	}}))
	return m.Middleware(h)
}
