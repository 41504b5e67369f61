package native

import (
	"sort"
	"testing"
)

// benchValues are 1,024 latencies from 0 to 10 s, as bench/'s histogram workload observes.
var benchValues = func() []float64 {
	v := make([]float64, 1024)
	x := uint64(88172645463325252)
	for i := range v {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v[i] = float64(x%100000) / 10000
	}
	return v
}()

// benchClassic are the classic buckets of benchValues for prom's default bounds.
var benchClassic = func() []int {
	bounds := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	c := make([]int, len(benchValues))
	for i, v := range benchValues {
		c[i] = sort.SearchFloat64s(bounds, v)
	}
	return c
}()

// BenchmarkObserveSpread is State.Observe at schema 3 (factor 1.1) with 12 classic buckets, one
// goroutine, after a warm-up that fills its table: the steady state of a histogram.
func BenchmarkObserveSpread(b *testing.B) {
	n := newState(b, Config{Schema: 3, ZT: 1e-128}, 12)
	for i := range 4096 {
		n.Observe(benchValues[i&1023], benchClassic[i&1023])
	}
	snapshot(b, n)
	for i := range 4096 {
		n.Observe(benchValues[i&1023], benchClassic[i&1023])
	}
	i := 0
	for b.Loop() {
		n.Observe(benchValues[i&1023], benchClassic[i&1023])
		i++
	}
}
