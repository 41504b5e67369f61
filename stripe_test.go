package prom

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stripedCounter and stripedHistogram switch a series to striped mode, as contention would.
//
// stripedCounter also moves the counter's slow-path mark into place at once, as slowFrom more
// uncontended increments would, balancing it with a wrapped subtraction on a cell so that the
// value stays exact.
func stripedCounter(c *Counter) *Counter {
	c.stripe()
	s := c.stripes()
	atomic.StoreUint64(&c.n, slowFrom)
	s.word(0).Add(^uint64(slowFrom - 1)) // minus slowFrom, wrapping
	return c
}
func stripedHistogram(h *Histogram) *Histogram { install(&h.st, len(h.counts)+1); return h }

func TestStripeLayout(t *testing.T) {
	cells := stripeCfg.cells
	if cells&(cells-1) != 0 || cells > maxCells || cells < min(2*runtime.GOMAXPROCS(0), maxCells) {
		t.Errorf("%d cells for GOMAXPROCS %d", cells, runtime.GOMAXPROCS(0))
	}
	if 1<<(64-stripeCfg.shift) != cells {
		t.Errorf("shift %d for %d cells", stripeCfg.shift, cells)
	}
	for _, width := range []int{1, 12, 16, 17, 40} {
		stride := strideOf(width)
		if stride%cellWords != 0 || stride < width || stride >= width+cellWords {
			t.Errorf("width %d: stride %d words", width, stride)
		}
		for range 100 {
			if o := cell(stride); o < 0 || o+width > cells*stride || o%stride != 0 {
				t.Fatalf("width %d: cell offset %d", width, o)
			}
			collided()
		}
		var p atomic.Pointer[stripes]
		s := install(&p, width)
		if install(&p, width) != s {
			t.Errorf("width %d: a second install replaced the cells", width)
		}
		for c := range cells {
			s.word(c*stride + width - 1).Add(uint64(c + 1))
		}
		if got, want := s.sum(stride, width-1), uint64(cells*(cells+1)/2); got != want {
			t.Errorf("width %d: sum %d, want %d", width, got, want)
		}
		s.clear(stride)
		if got := s.sum(stride, width-1); got != 0 {
			t.Errorf("width %d: sum %d after clear", width, got)
		}
	}
}

// TestSampled: the probe for contention comes about once in 256 adds, whatever the step, so
// that Add(4096) probes no more often than Inc.
func TestSampled(t *testing.T) {
	for _, step := range []uint64{1, 2, 3, 256, 1500, 4096, 1 << 20} {
		const adds = 1 << 18
		hits := 0
		for i := uint64(1); i <= adds; i++ {
			if sampled(i * step) {
				hits++
			}
		}
		if want := adds / 256; hits < want/2 || hits > want*2 {
			t.Errorf("step %d: %d probes in %d adds, want about %d", step, hits, adds, want)
		}
	}
}

func TestContended(t *testing.T) {
	var w atomic.Uint64
	w.Store(5)
	if contended(&w, 5) {
		t.Error("an unchanged word is contended")
	}
	if !contended(&w, 4) {
		t.Error("a word changed since it was set is not contended")
	}
}

// TestCounterUncontendedStaysPlain: a counter used by one goroutine never allocates cells.
func TestCounterUncontendedStaysPlain(t *testing.T) {
	c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	for range 1 << 20 {
		c.Inc()
	}
	c.Add(4096)
	if c.stripes() != nil {
		t.Error("one goroutine made the counter striped")
	}
	if got := c.Value(); got != 1<<20+4096 {
		t.Errorf("Value() = %v", got)
	}
}

// TestCounterStripesUnderContention: goroutines on two cores incrementing at once make the
// counter striped, and no increment is lost on the way.
func TestCounterStripesUnderContention(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2 for goroutines to run at once")
	}
	c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	const workers = 2
	var done [workers]uint64
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Minute) // striping takes milliseconds of contention
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.stripes() == nil && time.Now().Before(deadline) {
				for range 1000 {
					c.Inc()
				}
				done[w] += 1000
			}
			for range 1000 { // some on the cells too
				c.Inc()
			}
			done[w] += 1000
		}()
	}
	wg.Wait()
	if c.stripes() == nil {
		t.Fatal("counter not striped after a minute of increments from two goroutines")
	}
	if got, want := c.Value(), float64(done[0]+done[1]); got != want {
		t.Errorf("Value() = %v, want %v", got, want)
	}
	// Striped, the two goroutines must leave the shared word alone, or the cores would go on
	// fighting over its cache line: after a few hundred increments it stays in the slow zone.
	hammer := func(n int) {
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					c.Inc()
				}
			}()
		}
		wg.Wait()
	}
	hammer(100_000)
	before := atomic.LoadUint64(&c.n)
	hammer(100_000)
	if after := atomic.LoadUint64(&c.n); after != before {
		t.Errorf("striped counter's shared word moved from %d to %d under contention", before, after)
	}
	if got, want := c.Value(), float64(done[0]+done[1]+4*100_000); got != want {
		t.Errorf("Value() = %v, want %v", got, want)
	}
}

// TestCounterStripedRace hammers a striped and a plain counter with every kind of add while
// reading them: the value never goes down and ends exact.
func TestCounterStripedRace(t *testing.T) {
	for name, c := range map[string]*Counter{
		"plain":   Must(NewCounter("c", "C.", Opts{Unregistered: true})),
		"striped": stripedCounter(Must(NewCounter("c", "C.", Opts{Unregistered: true}))),
	} {
		const workers, per = 4, 20000
		var wg sync.WaitGroup
		stop := make(chan struct{})
		reads := make(chan int)
		go func() {
			last, n := 0.0, 0
			for {
				select {
				case <-stop:
					reads <- n
					return
				default:
				}
				v := c.Value()
				if v < last {
					t.Errorf("%s: value went down: %v after %v", name, v, last)
				}
				last = v
				n++
			}
		}()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range per {
					switch i % 4 {
					case 0, 1:
						c.Inc()
					case 2:
						c.Add(3)
					case 3:
						c.Add(0.5)
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-reads
		if got, want := c.Value(), float64(workers*per/4*(1+1+3+0.5)); got != want {
			t.Errorf("%s: Value() = %v, want %v", name, got, want)
		}
		c.Reset()
		if got := c.Value(); got != 0 {
			t.Errorf("%s: Value() = %v after Reset", name, got)
		}
		c.Inc()
		if got := c.Value(); got != 1 {
			t.Errorf("%s: Value() = %v after Reset and Inc", name, got)
		}
	}
}

// TestCounterStripingKeepsMore: striping keeps what the counter's rarely used part held
// (fractions, the exemplar), and that part can still be allocated after striping, even while
// goroutines race to allocate it and to stripe.
func TestCounterStripingKeepsMore(t *testing.T) {
	c := Must(NewCounter("c", "C.", Opts{Unregistered: true}))
	c.AddWithExemplar(0.5, Label{"trace_id", "abc"})
	ex := c.Exemplar()
	c.stripe()
	if c.stripes() == nil {
		t.Fatal("stripe() left the counter unstriped")
	}
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
					c.stripe()
				}
				c.Add(0.25)
				c.Inc()
			}()
		}
		wg.Wait()
		if got := c.Value(); got != 5 {
			t.Fatalf("Value() = %v, want 5", got)
		}
		if c.stripes() == nil {
			t.Fatal("stripe() left the counter unstriped")
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

// The benchmarks below measure one shared series updated from every P (RunParallel): run them
// with -cpu 1,2,... and compare the ns/op across the -cpu values. BenchmarkAtomicAdd and
// BenchmarkAtomicAddShared are the baselines: a plain atomic add, alone and shared.

var atomicSink atomic.Uint64

func BenchmarkAtomicAdd(b *testing.B) {
	var n atomic.Uint64
	for b.Loop() {
		n.Add(1)
	}
	atomicSink.Store(n.Load())
}

func BenchmarkAtomicAddShared(b *testing.B) {
	var n atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Add(1)
		}
	})
	atomicSink.Store(n.Load())
}

// BenchmarkAtomicAddPerGoroutine is the ideal a striped series tends to: each goroutine adds
// to its own cache-line padded word. Its ratio across -cpu values shows how many cores the
// machine really gave the benchmark.
func BenchmarkAtomicAddPerGoroutine(b *testing.B) {
	var next atomic.Int32
	words := make([]struct {
		n atomic.Uint64
		_ [cellWords - 1]uint64
	}, 64)
	b.RunParallel(func(pb *testing.PB) {
		w := &words[next.Add(1)%64].n
		for pb.Next() {
			w.Add(1)
		}
	})
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

// TestNativeStripedRace hammers native histograms switched to striped cells, with values that
// force spills, zero bucket widening and resolution halving, while collections run: every
// snapshot is consistent (count = zero + native buckets = +Inf bucket), never goes back, and
// the last one holds every observation, with their sum.
func TestNativeStripedRace(t *testing.T) {
	for _, o := range []Opts{
		{NativeFactor: 1.01, Buckets: []float64{-1, 0, 1, 10}, NativeMaxBuckets: 40},
		{NativeFactor: 1.1, NativeMaxBuckets: 20, NativeMaxZeroThreshold: 1e-3},
		{NativeFactor: 1.1, Buckets: DefBuckets},
	} {
		h := nativeHist(t, o)
		h.nat.stripe()
		if got := len(h.nat.cellList()); got != 1+stripeCfg.cells {
			t.Fatalf("%d cells after stripe, want %d", got, 1+stripeCfg.cells)
		}
		stopScraping := scrapeWhileObserving(t, h, o.NativeMaxBuckets)
		const workers, per = 4, 20000
		var wg sync.WaitGroup
		var sums [workers]float64
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(w), 9))
				for i := range per {
					v := float64(rnd.IntN(1 << 20)) // whole numbers: the sum is exact
					if i%3 == 0 {
						v = -v
					}
					if i%101 == 0 {
						v = math.Ldexp(v, -900) // tiny: into the zero bucket as it widens
					}
					sums[w] += v
					h.Observe(v)
				}
			}()
		}
		wg.Wait()
		stopScraping()
		s := collectSeries(t, h)[0]
		checkSnapshot(t, &s, o.NativeMaxBuckets)
		want := sums[0] + sums[1] + sums[2] + sums[3]
		if s.Count != workers*per || math.Abs(s.Sum-want) > 1e-9*math.Abs(want) {
			t.Errorf("%+v: final count %v, sum %v; want %v, %v", o, s.Count, s.Sum, workers*per, want)
		}
		h.Reset()
		if s := collectSeries(t, h)[0]; s.Count != 0 || s.Sum != 0 {
			t.Errorf("%+v: after Reset: count %v, sum %v", o, s.Count, s.Sum)
		}
	}
}

// TestNativeStripesUnderContention: goroutines on two cores observing at once give a native
// histogram its cells.
func TestNativeStripesUnderContention(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2 for goroutines to run at once")
	}
	h := nativeHist(t, Opts{NativeFactor: 1.1})
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Minute) // striping takes milliseconds of contention
	var done [2]uint64
	for w := range done {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h.nat.cells.Load() == nil && time.Now().Before(deadline) {
				for range 1000 {
					h.Observe(1)
				}
				done[w] += 1000
			}
		}()
	}
	wg.Wait()
	if h.nat.cells.Load() == nil {
		t.Fatal("native histogram not striped after a minute of observations from two goroutines")
	}
	s := collectSeries(t, h)[0]
	checkSnapshot(t, &s, 0)
	if want := done[0] + done[1]; s.Count != float64(want) || s.Sum != float64(want) {
		t.Errorf("count %v, sum %v, want %v", s.Count, s.Sum, want)
	}
}

func TestNativeStripedAllocs(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.1, Buckets: []float64{0.1, 1}})
	h.nat.stripe()
	for i := range 1000 {
		h.Observe(float64(i%100) / 10) // populate the buckets of every cell
		h.Observe(-2)
	}
	if a := testing.AllocsPerRun(1000, func() { h.Observe(1.5); h.Observe(-2); h.Observe(0) }); a != 0 {
		t.Errorf("striped native Observe: %v allocations", a)
	}
}

// TestCollidedRateLimit: a collision draws a new seed, unless one was drawn within
// reseedInterval.
func TestCollidedRateLimit(t *testing.T) {
	before := stripeCfg.seed.Load()
	stripeCfg.drawn.Store(mono() + int64(time.Hour)) // as if drawn just now
	collided()
	if stripeCfg.seed.Load() != before {
		t.Error("a collision within reseedInterval of the last draw drew another seed")
	}
	stripeCfg.drawn.Store(mono() - 2*reseedInterval)
	collided()
	if stripeCfg.seed.Load() == before {
		t.Error("a collision did not draw a new seed") // 1 chance in 2^64
	}
}
