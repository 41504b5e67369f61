package prom

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/native"
)

func TestNativeSchema(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want int32
		err  bool
	}{
		{f: 1.1, want: 3}, {f: 2, want: 0}, {f: 4, want: -1}, {f: 1.01, want: 7}, {f: 1.0001, want: 8},
		{f: 65536, want: -4}, {f: 1e10, want: -4}, {f: 1.0905077326652577, want: 3}, {f: 1.09, want: 4},
		{f: 1, err: true}, {f: 0.5, err: true}, {f: math.NaN(), err: true}, {f: math.Inf(1), err: true},
	} {
		got, err := NativeSchema(tc.f)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("NativeSchema(%v) = %d, %v; want %d, error %v", tc.f, got, err, tc.want, tc.err)
		}
	}
}

func TestNewNativeHistogram(t *testing.T) {
	h, err := NewNativeHistogram(3, 0.001, 4, map[int32]uint64{-2: 1, 0: 3, 1: 2, 3: 5, 10: 1, 11: 0}, map[int32]uint64{5: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := NativeHistogram{Schema: 3, ZeroThreshold: 0.001, ZeroCount: 4,
		PositiveSpans:  []BucketSpan{{-2, 6}, {6, 1}},
		PositiveDeltas: []int64{1, -1, 3, -1, -2, 5, -4},
		NegativeSpans:  []BucketSpan{{5, 1}}, NegativeDeltas: []int64{7}}
	if !equalNative(h, &want) {
		t.Errorf("got %+v\nwant %+v", *h, want)
	}
	if c := h.Count(); c != 4+1+3+2+5+1+7 {
		t.Errorf("Count() = %v", c)
	}
	for _, bad := range []func() error{
		func() error { _, err := NewNativeHistogram(9, 0, 0, nil, nil); return err },
		func() error { _, err := NewNativeHistogram(-5, 0, 0, nil, nil); return err },
		func() error { _, err := NewNativeHistogram(0, -1, 0, nil, nil); return err },
		func() error { _, err := NewNativeHistogram(0, math.NaN(), 0, nil, nil); return err },
	} {
		if bad() == nil {
			t.Error("want an error")
		}
	}
}

func TestNativeObserve(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.1, Buckets: []float64{0, 1}})
	vals := []float64{0, 1e-40, -1e-40, 1, 2, 3, -1, -0.5, 100, math.Inf(1), math.Inf(-1), 1.5}
	for _, v := range vals {
		h.Observe(v)
	}
	h.Observe(math.NaN()) // dropped, reported
	s := collectSeries(t, h)[0]
	n := s.Native
	if n.Schema != 3 || n.ZeroThreshold != DefNativeZeroThreshold || n.ZeroCount != 3 {
		t.Errorf("schema %d, zero threshold %v, zero count %d; want 3, 2^-128, 3", n.Schema, n.ZeroThreshold, n.ZeroCount)
	}
	last := native.Key(math.MaxFloat64, 3)
	wantPos := map[int32]uint64{0: 1, 8: 1, 13: 1, 54: 1, last: 1, 5: 1}
	wantNeg := map[int32]uint64{0: 1, -8: 1, last: 1}
	if got := decodeNative(n.PositiveSpans, n.PositiveDeltas); !equalMaps(got, wantPos) {
		t.Errorf("positive buckets %v; want %v", got, wantPos)
	}
	if got := decodeNative(n.NegativeSpans, n.NegativeDeltas); !equalMaps(got, wantNeg) {
		t.Errorf("negative buckets %v; want %v", got, wantNeg)
	}
	if s.Count != float64(len(vals)) || !math.IsNaN(s.Sum) {
		t.Errorf("count %v sum %v; want %v, NaN (+Inf and -Inf)", s.Count, s.Sum, len(vals))
	}
	wantClassic := []uint64{5, 7, 12} // le=0: 0, -1e-40, -1, -0.5, -Inf; le=1: 1e-40, 1
	for i, b := range s.Buckets {
		if b.Count != float64(wantClassic[i]) {
			t.Errorf("classic bucket %v: %v; want %v", b.UpperBound, b.Count, wantClassic[i])
		}
	}
}

func TestNativeOnlyAndZeroThresholds(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 2, NativeZeroThreshold: -1})
	h.Observe(0)
	h.Observe(1e-300)
	s := collectSeries(t, h)[0]
	if len(s.Buckets) != 1 || s.Buckets[0].Count != 2 || s.Native.ZeroCount != 1 || s.Native.ZeroThreshold != 0 {
		t.Errorf("native only, exact zeros: buckets %+v, native %+v", s.Buckets, *s.Native)
	}
	h = nativeHist(t, Opts{NativeFactor: 2, NativeZeroThreshold: 0.5})
	h.Observe(0.5)
	h.Observe(-0.25)
	h.Observe(0.6)
	if n := collectSeries(t, h)[0].Native; n.ZeroCount != 2 || n.ZeroThreshold != 0.5 {
		t.Errorf("zero threshold 0.5: %+v", *n)
	}
}

func TestNativeOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Opts
		want string
	}{
		{Opts{NativeFactor: 1}, "NativeFactor"},
		{Opts{NativeFactor: 1.1, NativeMaxBuckets: -1}, "NativeMaxBuckets"},
		{Opts{NativeFactor: 1.1, NativeZeroThreshold: math.Inf(1)}, "NativeZeroThreshold"},
		{Opts{NativeFactor: 1.1, NativeMaxZeroThreshold: -1}, "NativeMaxZeroThreshold"},
		{Opts{NativeFactor: 1.1, NativeMinResetDuration: -1}, "NativeMinResetDuration"},
	} {
		tc.o.Unregistered = true
		if _, err := NewHistogram("h", "h", tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v; want one naming %s", tc.o, err, tc.want)
		}
	}
	for _, o := range []Opts{{NativeFactor: 1.1}, {NativeMaxBuckets: 3}, {ExemplarMinInterval: 1}} {
		o.Unregistered = true
		if _, err := NewGauge("g", "g", o); err == nil {
			t.Errorf("gauge with %+v: no error", o)
		}
	}
	if _, err := NewCounter("c", "c", Opts{Unregistered: true, ExemplarMinInterval: time.Second}); err != nil {
		t.Errorf("counter with ExemplarMinInterval: %v", err)
	}
}

// TestNativeRaceHammer observes from several goroutines, values that force spills, zero bucket
// widening and resolution halving, while collections run; every snapshot must be consistent
// and the last one must hold every observation.
func TestNativeRaceHammer(t *testing.T) {
	for _, o := range []Opts{
		{NativeFactor: 1.01, Buckets: []float64{-1, 0, 1, 10}, NativeMaxBuckets: 40},
		{NativeFactor: 1.1, NativeMaxBuckets: 20, NativeMaxZeroThreshold: 1e-3},
		{NativeFactor: 1.1},
	} {
		h := nativeHist(t, o)
		stopScraping := scrapeWhileObserving(t, h, o.NativeMaxBuckets)
		const workers, per = 4, 20000
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range per {
					v := math.Exp2(rnd.Float64()*60 - 30)
					if i%3 == 0 {
						v = -v
					}
					if i%97 == 0 {
						v = 0
					}
					h.Observe(v)
				}
			}()
		}
		wg.Wait()
		scrapes := stopScraping()
		s := collectSeries(t, h)[0]
		checkSnapshot(t, &s, o.NativeMaxBuckets)
		if s.Count != workers*per {
			t.Errorf("%+v: final count %v; want %v", o, s.Count, workers*per)
		}
		t.Logf("%+v: %d scrapes, final schema %d, zero threshold %v", o, scrapes, s.Native.Schema, s.Native.ZeroThreshold)
	}
}

func TestNativeLimitStrategies(t *testing.T) {
	// Widening the zero bucket first, within its maximum.
	h := nativeHist(t, Opts{NativeFactor: 1.1, NativeMaxBuckets: 4, NativeMaxZeroThreshold: 0.01})
	for _, v := range []float64{0.001, 0.002, 1, 2, 3} {
		h.Observe(v)
	}
	s := collectSeries(t, h)[0]
	if n := s.Native; n.Schema != 3 || n.ZeroCount != 1 || n.ZeroThreshold != native.Upper(3, native.Key(0.001, 3)) {
		t.Errorf("widening: %+v", *n)
	}
	// Then halving the resolution.
	h = nativeHist(t, Opts{NativeFactor: 1.1, NativeMaxBuckets: 3})
	for _, v := range []float64{1, 1.1, 1.2, 1.3, 1.4, 1.5} {
		h.Observe(v)
	}
	s = collectSeries(t, h)[0]
	checkSnapshot(t, &s, 3)
	if s.Native.Schema >= 3 || s.Count != 6 {
		t.Errorf("halving: schema %v count %v", s.Native.Schema, s.Count)
	}
	// Or a reset once the minimum duration has passed.
	h = nativeHist(t, Opts{NativeFactor: 1.1, NativeMaxBuckets: 2, NativeMinResetDuration: time.Nanosecond})
	before := h.Created()
	for _, v := range []float64{1, 2, 3} {
		h.Observe(v)
	}
	s = collectSeries(t, h)[0]
	if s.Count != 0 || s.Native.Schema != 3 || !h.Created().After(before) {
		t.Errorf("reset: count %v schema %v created %v (before %v)", s.Count, s.Native.Schema, h.Created(), before)
	}
}

func TestNativeReset(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.1, Buckets: []float64{1}})
	h.Observe(0.5)
	h.Observe(2)
	h.Reset()
	h.Observe(3)
	s := collectSeries(t, h)[0]
	if s.Count != 1 || s.Sum != 3 || s.Buckets[0].Count != 0 {
		t.Errorf("after Reset: %+v", s)
	}
}

func TestNativeObserveAllocs(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.1, Buckets: []float64{0.1, 1}})
	for i := range 100 {
		h.Observe(float64(i) / 10) // populate the buckets
	}
	if a := testing.AllocsPerRun(1000, func() { h.Observe(1.5); h.Observe(-2); h.Observe(0) }); a != 0 {
		t.Errorf("native Observe: %v allocations", a)
	}
}

func BenchmarkNativeObserve(b *testing.B) {
	for _, bc := range []struct {
		name string
		o    Opts
	}{
		{"classic", Opts{Buckets: DefBuckets}},
		{"native", Opts{NativeFactor: 1.1}},
		{"native+classic", Opts{NativeFactor: 1.1, Buckets: DefBuckets}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := nativeHist(b, bc.o)
			vals := make([]float64, 1024)
			rnd := rand.New(rand.NewPCG(1, 1))
			for i := range vals {
				vals[i] = rnd.ExpFloat64() * 0.1
			}
			for _, v := range vals {
				h.Observe(v)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				h.Observe(vals[i&1023])
			}
		})
	}
}

func BenchmarkNativeObserveParallel(b *testing.B) {
	h := nativeHist(b, Opts{NativeFactor: 1.1})
	b.RunParallel(func(pb *testing.PB) {
		v := 0.001
		for pb.Next() {
			h.Observe(v)
			v *= 1.01
			if v > 10 {
				v = 0.001
			}
		}
	})
}
