package stripe

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// TestCounterUncontendedStaysPlain: a counter used by one goroutine never allocates cells.
func TestCounterUncontendedStaysPlain(t *testing.T) {
	c := new(Counter)
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
	c := new(Counter)
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
		"plain":   new(Counter),
		"striped": striped(new(Counter)),
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
						addFloat(c, 0.5)
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
	c := new(Counter)
	addFloat(c, 0.5)
	e := &ex{}
	Extra[ex](c).Ex.Store(e)
	c.stripe()
	if c.stripes() == nil {
		t.Fatal("stripe() left the counter unstriped")
	}
	c.Inc()
	if got := c.Value(); got != 1.5 {
		t.Errorf("Value() = %v after striping, want 1.5", got)
	}
	if got := Latest[ex](c); got != e {
		t.Errorf("Latest() = %p after striping, want %p", got, e)
	}

	for range 200 {
		c := new(Counter)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if g == 0 {
					c.stripe()
				}
				addFloat(c, 0.25)
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

// addFloat adds a fraction as prom's Counter.Add does.
func addFloat(c *Counter, v float64) { AddFloat(&Extra[ex](c).Bits, v) }

// ex stands for the exemplar type of prom.
type ex struct{ v float64 }

// striped switches c to striped cells, as contention would, the mark in place.
func striped(c *Counter) *Counter { c.ForceStripes(); return c }

// TestCounterIncMark: invariant 5, Inc leaves the uncontended word alone once the counter is
// striped, after at most 65,535 late increments, and every increment counts.
func TestCounterIncMark(t *testing.T) {
	c := new(Counter)
	c.Add(1000) // any starting point
	c.stripe()
	for range 70000 {
		c.Inc()
	}
	// 0xfffc, not slowFrom: the zone is in the low 16 bits, entered once in 65,536 increments
	// (it was the low byte, and Inc left its inlined path 4 times in 256).
	if got := atomic.LoadUint64(&c.n); uint16(got) < 0xfffc || got > 1000+65535 {
		t.Errorf("uncontended word = %d after striping, want it parked at the mark within 65,535 increments", got)
	}
	if got := c.Value(); got != 71000 {
		t.Errorf("Value() = %v, want 71000", got)
	}
	s := new(Counter)
	s.Add(77)
	striped(s)
	for range 1000 {
		s.Inc()
	}
	if got := atomic.LoadUint64(&s.n); got != slowFrom {
		t.Errorf("striped counter's word moved to %d", got)
	}
	if got := s.Value(); got != 1077 {
		t.Errorf("striped Value() = %v, want 1077", got)
	}
}

// TestCounterAligned: invariant 4, a Counter is 8-byte aligned wherever it is embedded, even
// after a 4-byte field on a 32-bit platform; and it is 16 bytes on 64-bit ones.
func TestCounterAligned(t *testing.T) {
	var s struct {
		a uint32
		c Counter
	}
	if off := unsafe.Offsetof(s.c); off%8 != 0 {
		t.Errorf("Counter at offset %d", off)
	}
	if unsafe.Sizeof(uintptr(0)) == 8 && unsafe.Sizeof(Counter{}) != 16 {
		t.Errorf("Counter is %d bytes, want 16", unsafe.Sizeof(Counter{}))
	}
}

// TestCounterAllocs: the update paths allocate nothing in either mode, but the first
// fractional add (the rarely used part).
func TestCounterAllocs(t *testing.T) {
	plain, str := new(Counter), striped(new(Counter))
	addFloat(plain, 0.5)
	addFloat(str, 0.5)
	for name, f := range map[string]func(){
		"plain Inc":        plain.Inc,
		"plain Add":        func() { plain.Add(7) },
		"plain AddFloat":   func() { addFloat(plain, 0.5) },
		"striped Inc":      str.Inc,
		"striped Add":      func() { str.Add(7) },
		"striped AddFloat": func() { addFloat(str, 0.5) },
		"striped Value":    func() { _ = str.Value() },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

// TestBadIncrement: the rules and messages a counter refuses an increment by.
func TestBadIncrement(t *testing.T) {
	for _, tc := range []struct {
		v        float64
		negative bool
		detail   string
	}{
		{-1, true, "Add(-1) ignored: a counter only goes up"},
		{-1e21, true, "Add(-1e+21) ignored: a counter only goes up"},
		{math.Inf(-1), true, "Add(-Inf) ignored: a counter only goes up"},
		{math.NaN(), false, "Add(NaN) ignored"},
		{math.Inf(1), false, "Add(+Inf) ignored: the counter would stay +Inf for good"},
	} {
		if ValidIncrement(tc.v) {
			t.Errorf("ValidIncrement(%v) = true", tc.v)
		}
		neg, d := BadIncrement(tc.v)
		if neg != tc.negative || d != tc.detail {
			t.Errorf("BadIncrement(%v) = %v, %q; want %v, %q", tc.v, neg, d, tc.negative, tc.detail)
		}
	}
	for _, v := range []float64{0, 0.5, 1, math.MaxFloat64} {
		if !ValidIncrement(v) {
			t.Errorf("ValidIncrement(%v) = false", v)
		}
	}
}

// BenchmarkCounterInc is the uncontended Inc, inlined: an atomic add and a load.
func BenchmarkCounterInc(b *testing.B) {
	c := new(Counter)
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkCounterIncStriped is the cost of Inc on a counter in striped mode, one goroutine.
func BenchmarkCounterIncStriped(b *testing.B) {
	c := striped(new(Counter))
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkCounterIncShared is Inc from every P on one counter, which stripes it.
func BenchmarkCounterIncShared(b *testing.B) {
	c := new(Counter)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}
