// Command customlabels is client_golang's "customlabels" example ported to prom: counters of
// two components, each with a constant "component" label (prometheus.WrapRegistererWith in the
// original), beside the Go and process collectors, which do not get it.
package main

import (
	"flag"
	"log"
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
	reg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
	)
	startFireKeeper(prom.Opts{Registry: reg, ConstLabels: map[string]string{"component": "FireKeeper"}})
	startSparkForge(prom.Opts{Registry: reg, ConstLabels: map[string]string{"component": "SparkForge"}})
	http.Handle("/metrics", promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg))
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// every increments c every period.
func every(c *prom.Counter, period time.Duration, msg string) {
	go func() {
		for {
			time.Sleep(period)
			c.Inc()
			log.Println(msg)
		}
	}()
}

func startFireKeeper(o prom.Opts) {
	every(prom.Must(prom.NewCounter("fires_maintained_total", "Total number of fires maintained", o)), 5*time.Second, "FireKeeper maintained a fire")
	every(prom.Must(prom.NewCounter("sparks_distributed_total", "Total number of sparks distributed", o)), 7*time.Second, "FireKeeper distributed a spark")
}

func startSparkForge(o prom.Opts) {
	every(prom.Must(prom.NewCounter("items_forged_total", "Total number of items forged", o)), 6*time.Second, "SparkForge forged an item")
}
