// Command victoria is the same minimal /metrics server as binsize/prom, written with
// VictoriaMetrics/metrics, for the binary-size comparison.
package main

import (
	"log"
	"net/http"

	"github.com/VictoriaMetrics/metrics"
)

var requests = metrics.NewCounter("requests_total")

func main() {
	requests.Inc()
	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		metrics.WritePrometheus(w, true)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", nil))
}
