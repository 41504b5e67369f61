package prom_test

import (
	"context"
	"os"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// The switches that keep the series of a client_golang service (MIGRATING.md, "Keeping
// client_golang's series").

func Example_migratingExactName() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewCounter("jobs_processed", "Jobs processed.", prom.Opts{Registry: reg, ExactName: true})).Inc()
	printText(reg)
	// Output:
	// # HELP jobs_processed Jobs processed.
	// # TYPE jobs_processed counter
	// jobs_processed 1
}

func Example_migratingGaugeBesideCounter() {
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	prom.Must(prom.NewGauge("alloc_bytes", "Bytes allocated and in use.", o)).Set(512)
	o.ExactName = true // the counter is the family alloc_bytes_total, beside the gauge alloc_bytes
	prom.Must(prom.NewCounter("alloc_bytes_total", "Bytes allocated in all.", o)).Add(4096)
	printText(reg)
	// Output:
	// # HELP alloc_bytes Bytes allocated and in use.
	// # TYPE alloc_bytes gauge
	// alloc_bytes 512
	// # HELP alloc_bytes_total Bytes allocated in all.
	// # TYPE alloc_bytes_total counter
	// alloc_bytes_total 4096
}

func Example_migratingWrapRegistererWith() {
	// client_golang: two copies of a library, each registering through
	// prometheus.WrapRegistererWith(prometheus.Labels{"shard": shard}, reg).
	reg := prom.NewRegistry()
	for _, shard := range []string{"a", "b"} {
		reqs := prom.Must(prom.NewCounter("shard_requests_total", "Requests per shard.",
			prom.Opts{Registry: reg, ConstLabels: map[string]string{"shard": shard}}))
		reqs.Inc()
	}
	printText(reg)
	// Output:
	// # HELP shard_requests_total Requests per shard.
	// # TYPE shard_requests_total counter
	// shard_requests_total{shard="a"} 1
	// shard_requests_total{shard="b"} 1
}

func Example_migratingCreatedSamples() {
	reg := prom.NewRegistry()
	// A counter created at a fixed time, so that the output is fixed.
	prom.Must(prom.NewCounterFuncVec("jobs", "Jobs.", nil, func(w *prom.Writer) {
		w.Emit(&prom.Series{Value: 1, Created: time.Unix(1700000000, 0).UnixNano()})
	}, prom.Opts{Registry: reg}))
	// client_golang: HandlerOpts{EnableOpenMetrics: true, EnableOpenMetricsTextCreatedSamples: true}
	reg.SetCreatedSamples(true) // _created samples in OpenMetrics; off by default
	enc := expfmt.NewEncoder(os.Stdout, expfmt.OpenMetricsFormat, expfmt.Underscores)
	reg.Collect(context.Background(), enc)
	enc.Close()
	// Output:
	// # HELP jobs Jobs.
	// # TYPE jobs counter
	// jobs_total 1.0
	// jobs_created 1700000000.0
	// # EOF
}
