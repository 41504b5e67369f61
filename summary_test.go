package prom

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var defObjectives = map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001}

// fakeClock makes the summary's window run on a clock the test moves.
type fakeClock struct{ t int64 }

func (c *fakeClock) now() int64              { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t += int64(d) }

func newTestSummary(t testing.TB, o Opts) (*Summary, *fakeClock) {
	t.Helper()
	o.Unregistered = true
	s := Must(NewSummary("s", "S.", o))
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()}
	s.q.Config().Now = clk.now
	return s, clk
}

// checkQuantiles checks every reported quantile against the observations of the window: there
// must be a position of the reported value in the sorted window within ε·n of φ·n.
func checkQuantiles(t *testing.T, name string, s Series, window []float64, objectives map[float64]float64) {
	t.Helper()
	sorted := slices.Clone(window)
	slices.Sort(sorted)
	n := float64(len(sorted))
	if len(s.Quantiles) != len(objectives) {
		t.Fatalf("%s: %d quantiles, want %d", name, len(s.Quantiles), len(objectives))
	}
	for i, q := range s.Quantiles {
		if i > 0 && q.Quantile <= s.Quantiles[i-1].Quantile {
			t.Errorf("%s: quantiles not ascending: %v", name, s.Quantiles)
		}
		eps := objectives[q.Quantile]
		below := sort_search(sorted, func(v float64) bool { return v >= q.Value }) // #(< value)
		upTo := sort_search(sorted, func(v float64) bool { return v > q.Value })   // #(≤ value)
		if upTo == below {
			t.Errorf("%s: q%v = %v is not an observation of the window", name, q.Quantile, q.Value)
			continue
		}
		if float64(below) > (q.Quantile+eps)*n || float64(upTo) < (q.Quantile-eps)*n {
			t.Errorf("%s: q%v = %v has positions %d..%d of %v; want within %v of %v",
				name, q.Quantile, q.Value, below+1, upTo, n, eps*n, q.Quantile*n)
		}
	}
}

func sort_search(s []float64, f func(float64) bool) int {
	i, _ := slices.BinarySearchFunc(s, 0, func(v, _ float64) int {
		if f(v) {
			return 1
		}
		return -1
	})
	return i
}

func distributions(n int) map[string][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	d := map[string][]float64{}
	add := func(name string, f func(i int) float64) {
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = f(i)
		}
		d[name] = vs
	}
	add("uniform", func(int) float64 { return r.Float64() })
	add("exponential", func(int) float64 { return r.ExpFloat64() })
	add("ascending", func(i int) float64 { return float64(i) })
	add("descending", func(i int) float64 { return float64(n - i) })
	add("duplicates", func(int) float64 { return float64(r.IntN(5)) })
	add("constant", func(int) float64 { return 7 })
	add("lognormal-heavy", func(int) float64 { return math.Exp(3 * r.NormFloat64()) })
	add("sawtooth", func(i int) float64 { return float64(i % 1000) })
	return d
}

func TestSummaryErrorBound(t *testing.T) {
	objectiveSets := []map[float64]float64{
		defObjectives,
		{0.01: 0.001, 0.25: 0.02, 0.5: 0.01, 0.75: 0.02, 0.999: 0.0001},
		{0.5: 0.2},
	}
	for oi, objectives := range objectiveSets {
		sizes := []int{1, 10, 1000, 20_000}
		if oi == 0 && !raceEnabled {
			sizes = append(sizes, 300_000)
		}
		for _, n := range sizes {
			for name, vs := range distributions(n) {
				label := fmt.Sprintf("objectives %d, %s, n=%d", oi, name, n)
				s, _ := newTestSummary(t, Opts{Objectives: objectives})
				for i, v := range vs {
					s.Observe(v)
					if i%(n/3+1) == 0 { // collections end batches at odd places
						collectSeries(t, s)
					}
				}
				checkQuantiles(t, label, collectSeries(t, s)[0], vs, objectives)
			}
		}
	}
}

// TestSummaryErrorBoundAcrossAgeBuckets fills each age bucket with a different distribution,
// the case where merging the buckets' summaries at collection time must hold its guarantee.
func TestSummaryErrorBoundAcrossAgeBuckets(t *testing.T) {
	s, clk := newTestSummary(t, Opts{Objectives: defObjectives, MaxAge: 5 * time.Minute, AgeBuckets: 5})
	r := rand.New(rand.NewPCG(3, 4))
	var window []float64
	for step := range 5 {
		n := []int{50_000, 200, 20_000, 7, 3000}[step]
		for range n {
			v := float64(step)*10 + r.Float64()*float64(5-step)
			if step == 2 {
				v = -r.ExpFloat64()
			}
			s.Observe(v)
			window = append(window, v)
		}
		checkQuantiles(t, fmt.Sprintf("after step %d", step), collectSeries(t, s)[0], window, defObjectives)
		clk.advance(time.Minute)
	}
}

func TestSummaryWindowExpiry(t *testing.T) {
	s, clk := newTestSummary(t, Opts{Objectives: map[float64]float64{0.5: 0.01}, MaxAge: time.Minute, AgeBuckets: 3})
	q50 := func() float64 { return collectSeries(t, s)[0].Quantiles[0].Value }
	if v := q50(); !math.IsNaN(v) {
		t.Errorf("empty window: %v, want NaN", v)
	}
	for range 100 {
		s.Observe(1)
	}
	clk.advance(20 * time.Second) // next step
	for range 300 {
		s.Observe(2)
	}
	if v := q50(); v != 2 {
		t.Errorf("both steps in the window: median %v, want 2", v)
	}
	clk.advance(20 * time.Second)
	for range 50 {
		s.Observe(3)
	}
	if v := q50(); v != 2 {
		t.Errorf("three steps: median %v, want 2", v)
	}
	clk.advance(20 * time.Second) // the 1s leave
	if v := q50(); v != 2 {
		t.Errorf("after the first step expired: median %v, want 2", v)
	}
	clk.advance(20 * time.Second) // the 2s leave
	if v := q50(); v != 3 {
		t.Errorf("after the second step expired: median %v, want 3", v)
	}
	clk.advance(time.Hour)
	ser := collectSeries(t, s)[0]
	if !math.IsNaN(ser.Quantiles[0].Value) || ser.Count != 450 || ser.Sum != 100+600+150 {
		t.Errorf("after an hour: %+v, want NaN quantile and all-time count and sum", ser)
	}
	// Buffered observations without a collection in between still count once the clock moved.
	for range 10 {
		s.Observe(4)
	}
	clk.advance(20 * time.Second)
	if v := q50(); v != 4 {
		t.Errorf("batch ended by the collection: median %v, want 4", v)
	}
}

func TestSummaryWithoutObjectives(t *testing.T) {
	r := NewRegistry()
	var errs []error
	r.SetErrorHandler(func(err error) { errs = append(errs, err) })
	s := Must(NewSummary("s", "S.", Opts{Registry: r}))
	s.Observe(1)
	s.Observe(2.5)
	s.Observe(math.NaN())
	ser := collectSeries(t, s)[0]
	if ser.Count != 2 || ser.Sum != 3.5 || len(ser.Quantiles) != 0 || ser.Created != s.Created().UnixNano() {
		t.Errorf("got %+v", ser)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrNaNIncrement) {
		t.Errorf("errors %v", errs)
	}
	func() { defer s.Time()() }()
	if ser := collectSeries(t, s)[0]; ser.Count != 3 || ser.Sum < 3.5 {
		t.Errorf("after Time: %+v", ser)
	}
}

func TestSummaryVecAndOf(t *testing.T) {
	v := Must(NewSummaryVec("s", "S.", []string{"code"}, Opts{Unregistered: true, Objectives: defObjectives}))
	v.With("200").Observe(1)
	v.With("500").Observe(2)
	ss := collectSeries(t, v)
	if len(ss) != 2 || ss[1].LabelValues[0] != "500" || ss[1].Quantiles[2].Value != 2 || ss[1].Count != 1 {
		t.Errorf("vec: %+v", ss)
	}
	type lab struct{ Code string }
	tv := Must(NewSummaryOf[lab]("t", "T.", Opts{Unregistered: true}))
	tv.With(lab{"200"}).Observe(3)
	if ss := collectSeries(t, tv); len(ss) != 1 || ss[0].Sum != 3 {
		t.Errorf("typed: %+v", ss)
	}
}

func TestSummaryOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Opts
		want string
	}{
		{Opts{Objectives: map[float64]float64{0: 0.1}}, "quantile 0 is outside (0, 1)"},
		{Opts{Objectives: map[float64]float64{1: 0.1}}, "quantile 1 is outside"},
		{Opts{Objectives: map[float64]float64{math.NaN(): 0.1}}, "quantile NaN"},
		{Opts{Objectives: map[float64]float64{0.5: -0.1}}, "objective 0.5 has error -0.1"},
		{Opts{Objectives: map[float64]float64{0.5: 0}}, "greater than 0"},
		{Opts{Objectives: map[float64]float64{0.5: 0.1}, MaxAge: -time.Second}, "MaxAge -1s is negative"},
		{Opts{Objectives: map[float64]float64{0.5: 0.1}, AgeBuckets: -1}, "AgeBuckets -1"},
		{Opts{MaxAge: time.Second}, "only to a summary with Objectives"},
		{Opts{Buckets: []float64{1}}, "Buckets"},
	} {
		tc.o.Unregistered = true
		_, err := NewSummary("s", "S.", tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"s"`) {
			t.Errorf("%+v: error %v, want one containing %q and the name", tc.o, err, tc.want)
		}
	}
	if _, err := NewSummaryVec("s", "S.", []string{"quantile"}, Opts{Unregistered: true}); err == nil || !strings.Contains(err.Error(), `"quantile" is reserved`) {
		t.Errorf("quantile label: %v", err)
	}
	type lab struct{ Code string }
	if _, err := NewSummaryOf[lab]("s", "S.", Opts{Unregistered: true, Objectives: map[float64]float64{2: 0.1}}); err == nil {
		t.Error("typed: no error for quantile 2")
	}
}

func TestSummaryConcurrent(t *testing.T) {
	s, _ := newTestSummary(t, Opts{Objectives: defObjectives})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10000 {
				s.Observe(float64((i * (w + 1)) % 1000))
			}
		}()
	}
	for range 50 {
		ser := collectSeries(t, s)[0]
		if ser.Count > 0 && math.IsNaN(ser.Quantiles[0].Value) {
			t.Fatalf("NaN quantile with count %v", ser.Count)
		}
	}
	wg.Wait()
	if ser := collectSeries(t, s)[0]; ser.Count != 40000 {
		t.Errorf("count %v", ser.Count)
	}
}

func TestSummaryAllocs(t *testing.T) {
	plain := Must(NewSummary("a", "A.", Opts{Unregistered: true}))
	withQ := Must(NewSummary("b", "B.", Opts{Unregistered: true, Objectives: defObjectives}))
	v := Must(NewSummaryVec("c", "C.", []string{"x"}, Opts{Unregistered: true, Objectives: defObjectives}))
	type lab struct{ X string }
	tv := Must(NewSummaryOf[lab]("d", "D.", Opts{Unregistered: true}))
	v.With("1")
	tv.With(lab{"1"})
	i := 0
	for range 10000 { // grow the summary to its steady size
		withQ.Observe(float64(i % 997))
		i++
	}
	for name, f := range map[string]func(){
		"Observe":           func() { plain.Observe(1.5) },
		"ObserveObjectives": func() { withQ.Observe(float64(i % 997)); i++ },
		"With":              func() { v.With("1").Observe(0.3) },
		"WithTyped":         func() { tv.With(lab{"1"}).Observe(0.3) },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

// TestSummaryHeapPerChild measures the heap of 1000 summary children with the default three
// objectives after each has taken enough observations to reach its steady size.
func TestSummaryHeapPerChild(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("fills 1000 summaries; heap figures under the race detector are meaningless")
	}
	const children = 1000
	v := Must(NewSummaryVec("s", "S.", []string{"i"}, Opts{Unregistered: true, Objectives: defObjectives}))
	names := make([]string, children)
	for i := range names {
		names[i] = fmt.Sprint(i)
	}
	r := rand.New(rand.NewPCG(5, 6))
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()}
	v.With("warm").q.Config().Now = clk.now
	// Fill every age bucket of the window: 5 steps of 1000 observations.
	fill := func(s *Summary) {
		start := clk.t
		for range DefAgeBuckets {
			for range 1000 {
				s.Observe(r.ExpFloat64())
			}
			clk.advance(DefMaxAge / DefAgeBuckets)
		}
		collectSeries(t, s)
		clk.t = start
	}
	fill(v.With("warm")) // pools and one-off allocations
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, n := range names {
		fill(v.With(n))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / children
	t.Logf("heap per summary child with 3 objectives: %.0f bytes", per)
	if per > 8<<10 {
		t.Errorf("heap per child %.0f bytes, want at most 8 KiB", per)
	}
	runtime.KeepAlive(v)
}

func BenchmarkSummaryObserve(b *testing.B) {
	s := Must(NewSummary("s", "S.", Opts{Unregistered: true}))
	i := 0
	for b.Loop() {
		s.Observe(observations[i&63])
		i++
	}
}

func BenchmarkSummaryObserve3Quantiles(b *testing.B) {
	s := Must(NewSummary("s", "S.", Opts{Unregistered: true, Objectives: defObjectives}))
	r := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 4096)
	for i := range vs {
		vs[i] = r.ExpFloat64()
	}
	i := 0
	for b.Loop() {
		s.Observe(vs[i&4095])
		i++
	}
}

func BenchmarkSummaryObserve3QuantilesParallel(b *testing.B) {
	s := Must(NewSummary("s", "S.", Opts{Unregistered: true, Objectives: defObjectives}))
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(1, 2))
		for pb.Next() {
			s.Observe(r.ExpFloat64())
		}
	})
}
