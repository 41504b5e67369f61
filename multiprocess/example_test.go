package multiprocess_test

import (
	"context"
	"fmt"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/multiprocess"
)

// Two worker processes of one service, played here by two Processes of one program, count
// requests and track the requests in flight; either serves the aggregate. When one dies, its
// requests stay counted and its requests in flight drop out.
func Example() {
	dir, _ := os.MkdirTemp("", "metrics")
	defer os.RemoveAll(dir)

	var workers []*multiprocess.Process
	for i, n := range []int{3, 4} {
		mp, err := multiprocess.Open(multiprocess.Opts{Dir: dir})
		if err != nil {
			fmt.Println(err)
			return
		}
		requests := prom.Must(mp.NewCounter("requests_total", "Requests served."))
		inflight := prom.Must(mp.NewGauge("in_flight", "Requests being served.", multiprocess.GaugeLiveSum))
		requests.Add(float64(n))
		inflight.Set(float64(i + 1))
		workers = append(workers, mp)
	}

	reg := prom.NewRegistry()
	reg.MustRegister(workers[0].Collector())
	scrape := func() {
		enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
		reg.Collect(context.Background(), enc, "requests_total", "in_flight")
		enc.Close()
	}
	scrape()
	workers[1].Close() // the second worker dies
	scrape()
	// Output:
	// # HELP in_flight Requests being served.
	// # TYPE in_flight gauge
	// in_flight 3
	// # HELP requests_total Requests served.
	// # TYPE requests_total counter
	// requests_total 7
	// # HELP in_flight Requests being served.
	// # TYPE in_flight gauge
	// in_flight 1
	// # HELP requests_total Requests served.
	// # TYPE requests_total counter
	// requests_total 7
}
