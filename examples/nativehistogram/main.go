// Command nativehistogram is client_golang's "nativehistogram" example ported to prom: two
// histograms with native buckets only, beside the Go and process collectors.
package main

import (
	"flag"
	"log"
	"math/rand"
	"net/http"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/promhttp"
)

var addr = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")

func main() {
	flag.Parse()
	reg := prom.NewRegistry()
	latency := prom.Must(prom.NewHistogram("http_request_duration_seconds", "HTTP request latency distribution.",
		prom.Opts{Registry: reg, NativeFactor: 1.1}))
	size := prom.Must(prom.NewHistogram("http_response_size_bytes", "HTTP response size distribution.",
		prom.Opts{Registry: reg, NativeFactor: 1.5, NativeZeroThreshold: 1, NativeMaxBuckets: 100, NativeMinResetDuration: 15 * time.Minute}))
	reg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
	)
	go func() {
		for {
			if l := rand.NormFloat64()*0.05 + 0.2; l > 0 {
				latency.Observe(l)
			}
			size.Observe(rand.ExpFloat64() * 1024)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	http.Handle("/metrics", promhttp.Handler(reg))
	log.Fatal(http.ListenAndServe(*addr, nil))
}
