// Command random is client_golang's "random" example ported to prom: fictional RPC latencies
// from uniform, normal and exponential distributions, in a summary by service and a histogram
// with classic and native buckets and exemplars, and go_build_info.
package main

import (
	"flag"
	"log"
	"math"
	"math/rand"
	"net/http"
	"strconv"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/promhttp"
)

func main() {
	var (
		addr              = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")
		uniformDomain     = flag.Float64("uniform.domain", 0.0002, "The domain for the uniform distribution.")
		normDomain        = flag.Float64("normal.domain", 0.0002, "The domain for the normal distribution.")
		normMean          = flag.Float64("normal.mean", 0.00001, "The mean for the normal distribution.")
		oscillationPeriod = flag.Duration("oscillation-period", 10*time.Minute, "The duration of the rate oscillation period.")
	)
	flag.Parse()

	reg := prom.NewRegistry()
	durations := prom.Must(prom.NewSummaryVec("rpc_durations_seconds", "RPC latency distributions.", []string{"service"},
		prom.Opts{Registry: reg, Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001}}))
	// client_golang's LinearBuckets adds the width to the previous bound; prom.LinearBuckets
	// computes start+i*width, which can differ in the last digit. Accumulating keeps the "le"
	// labels of the original.
	buckets := make([]float64, 20)
	for i, b := 0, *normMean-5**normDomain; i < len(buckets); i++ {
		buckets[i] = b
		b += .5 * *normDomain
	}
	histogram := prom.Must(prom.NewHistogram("rpc_durations_histogram_seconds", "RPC latency distributions.",
		prom.Opts{Registry: reg, Buckets: buckets, NativeFactor: 1.1}))
	reg.MustRegister(collectors.NewBuildInfoSet(collectors.ClientGolangSet))

	start := time.Now()
	oscillationFactor := func() float64 {
		return 2 + math.Sin(math.Sin(2*math.Pi*float64(time.Since(start))/float64(*oscillationPeriod)))
	}
	go func() {
		for {
			durations.With("uniform").Observe(rand.Float64() * *uniformDomain)
			time.Sleep(time.Duration(100*oscillationFactor()) * time.Millisecond)
		}
	}()
	go func() {
		for {
			v := (rand.NormFloat64() * *normDomain) + *normMean
			durations.With("normal").Observe(v)
			histogram.ObserveWithExemplar(v, prom.Label{Name: "dummyID", Value: strconv.Itoa(rand.Intn(100000))})
			time.Sleep(time.Duration(75*oscillationFactor()) * time.Millisecond)
		}
	}()
	go func() {
		for {
			durations.With("exponential").Observe(rand.ExpFloat64() / 1e6)
			time.Sleep(time.Duration(50*oscillationFactor()) * time.Millisecond)
		}
	}()

	handlerErrors(reg)
	http.Handle("/metrics", promhttp.Handler(reg))
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
