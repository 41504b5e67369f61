// Command createdtimestamps is client_golang's "createdtimestamps" example ported to prom: a
// histogram whose creation time is served in protobuf (as every prom registry serves it) and,
// as the original asks for with EnableOpenMetricsTextCreatedSamples, as the _created sample of
// OpenMetrics text.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

var addr = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")

func main() {
	flag.Parse()
	reg := prom.NewRegistry()
	reg.SetCreatedSamples(true) // as EnableOpenMetricsTextCreatedSamples
	durations := prom.Must(prom.NewHistogram("http_request_duration_seconds", "A histogram of the HTTP request durations in seconds.",
		prom.Opts{Registry: reg, Buckets: prom.Must(prom.ExponentialBuckets(0.1, 1.5, 5))}))
	go func() {
		for {
			now := time.Now()
			durations.Observe(time.Since(now).Seconds())
			time.Sleep(600 * time.Millisecond)
		}
	}()
	http.Handle("/metrics", promhttp.Handler(reg))
	log.Fatalln(http.ListenAndServe(*addr, nil))
}
