package clientgolang_test

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	"github.com/prom-go/prom/expfmt"
	"github.com/prometheus/client_golang/prometheus"
	cgexpfmt "github.com/prometheus/common/expfmt"
)

// writeText writes the families of r in the Prometheus text format, as prom's handler
// serves them.
func writeText(r *prom.Registry) {
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		fmt.Println(err)
	}
	enc.Close()
}

// A client_golang registry served by a prom registry: its families come out as
// client_golang's handler writes them, beside prom's own. In a service, the client_golang
// registry is usually prometheus.DefaultGatherer.
func ExampleRegister() {
	cg := prometheus.NewRegistry()
	hits := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cache_hits_total", Help: "Cache hits."}, []string{"cache"})
	cg.MustRegister(hits)
	hits.WithLabelValues("users").Add(3)

	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	prom.Must(prom.NewGauge("workers", "Workers running.", prom.Opts{Registry: r})).Set(4)
	if _, err := clientgolang.Register(r, cg); err != nil {
		fmt.Println(err)
	}
	writeText(r)
	// Output:
	// # HELP workers Workers running.
	// # TYPE workers gauge
	// workers 4
	// # HELP cache_hits_total Cache hits.
	// # TYPE cache_hits_total counter
	// cache_hits_total{cache="users"} 3
}

// A library that takes a prometheus.Registerer registers straight into a prom registry.
// client_golang's rules hold: registering the same collector twice is refused as
// client_golang refuses it.
func ExampleNewRegisterer() {
	r := prom.NewRegistry()
	reg, err := clientgolang.NewRegisterer(r)
	if err != nil {
		fmt.Println(err)
	}
	// What a library does with the Registerer it is given:
	queries := prometheus.NewCounter(prometheus.CounterOpts{Name: "db_queries", Help: "Queries run (a legacy counter without _total)."})
	reg.MustRegister(queries)
	queries.Add(12)
	err = reg.Register(queries)
	_, dup := err.(prometheus.AlreadyRegisteredError)
	fmt.Println("registered twice:", dup)

	writeText(r)
	// Output:
	// registered twice: true
	// # HELP db_queries Queries run (a legacy counter without _total).
	// # TYPE db_queries counter
	// db_queries 12
}

// A prom registry served by client_golang, for a service that keeps client_golang's handler
// while it migrates: the Gatherer goes to promhttp.HandlerFor, or into a client_golang
// registry as a Collector.
func ExampleNewGatherer() {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	jobs := prom.Must(prom.NewCounterVec("jobs_total", "Jobs done.", []string{"queue"}, prom.Opts{Registry: r}))
	jobs.With("mail").Add(2)

	cg := prometheus.NewRegistry()
	cg.MustRegister(clientgolang.NewGatherer(r))
	fams, err := cg.Gather() // what client_golang's handler serves
	if err != nil {
		fmt.Println(err)
	}
	for _, mf := range fams {
		cgexpfmt.MetricFamilyToText(os.Stdout, mf)
	}
	// Output:
	// # HELP jobs_total Jobs done.
	// # TYPE jobs_total counter
	// jobs_total{queue="mail"} 2
}

// Both libraries' standard collectors in one client_golang handler: Merge serves each family
// once, from the first Gatherer that has it, where prometheus.Gatherers would fail.
func ExampleMerge() {
	r := prom.NewRegistry()
	prom.Must(prom.NewGauge("up_workers", "Workers.", prom.Opts{Registry: r})).Set(1)
	cg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "up_workers", Help: "Workers, client_golang's."})
	cg.MustRegister(g)
	g.Set(2)

	fams, err := clientgolang.Merge(cg, clientgolang.NewGatherer(r)).Gather()
	if err != nil {
		fmt.Println(err)
	}
	for _, mf := range fams {
		cgexpfmt.MetricFamilyToText(os.Stdout, mf)
	}
	// Output:
	// # HELP up_workers Workers, client_golang's.
	// # TYPE up_workers gauge
	// up_workers 2
}

func newTextEncoder(w io.Writer) *expfmt.Encoder {
	return expfmt.NewEncoder(w, expfmt.TextFormat, expfmt.Underscores)
}
