package quantile

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"
)

type q struct{ Quantile, Value float64 }

var objectives = map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001}

func newWindow(clock *int64) *Window {
	return NewWindow(NewConfig(objectives, int64(10*time.Minute), 5, func() int64 { return *clock }))
}

// TestGuarantee: for random, sorted and reversed streams spread over several age buckets, each
// quantile is an observation whose position lies within ε·n of φ·n (invariants 1 and 2), and
// the tuples stay few.
func TestGuarantee(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for name, gen := range map[string]func(i int) float64{
		"random":   func(int) float64 { return rnd.NormFloat64() },
		"sorted":   func(i int) float64 { return float64(i) },
		"reversed": func(i int) float64 { return float64(-i) },
		"few":      func(i int) float64 { return float64(i % 7) },
	} {
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
		w := newWindow(&clock)
		var all []float64
		for i := range 50_000 {
			v := gen(i)
			all = append(all, v)
			w.Observe(v)
			if i%10_000 == 9_999 {
				clock += int64(time.Minute) // within the window: every observation counts
			}
		}
		count, sum, got := Collect(w, []q(nil))
		if count != uint64(len(all)) {
			t.Errorf("%s: count %d, want %d", name, count, len(all))
		}
		var want float64
		for _, v := range all {
			want += v
		}
		if math.Abs(sum-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: sum %v, want %v", name, sum, want)
		}
		slices.Sort(all)
		n := float64(len(all))
		for i, x := range got {
			if i > 0 && x.Quantile <= got[i-1].Quantile {
				t.Errorf("%s: quantiles not ascending: %v", name, got)
			}
			eps := objectives[x.Quantile]
			below := sort.SearchFloat64s(all, x.Value)
			upTo := sort.Search(len(all), func(j int) bool { return all[j] > x.Value })
			if upTo == below {
				t.Errorf("%s: q%v = %v is not an observation", name, x.Quantile, x.Value)
				continue
			}
			if float64(below) > (x.Quantile+eps)*n || float64(upTo) < (x.Quantile-eps)*n {
				t.Errorf("%s: q%v = %v at positions %d..%d of %v; want within %v of %v",
					name, x.Quantile, x.Value, below+1, upTo, n, eps*n, x.Quantile*n)
			}
		}
		tuples := 0
		for i := range w.buckets {
			tuples += len(w.buckets[i].t)
		}
		if tuples > 5000 {
			t.Errorf("%s: %d tuples for %d observations", name, tuples, len(all))
		}
	}
}

// TestWindowSlides: observations older than the window stop counting towards the quantiles,
// but not towards count and sum; an empty window answers NaN. The observations are whole
// batches, which take the step in which they end.
func TestWindowSlides(t *testing.T) {
	clock := int64(0)
	w := newWindow(&clock)
	for i := range 16 * batchSize {
		w.Observe(float64(i))
	}
	clock += int64(time.Hour)
	count, _, got := Collect(w, []q(nil))
	if count != 16*batchSize || len(got) != 3 || !math.IsNaN(got[0].Value) {
		t.Errorf("after an hour: count %d, quantiles %v; want %d and NaN", count, got, 16*batchSize)
	}
}

func TestCollectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops the merge scratch at random under the race detector")
	}
	clock := int64(0)
	w := newWindow(&clock)
	dst := make([]q, 0, 3)
	for i := range 10_000 {
		w.Observe(float64(i))
	}
	Collect(w, dst)
	if a := testing.AllocsPerRun(100, func() { w.Observe(1); Collect(w, dst[:0]) }); a != 0 {
		t.Errorf("Observe and Collect: %v allocations", a)
	}
}

func BenchmarkObserve(b *testing.B) {
	clock := int64(0)
	w := newWindow(&clock)
	rnd := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 1024)
	for i := range vs {
		vs[i] = rnd.ExpFloat64()
	}
	i := 0
	for b.Loop() {
		w.Observe(vs[i&1023])
		i++
	}
}
