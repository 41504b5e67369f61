package multiprocess_test

// Example of MIGRATING.md: the Python client's multiprocess mode and its prom form.

import (
	"context"
	"fmt"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/multiprocess"
)

// Python, with PROMETHEUS_MULTIPROC_DIR set before the workers start:
//
//	requests = Counter("requests", "Requests.", ["code"])
//	in_flight = Gauge("in_flight", "In flight.", multiprocess_mode="livesum")
//
//	registry = CollectorRegistry()
//	multiprocess.MultiProcessCollector(registry)
//	# and in gunicorn's child_exit hook: multiprocess.mark_process_dead(worker.pid)
func Example_migrate() {
	dir, _ := os.MkdirTemp("", "multiproc")
	defer os.RemoveAll(dir)

	// Opts{} reads the directory from PROMETHEUS_MULTIPROC_DIR, as the Python client does.
	mp, err := multiprocess.Open(multiprocess.Opts{Dir: dir})
	if err != nil {
		fmt.Println(err) // on systems other than Linux
		return
	}
	defer mp.Close() // no mark_process_dead: a dead process's lock is released by the kernel
	requests := prom.Must(mp.NewCounterVec("requests", "Requests.", []string{"code"}))
	inFlight := prom.Must(mp.NewGauge("in_flight", "In flight.", multiprocess.GaugeLiveSum))
	requests.With("200").Inc()
	inFlight.Inc()

	reg := prom.NewRegistry()
	if err := mp.Register(reg); err != nil { // the aggregate of every process in dir
		fmt.Println(err)
		return
	}
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	reg.Collect(context.Background(), enc, "requests", "in_flight")
	enc.Close()
	// Output:
	// # HELP in_flight In flight.
	// # TYPE in_flight gauge
	// in_flight 1
	// # HELP requests_total Requests.
	// # TYPE requests_total counter
	// requests_total{code="200"} 1
}
