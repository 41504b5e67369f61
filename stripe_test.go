package prom

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/stripe"
)

// stripedCounter and stripedHistogram switch a series to striped mode, as contention would.
// internal/stripe tests how a counter gets there; the tests here hold the metrics to their
// behaviour in that mode.
func stripedCounter(c *Counter) *Counter { c.c.ForceStripes(); return c }

func stripedHistogram(h *Histogram) *Histogram { stripe.Install(&h.st, len(h.counts)+1); return h }

// TestCounterStripingKeepsMore: striping keeps what the counter's rarely used part held
// (fractions, the exemplar), and that part can still be allocated after striping, even while
// goroutines race to allocate it and to stripe.
func TestCounterStripingKeepsMore(t *testing.T) {
	c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	c.AddWithExemplar(0.5, Label{"trace_id", "abc"})
	ex := c.Exemplar()
	stripedCounter(c)
	c.Inc()
	if got := c.Value(); got != 1.5 {
		t.Errorf("Value() = %v after striping, want 1.5", got)
	}
	if got := c.Exemplar(); got != ex || got == nil {
		t.Errorf("Exemplar() = %v after striping, want %v", got, ex)
	}

	for range 200 {
		c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if g == 0 {
					stripedCounter(c)
				}
				c.Add(0.25)
				c.Inc()
			}()
		}
		wg.Wait()
		if got := c.Value(); got != 5 {
			t.Fatalf("Value() = %v, want 5", got)
		}
		if !c.c.Striped() {
			t.Fatal("the counter is not striped")
		}
	}
}

// TestHistogramStripesUnderContention: goroutines on two cores observing at once make the
// histogram striped.
func TestHistogramStripesUnderContention(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2 for goroutines to run at once")
	}
	h := Must(NewHistogram("h", "H.", Opts{Unregistered: true}))
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Minute) // striping takes milliseconds of contention
	var done [2]uint64
	for w := range done {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h.st.Load() == nil && time.Now().Before(deadline) {
				for range 1000 {
					h.Observe(1)
				}
				done[w] += 1000
			}
		}()
	}
	wg.Wait()
	if h.st.Load() == nil {
		t.Fatal("histogram not striped after a minute of observations from two goroutines")
	}
	s := collectSeries(t, h)[0]
	if want := done[0] + done[1]; s.Count != float64(want) || s.Sum != float64(want) {
		t.Errorf("count %v, sum %v, want %v", s.Count, s.Sum, want)
	}
}

// TestHistogramStripedRace hammers a striped histogram while collecting: every snapshot is
// cumulative with the count of its +Inf bucket, never goes back, and the last one is exact.
func TestHistogramStripedRace(t *testing.T) {
	h := stripedHistogram(Must(NewHistogram("h", "H.", Opts{Unregistered: true, Buckets: []float64{1, 2, 4, 8}})))
	r := NewRegistry()
	r.MustRegister(h)
	const workers, per = 4, 20000
	var rec seriesRecorder
	var prev []Bucket
	check := func() Series {
		rec.series = rec.series[:0]
		if err := r.Collect(context.Background(), &rec); err != nil {
			t.Fatal(err)
		}
		s := rec.series[0]
		for i := range s.Buckets {
			if i > 0 && s.Buckets[i].Count < s.Buckets[i-1].Count {
				t.Fatalf("buckets not cumulative: %v", s.Buckets)
			}
			if i < len(prev) && s.Buckets[i].Count < prev[i].Count {
				t.Fatalf("bucket %d went down: %v after %v", i, s.Buckets, prev)
			}
		}
		if inf := s.Buckets[len(s.Buckets)-1].Count; s.Count != inf {
			t.Fatalf("count %v != +Inf bucket %v", s.Count, inf)
		}
		prev = s.Buckets
		return s
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan struct{})
	go func() {
		defer close(scraped)
		for {
			select {
			case <-stop:
				return
			default:
				check()
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				h.Observe(float64((i + w) % 10)) // 0..9: every bucket, +Inf too
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-scraped
	s := check()
	// Each worker observes 0..9 per/10 times each: buckets ≤1: {0,1}, ≤2: {2}, ≤4: {3,4},
	// ≤8: {5..8}, +Inf: {9}.
	k := uint64(workers * per / 10)
	want := []uint64{2 * k, 3 * k, 5 * k, 9 * k, 10 * k}
	for i, b := range s.Buckets {
		if b.Count != float64(want[i]) {
			t.Errorf("bucket le=%v: %v, want %v", b.UpperBound, b.Count, want[i])
		}
	}
	if wantSum := float64(k * 45); s.Sum != wantSum {
		t.Errorf("sum %v, want %v", s.Sum, wantSum)
	}
	h.Reset()
	if s := collectSeries(t, h)[0]; s.Count != 0 || s.Sum != 0 {
		t.Errorf("after Reset: count %v, sum %v", s.Count, s.Sum)
	}
}

// TestStripedAllocs: the update paths allocate nothing in either mode, striped included.
func TestStripedAllocs(t *testing.T) {
	plainC := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	stripedC := stripedCounter(Must(NewCounter("c", "C.", Opts{Unregistered: true})))
	plainH := Must(NewHistogram("h", "H.", Opts{Unregistered: true}))
	stripedH := stripedHistogram(Must(NewHistogram("h", "H.", Opts{Unregistered: true})))
	for name, f := range map[string]func(){
		"plain Inc":          plainC.Inc,
		"plain Add":          func() { plainC.Add(7) },
		"striped Inc":        stripedC.Inc,
		"striped Add":        func() { stripedC.Add(7) },
		"striped AddFloat":   func() { stripedC.Add(0.5) },
		"plain Observe":      func() { plainH.Observe(0.3) },
		"striped Observe":    func() { stripedH.Observe(0.3) },
		"striped Value":      func() { _ = stripedC.Value() },
		"striped ObserveCtx": func() { stripedH.ObserveCtx(context.Background(), 0.3) },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

func BenchmarkCounterIncShared(b *testing.B) {
	c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

// BenchmarkCounterIncStriped is the cost of Inc on a counter in striped mode, one goroutine.
func BenchmarkCounterIncStriped(b *testing.B) {
	c := stripedCounter(Must(NewCounter("c", "C.", Opts{Unregistered: true})))
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkHistogramObserveStriped is the cost of Observe on a histogram in striped mode, one
// goroutine; BenchmarkHistogramObserve is the plain one.
func BenchmarkHistogramObserveStriped(b *testing.B) {
	h := stripedHistogram(Must(NewHistogram("h", "H.", Opts{Unregistered: true})))
	i := 0
	for b.Loop() {
		h.Observe(observations[i&63])
		i++
	}
}

func BenchmarkHistogramObserveShared(b *testing.B) {
	for _, bc := range []struct {
		name string
		o    Opts
	}{
		{"classic", Opts{}},
		{"native", Opts{NativeFactor: 1.1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.o.Unregistered = true
			h := Must(NewHistogram("h", "H.", bc.o))
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					h.Observe(observations[i&63])
					i++
				}
			})
		})
	}
}

// BenchmarkVecWithShared looks up one child of a vector from every P, without updating it.
func BenchmarkVecWithShared(b *testing.B) {
	v := Must(NewCounterVec("v", "V.", []string{"method", "code"}, Opts{Unregistered: true}))
	v.With("GET", "200")
	b.RunParallel(func(pb *testing.PB) {
		var sink *Counter
		for pb.Next() {
			sink = v.With("GET", "200")
		}
		_ = sink
	})
}
