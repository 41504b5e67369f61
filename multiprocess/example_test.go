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
		prom.Must(mp.NewInfo("build_info", "The running build.", map[string]string{"version": "1.4.2"}))
		requests := prom.Must(mp.NewCounter("requests_total", "Requests served."))
		inflight := prom.Must(mp.NewGauge("in_flight", "Requests being served.", multiprocess.GaugeLiveSum))
		requests.Add(float64(n))
		inflight.Set(float64(i + 1))
		workers = append(workers, mp)
	}

	reg := prom.NewRegistry()
	if err := workers[0].Register(reg); err != nil {
		fmt.Println(err)
		return
	}
	scrape := func() {
		enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
		reg.Collect(context.Background(), enc, "build_info", "requests_total", "in_flight")
		enc.Close()
	}
	scrape()
	workers[1].Close() // the second worker dies
	scrape()
	// Output:
	// # HELP build_info The running build.
	// # TYPE build_info gauge
	// build_info{version="1.4.2"} 1
	// # HELP in_flight Requests being served.
	// # TYPE in_flight gauge
	// in_flight 3
	// # HELP requests_total Requests served.
	// # TYPE requests_total counter
	// requests_total 7
	// # HELP build_info The running build.
	// # TYPE build_info gauge
	// build_info{version="1.4.2"} 1
	// # HELP in_flight Requests being served.
	// # TYPE in_flight gauge
	// in_flight 1
	// # HELP requests_total Requests served.
	// # TYPE requests_total counter
	// requests_total 7
}

// What cannot be aggregated is refused when the metric is created, with the reason; a name
// that clashes with a metric of the registry is refused once Register has claimed the
// process's names.
func ExampleProcess_Register() {
	dir, _ := os.MkdirTemp("", "metrics")
	defer os.RemoveAll(dir)
	mp, err := multiprocess.Open(multiprocess.Opts{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mp.Close()
	prom.Must(mp.NewCounter("jobs_total", "Jobs done."))

	reg := prom.NewRegistry()
	if err := mp.Register(reg); err != nil {
		fmt.Println(err)
		return
	}
	_, err = prom.NewGauge("jobs_total", "Another jobs.", prom.Opts{Registry: reg})
	fmt.Println(err)
	_, err = mp.NewSummary("job_seconds", "Job time.", prom.Opts{Objectives: map[float64]float64{0.99: 0.001}})
	fmt.Println(err)
	// Output:
	// prom: gauge "jobs_total" (help "Another jobs.") clashes with the registered counter "jobs" (help "Jobs done."): both would write samples named "jobs_total"
	// multiprocess: summary "job_seconds": option Objectives is refused: quantiles cannot be aggregated across processes (the quantiles of several processes do not combine into the quantile of all); use a histogram, or a summary without objectives (count and sum)
}
