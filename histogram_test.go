package prom

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
)

// seriesRecorder is an Encoder that keeps a deep copy of every series, for tests that check
// the numbers a metric writes.
type seriesRecorder struct {
	descs  []*Desc
	series []Series
}

func (r *seriesRecorder) Family(d *Desc) { r.descs = append(r.descs, d) }
func (r *seriesRecorder) Series(d *Desc, s *Series) {
	c := *s
	c.Buckets = append([]Bucket(nil), s.Buckets...)
	c.Quantiles = append([]Quantile(nil), s.Quantiles...)
	r.series = append(r.series, c)
}

// collectSeries collects c alone and returns its series.
func collectSeries(t testing.TB, c Collector) []Series {
	t.Helper()
	r := NewRegistry()
	if err := r.Register(c); err != nil {
		t.Fatal(err)
	}
	var rec seriesRecorder
	if err := r.Collect(context.Background(), &rec); err != nil {
		t.Fatal(err)
	}
	return rec.series
}

func TestHistogramObserve(t *testing.T) {
	for _, bounds := range [][]float64{
		{1, 2, 5},                   // bucket table
		{1, 2, 3, 4, 5, 6, 7, 8, 9}, // bucket table
		{-5, -1, 0, 2},              // linear search: not all positive
		{0, 1, 2, 3, 4, 5, 6, 7, 8}, // binary search
	} {
		h := Must(NewHistogram("h", "H.", Opts{Unregistered: true, Buckets: bounds}))
		obs := []float64{0.5, 1, 1.5, 2, 4.5, 5, 100, math.Inf(1), math.Inf(-1), -3}
		for _, v := range obs {
			h.Observe(v)
		}
		ss := collectSeries(t, h)
		if len(ss) != 1 {
			t.Fatalf("got %d series", len(ss))
		}
		s := ss[0]
		if len(s.Buckets) != len(bounds)+1 {
			t.Fatalf("got %d buckets", len(s.Buckets))
		}
		for i, b := range s.Buckets {
			ub := math.Inf(1)
			if i < len(bounds) {
				ub = bounds[i]
			}
			var want uint64
			for _, v := range obs {
				if v <= ub {
					want++
				}
			}
			if b.UpperBound != ub || b.Count != float64(want) {
				t.Errorf("bounds %v: bucket %v = {%v %v}, want {%v %v}", bounds, i, b.UpperBound, b.Count, ub, want)
			}
		}
		if s.Count != float64(len(obs)) || !math.IsNaN(s.Sum) {
			// +Inf + -Inf makes the sum NaN, as arithmetic says.
			t.Errorf("count %v sum %v", s.Count, s.Sum)
		}
		if s.Created == 0 || s.Created != h.Created().UnixNano() {
			t.Errorf("created %d", s.Created)
		}
	}
}

func TestHistogramNaNAndReset(t *testing.T) {
	r := NewRegistry()
	var got []error
	var mu sync.Mutex
	r.SetErrorHandler(func(err error) { mu.Lock(); got = append(got, err); mu.Unlock() })
	h := Must(NewHistogram("h", "H.", Opts{Registry: r, Buckets: []float64{1}}))
	h.Observe(0.5)
	h.Observe(math.NaN())
	s := collectSeries(t, h)[0]
	if s.Count != 1 || s.Sum != 0.5 || s.Buckets[1].Count != 1 {
		t.Errorf("after NaN: count %v sum %v buckets %v", s.Count, s.Sum, s.Buckets)
	}
	if len(got) != 1 || !errors.Is(got[0], ErrNaNIncrement) || !strings.HasPrefix(got[0].Error(), `prom: metric "h": `) {
		t.Errorf("errors %v", got)
	}
	before := h.Created()
	h.Reset()
	s = collectSeries(t, h)[0]
	if s.Count != 0 || s.Sum != 0 || s.Buckets[0].Count != 0 || h.Created().Before(before) {
		t.Errorf("after Reset: %+v", s)
	}
}

func TestHistogramTime(t *testing.T) {
	h := Must(NewHistogram("h", "H.", Opts{Unregistered: true, Buckets: []float64{60}}))
	func() { defer h.Time()() }()
	s := collectSeries(t, h)[0]
	if s.Count != 1 || s.Buckets[0].Count != 1 || !(s.Sum >= 0 && s.Sum < 60) {
		t.Errorf("after Time: %+v", s)
	}
}

func TestHistogramVecAndOf(t *testing.T) {
	v := Must(NewHistogramVec("h", "H.", []string{"code"}, Opts{Unregistered: true, Buckets: []float64{1}}))
	v.With("200").Observe(2)
	v.With("500").Observe(0)
	ss := collectSeries(t, v)
	if len(ss) != 2 || ss[0].LabelValues[0] != "200" || ss[0].Buckets[0].Count != 0 || ss[1].Buckets[0].Count != 1 {
		t.Errorf("vec: %+v", ss)
	}
	type lab struct{ Code string }
	tv := Must(NewHistogramOf[lab]("t", "T.", Opts{Unregistered: true}))
	tv.With(lab{"200"}).Observe(0.3)
	ss = collectSeries(t, tv)
	if len(ss) != 1 || len(ss[0].Buckets) != len(DefBuckets)+1 || ss[0].Count != 1 {
		t.Errorf("typed: %+v", ss)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{second(NewHistogram("h", "H.", Opts{Unregistered: true, Buckets: []float64{2, 1}})), "not greater"},
		{second(NewHistogramVec("h", "H.", []string{"le"}, Opts{Unregistered: true})), `"le" is reserved`},
		{second(NewHistogramOf[lab]("h", "H.", Opts{Unregistered: true, Buckets: []float64{math.NaN()}})), "NaN"},
		{second(NewHistogram("h", "H.", Opts{Unregistered: true, Objectives: map[float64]float64{0.5: 0.1}})), "Objectives"},
		{second(NewHistogram("h", "H.", Opts{}, Opts{})), "2 Opts"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", tc.err, tc.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestHistogramConsistentUnderRace hammers Observe from several goroutines while collecting
// repeatedly, and checks that every snapshot is cumulative, has the count of the +Inf bucket,
// and never goes back in time.
func TestHistogramConsistentUnderRace(t *testing.T) {
	bounds := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	h := Must(NewHistogram("h", "H.", Opts{Unregistered: true, Buckets: bounds}))
	const workers, scrapes = 4, 300
	stop := make(chan struct{})
	var observed [workers]uint64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					observed[w] = uint64(i)
					return
				default:
				}
				h.Observe(float64((i + w) % 12))
			}
		}()
	}
	r := NewRegistry()
	r.MustRegister(h)
	var rec seriesRecorder
	var prev []Bucket
	check := func(scrape int) Series {
		rec.series = rec.series[:0]
		if err := r.Collect(context.Background(), &rec); err != nil {
			t.Fatal(err)
		}
		s := rec.series[0]
		for i := 1; i < len(s.Buckets); i++ {
			if s.Buckets[i].Count < s.Buckets[i-1].Count {
				t.Fatalf("scrape %d: buckets not cumulative: %v", scrape, s.Buckets)
			}
		}
		if s.Count != s.Buckets[len(s.Buckets)-1].Count {
			t.Fatalf("scrape %v: count %v != +Inf bucket %v", scrape, s.Count, s.Buckets[len(s.Buckets)-1].Count)
		}
		for i := range prev {
			if s.Buckets[i].Count < prev[i].Count {
				t.Fatalf("scrape %d: bucket %d went down", scrape, i)
			}
		}
		prev = s.Buckets
		return s
	}
	for i := range scrapes {
		check(i)
	}
	close(stop)
	wg.Wait()
	var total uint64
	for _, n := range observed {
		total += n
	}
	if s := check(scrapes); s.Count != float64(total) {
		t.Fatalf("final count %v, want %v", s.Count, total)
	}
}

func TestHistogramAllocs(t *testing.T) {
	few := Must(NewHistogram("a", "A.", Opts{Unregistered: true, Buckets: []float64{1, 2}}))
	many := Must(NewHistogram("b", "B.", Opts{Unregistered: true}))
	searched := Must(NewHistogram("e", "E.", Opts{Unregistered: true, Buckets: []float64{-1, 0, 1}})) // no bucket table
	v := Must(NewHistogramVec("c", "C.", []string{"x"}, Opts{Unregistered: true}))
	type lab struct{ X string }
	tv := Must(NewHistogramOf[lab]("d", "D.", Opts{Unregistered: true}))
	v.With("1")
	tv.With(lab{"1"})
	for name, f := range map[string]func(){
		"ObserveFew":    func() { few.Observe(1.5) },
		"ObserveMany":   func() { many.Observe(0.3) },
		"ObserveSearch": func() { searched.Observe(0.5) },
		"With":          func() { v.With("1").Observe(0.3) },
		"WithTyped":     func() { tv.With(lab{"1"}).Observe(0.3) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

// observations cycles through values spread over DefBuckets, as latencies are.
var observations = func() []float64 {
	vs := make([]float64, 64)
	for i := range vs {
		vs[i] = 0.003 * math.Pow(1.15, float64(i)) // 3 ms … 20 s
	}
	return vs
}()

func BenchmarkHistogramObserve(b *testing.B) {
	h := Must(NewHistogram("h", "H.", Opts{Unregistered: true}))
	i := 0
	for b.Loop() {
		h.Observe(observations[i&63])
		i++
	}
}

func BenchmarkHistogramObserveParallel(b *testing.B) {
	h := Must(NewHistogram("h", "H.", Opts{Unregistered: true}))
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			h.Observe(observations[i&63])
			i++
		}
	})
}
