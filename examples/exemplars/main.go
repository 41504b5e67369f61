// Command exemplars is client_golang's "exemplars" example ported to prom: a latency histogram
// whose observations carry a fictional ID as exemplar, beside the Go and process collectors.
package main

import (
	"flag"
	"log"
	"math/rand"
	"net/http"
	"strconv"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/promhttp"
)

var addr = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")

func main() {
	flag.Parse()
	reg := prom.NewRegistry()
	durations := prom.Must(prom.NewHistogram("http_request_duration_seconds", "A histogram of the HTTP request durations in seconds.",
		prom.Opts{Registry: reg, Unit: "seconds", Buckets: prom.Must(prom.ExponentialBuckets(0.1, 1.5, 5))}))
	reg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
	)
	go func() {
		for {
			now := time.Now()
			durations.ObserveWithExemplar(time.Since(now).Seconds(), prom.Label{Name: "dummyID", Value: strconv.Itoa(rand.Intn(100000))})
			time.Sleep(600 * time.Millisecond)
		}
	}()
	http.Handle("/metrics", promhttp.Handler(reg))
	log.Fatalln(http.ListenAndServe(*addr, nil))
}
