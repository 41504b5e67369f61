package prom_test

import (
	"context"
	"fmt"
	"time"

	"github.com/prom-go/prom"
)

// A family whose label values come from outside the program gets a limit: past it, new label
// values share one overflow series, so sum() still counts every hit, and the refusals are
// counted and reported once.
func ExampleOpts_maxSeries() {
	r := prom.NewRegistry()
	r.SetErrorHandler(func(err error) { fmt.Println("reported:", err) })
	hits := prom.Must(prom.NewCounterVec("page_hits_total", "Hits per page.", []string{"path"},
		prom.Opts{Registry: r, MaxSeries: 2}))
	for _, path := range []string{"/", "/about", "/wp-admin", "/.env", "/"} {
		hits.With(path).Inc()
	}
	printOpenMetrics(r)
	// Output:
	// reported: prom: metric "page_hits": series limit reached: label values ["/wp-admin"] refused by Opts.MaxSeries = 2 (or the registry's limit); their updates and those of further new label values go to the series whose label values are all "__overflow__", counted in prom_series_refused_total
	// # HELP page_hits Hits per page.
	// # TYPE page_hits counter
	// page_hits_total{path="/"} 2.0
	// page_hits_total{path="/about"} 1.0
	// page_hits_total{path="__overflow__"} 2.0
	// # HELP prom_series_refused Label combinations refused by a series limit (Opts.MaxSeries, Registry.SetMaxSeries), by family; their updates went to the family's overflow series.
	// # TYPE prom_series_refused counter
	// prom_series_refused_total{family="page_hits"} 2.0
	// # EOF
}

// A child that no update changed for ExpireAfter leaves the next collection, and its memory
// is freed; an update brings it back at zero, with a new created time. Here ExpireAfter is a
// nanosecond, so a child unchanged between two collections goes at the second.
func ExampleOpts_expireAfter() {
	r := prom.NewRegistry()
	jobs := prom.Must(prom.NewCounterVec("jobs_total", "Jobs done.", []string{"worker"},
		prom.Opts{Registry: r, ExpireAfter: time.Nanosecond}))
	jobs.With("a").Add(5)
	jobs.With("b").Add(1)
	r.Collect(context.Background(), discard{}) // sees a at 5 and b at 1
	jobs.With("b").Inc()                       // b changes, a does not
	printOpenMetrics(r)                        // a expires
	jobs.With("a").Inc()                       // a comes back from zero
	jobs.With("b").Inc()
	printOpenMetrics(r)
	// Output:
	// # HELP jobs Jobs done.
	// # TYPE jobs counter
	// jobs_total{worker="b"} 2.0
	// # EOF
	// # HELP jobs Jobs done.
	// # TYPE jobs counter
	// jobs_total{worker="b"} 3.0
	// jobs_total{worker="a"} 1.0
	// # EOF
}
