// Package testmetrics holds the registry that tests serve, push or encode when they need a few
// known series and look for them in the output. It is a package for tests only: nothing
// outside _test.go files imports it.
package testmetrics

import (
	"testing"

	"github.com/prom-go/prom"
)

// Registry returns a new registry that holds four series:
//
//	jobs_done_total 3                a counter
//	queue_length{queue="high"} 7     a gauge with a label
//	test_gauge 42                    a gauge
//	test.utf8 1                      a gauge whose name needs UTF-8 or escaping
//
// Tests look for series in the output rather than compare it whole, so a series added here
// breaks none of them. It fails t if a metric cannot be made.
func Registry(t testing.TB) *prom.Registry {
	t.Helper()
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	c, err := prom.NewCounter("jobs_done_total", "Jobs done.", o)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(3)
	q, err := prom.NewGaugeVec("queue_length", "Items queued.", []string{"queue"}, o)
	if err != nil {
		t.Fatal(err)
	}
	q.With("high").Set(7)
	g, err := prom.NewGauge("test_gauge", "A gauge.", o)
	if err != nil {
		t.Fatal(err)
	}
	g.Set(42)
	u, err := prom.NewGauge("test.utf8", "A UTF-8 name.", o)
	if err != nil {
		t.Fatal(err)
	}
	u.Set(1)
	return reg
}
