package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// Workload: series churn (issue #18). Label values arrive over time and never come back, as
// request paths or client ids do: value i is used by a few increments and then by no one.
// Every churnScrapeEvery values the registry is collected, as a scrape would. The bounded
// family has Opts.MaxSeries 10,000 and an Opts.ExpireAfter shorter than the scrape interval
// (1ns: a child unchanged from one collection to the next is removed at the second), so the
// live children are at most two scrape intervals' worth, 15,000, of which the limit admits
// 10,000 (the rest go to the overflow child), and the heap stays flat. The
// unbounded family, without either, keeps every child: the contrast, run on a tenth of the
// values so as not to take a gigabyte of the shared machine's memory.
//
// Each iteration is a whole run; use -benchtime 1x. The live heap after each tenth of the
// values is logged as a table (-v) and reported as MB@<values> metrics; -short runs 200,000
// values (bounded) and 100,000 (unbounded) for bench/run.sh --quick.

const churnScrapeEvery = 7_500

// nullEncoder receives a collection and throws it away.
type nullEncoder struct{ series int }

func (e *nullEncoder) Family(*prom.Desc)               {}
func (e *nullEncoder) Series(*prom.Desc, *prom.Series) { e.series++ }

func BenchmarkSeriesChurn(b *testing.B) {
	bounded, unbounded := 10_000_000, 1_000_000
	if testing.Short() {
		bounded, unbounded = 200_000, 100_000
	}
	b.Run("bounded/prom", func(b *testing.B) {
		churn(b, bounded, prom.Opts{MaxSeries: 10_000, ExpireAfter: time.Nanosecond})
	})
	b.Run("unbounded/prom", func(b *testing.B) {
		churn(b, unbounded, prom.Opts{})
	})
}

func churn(b *testing.B, values int, o prom.Opts) {
	step := values / 10
	for range b.N {
		r := prom.NewRegistry()
		r.SetErrorHandler(func(error) {}) // the first refusal, if any, is expected
		o.Registry = r
		v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"client", "method"}, o))
		base := liveHeap()
		b.Logf("%12s %10s %10s %12s", "values", "children", "heap MB", "scraped")
		var enc nullEncoder
		for i := 0; i < values; i++ {
			c := v.With("client-"+strconv.Itoa(i), "GET")
			c.Inc()
			c.Add(2)
			if (i+1)%churnScrapeEvery == 0 {
				enc.series = 0
				if err := r.Collect(context.Background(), &enc); err != nil {
					b.Fatal(err)
				}
			}
			if (i+1)%step == 0 {
				mb := float64(int64(liveHeap())-int64(base)) / (1 << 20)
				b.Logf("%12d %10d %10.1f %12d", i+1, v.Len(), mb, enc.series)
				b.ReportMetric(mb, "MB@"+strconv.Itoa((i+1)/step*10)+"%")
			}
		}
		if o.MaxSeries > 0 && v.Len() > o.MaxSeries+1 {
			b.Fatalf("%d children past the limit of %d", v.Len(), o.MaxSeries)
		}
	}
}
