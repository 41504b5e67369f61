// Command gocollector is client_golang's "gocollector" example ported to prom: client_golang's
// default Go runtime families plus the scheduler latency histogram, with client_golang's
// buckets.
package main

import (
	"flag"
	"fmt"
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
	reg.MustRegister(prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{
		Set:     collectors.ClientGolangSet,
		Metrics: []string{"/sched/latencies:seconds"},
	})))
	http.Handle("/metrics", promhttp.Handler(reg))
	fmt.Println("Hello world from new Go Collector!")
	log.Fatal(http.ListenAndServe(*addr, nil))
}
