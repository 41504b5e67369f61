// Command client_golang is the same minimal /metrics server as binsize/prom, written with
// client_golang, for the binary-size comparison.
package main

import (
	"log"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var requests = promauto.NewCounter(prometheus.CounterOpts{Name: "requests_total", Help: "Requests served."})

func main() {
	requests.Inc()
	http.Handle("/metrics", promhttp.Handler())
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", nil))
}
