package main

import (
	"context"
	"math"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
)

// bucketChecker is an Encoder that checks every histogram series it is given: bounds strictly
// increasing, the last one +Inf, counts cumulative and equal to Count at +Inf.
type bucketChecker struct {
	t         *testing.T
	round     int
	histogram int
}

func (c *bucketChecker) Family(*prom.Desc) {}
func (c *bucketChecker) Series(d *prom.Desc, s *prom.Series) {
	if d.Type != prom.HistogramType {
		return
	}
	c.histogram++
	b := s.Buckets
	if len(b) == 0 || !math.IsInf(b[len(b)-1].UpperBound, 1) || b[len(b)-1].Count != s.Count {
		c.t.Errorf("collection %v: %s%v: buckets %+v do not end with +Inf holding count %v", c.round, d.Name, s.LabelValues, b, s.Count)
		return
	}
	for i := 1; i < len(b); i++ {
		if !(b[i].UpperBound > b[i-1].UpperBound) || b[i].Count < b[i-1].Count {
			c.t.Errorf("collection %v: %s%v: bucket %v (le=%v, %v) out of order after le=%v, %v",
				c.round, d.Name, s.LabelValues, i, b[i].UpperBound, b[i].Count, b[i-1].UpperBound, b[i-1].Count)
			return
		}
	}
}

// TestDemoWithStandardCollectors collects the demo's metrics together with the Go runtime and
// process collectors, as prom.Default serves them in the real command, several times over: the
// histograms of different collectors share the Writer's scratch series, and none may write
// into another's buckets.
func TestDemoWithStandardCollectors(t *testing.T) {
	d, reg := newTestDemo(t, 1)
	reg.MustRegister(prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{})), prom.Must(collectors.NewProcess(collectors.ProcessOpts{})))
	c := &bucketChecker{t: t}
	for c.round = 1; c.round <= 3; c.round++ {
		d.step()
		if err := reg.Collect(context.Background(), c); err != nil {
			t.Fatalf("collection %d: %v", c.round, err)
		}
	}
	if c.histogram < 3*4 {
		t.Errorf("checked %d histogram series over 3 collections; the demo alone has more", c.histogram)
	}
}
