package otlp_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/prom-go/prom"
)

// manySeries returns a counter (with exemplars), a gauge, a classic and a native histogram
// and a summary family of n series each.
func manySeries(n int) families {
	ex := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "4bf92f3577b34da6a3ce929d0e0e4736"}, {Name: "span_id", Value: "00f067aa0ba902b7"}}, Value: 1}
	c := &prom.Family{Desc: prom.Desc{Name: "c", Type: prom.CounterType, LabelNames: []string{"i"}}}
	g := &prom.Family{Desc: prom.Desc{Name: "g", Type: prom.GaugeType, LabelNames: []string{"i"}}}
	h := &prom.Family{Desc: prom.Desc{Name: "h", Type: prom.HistogramType, LabelNames: []string{"i"}}}
	nh := &prom.Family{Desc: prom.Desc{Name: "nh", Type: prom.HistogramType, LabelNames: []string{"i"}}}
	s := &prom.Family{Desc: prom.Desc{Name: "s", Type: prom.SummaryType, LabelNames: []string{"i"}}}
	for i := 0; i < n; i++ {
		v := []string{fmt.Sprint(i)}
		c.Series = append(c.Series, prom.Series{LabelValues: v, Value: float64(i), Created: 1, Exemplar: ex})
		g.Series = append(g.Series, prom.Series{LabelValues: v, Value: float64(i)})
		h.Series = append(h.Series, prom.Series{LabelValues: v, Count: 3, Sum: 1, Buckets: []prom.Bucket{{UpperBound: 1, Count: 1, Exemplar: ex}, {UpperBound: math.Inf(1), Count: 3}}})
		nh.Series = append(nh.Series, prom.Series{LabelValues: v, Count: 3, Sum: 1, Native: &prom.NativeHistogram{Schema: 3,
			PositiveSpans: []prom.BucketSpan{{Offset: 2, Length: 2}, {Offset: 4, Length: 1}}, PositiveDeltas: []int64{1, 0, 0}}})
		s.Series = append(s.Series, prom.Series{LabelValues: v, Count: 3, Sum: 1, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 1}}})
	}
	return families{c, g, h, nh, s}
}

// TestAllocsDoNotGrow checks that, once its buffers have grown, a push's encoding allocates
// the same whatever the number of series.
func TestAllocsDoNotGrow(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	allocs := func(n int) float64 {
		e := newExporter(t, newRegistry(t, manySeries(n)), "http://127.0.0.1:1")
		var buf []byte
		ctx := context.Background()
		return testing.AllocsPerRun(20, func() {
			var err error
			if buf, err = e.AppendRequest(ctx, buf[:0]); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(10), allocs(2000)
	if large > small {
		t.Errorf("a request of 5×2000 series allocates %v times, of 5×10 series %v: allocations grow with the series", large, small)
	}
}
