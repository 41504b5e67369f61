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
	http.Handle("/metrics", promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg))
	log.Fatal(http.ListenAndServe(*addr, nil))
}
