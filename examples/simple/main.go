// Command simple is client_golang's "simple" example ported to prom: the Go runtime and
// process collectors of client_golang, in a registry of its own, served at /metrics.
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
	// ClientGolangSet: exactly the families client_golang's Go and process collectors write.
	reg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
	)
	// The original does not enable OpenMetrics.
	handlerErrors(reg)
	http.Handle("/metrics", promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg))
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// handlerErrors registers the counter client_golang's promhttp.HandlerFor adds to the registry
// named in HandlerOpts.Registry, so the port keeps its two series. prom's handler reports its
// own errors through prom_runtime_errors_total instead; this counter stays at 0.
func handlerErrors(reg *prom.Registry) {
	c := prom.Must(prom.NewCounterVec("promhttp_metric_handler_errors_total",
		"Errors of the /metrics handler, by cause; kept for client_golang's series, always 0.", []string{"cause"}, prom.Opts{Registry: reg}))
	c.With("encoding")
	c.With("gathering")
}
