// Command prom is the smallest useful /metrics server with prom: one counter, served by
// promhttp.Handler. bench/run.sh compares its size with binsize/nethttp.
package main

import (
	"log"
	"net/http"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

var requests = prom.Must(prom.NewCounter("requests_total", "Requests served."))

func main() {
	requests.Inc()
	http.Handle("/metrics", promhttp.Handler(prom.Default))
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", nil))
}
