package expvars_test

import (
	"context"
	"expvar"
	"fmt"
	"os"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors/expvars"
	"github.com/prom-go/prom/expfmt"
)

// Expose an expvar map as a counter with one label.
func ExampleNew() {
	jobs := expvar.NewMap("example_jobs")
	jobs.Add("email", 3)
	jobs.Add("report", 1)
	c, err := expvars.New(expvars.Rule{
		Var: "example_jobs", Name: "jobs_done_total", Help: "Jobs done by kind.",
		Type: prom.CounterType, Labels: []string{"kind"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := prom.NewRegistry()
	r.MustRegister(c)
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	r.Collect(context.Background(), enc)
	enc.Close()
	// Output:
	// # HELP jobs_done_total Jobs done by kind.
	// # TYPE jobs_done_total counter
	// jobs_done_total{kind="email"} 3
	// jobs_done_total{kind="report"} 1
}
