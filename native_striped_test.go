package prom

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/stripe"
)

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
		h.nat.Stripe()
		if got := h.nat.Cells(); got != stripe.Cells() {
			t.Fatalf("%d cells after Stripe, want %d", got, stripe.Cells())
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
			for h.nat.Cells() == 1 && time.Now().Before(deadline) {
				for range 1000 {
					h.Observe(1)
				}
				done[w] += 1000
			}
		}()
	}
	wg.Wait()
	if h.nat.Cells() == 1 {
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
	h.nat.Stripe()
	for i := range 1000 {
		h.Observe(float64(i%100) / 10) // populate the buckets of every cell
		h.Observe(-2)
	}
	if a := testing.AllocsPerRun(1000, func() { h.Observe(1.5); h.Observe(-2); h.Observe(0) }); a != 0 {
		t.Errorf("striped native Observe: %v allocations", a)
	}
}
