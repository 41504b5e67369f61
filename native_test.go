package prom

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestNativeKey checks the bucket of each value against its definition: bucket i holds
// base^(i-1) < v <= base^i.
func TestNativeKey(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	// Normal numbers only: below 2^-1022 the bounds themselves are not representable (the
	// default zero threshold, 2^-128, keeps such values out of the buckets anyway).
	values := []float64{1, 2, 0.5, 3, 1e-300, 0x1p-1022, 1e300, math.MaxFloat64, 0.001, 1.0905077326652577}
	for range 2000 {
		values = append(values, math.Exp2(rnd.Float64()*200-100))
	}
	for s := int32(MinNativeSchema); s <= MaxNativeSchema; s++ {
		for _, v := range values {
			k := nativeKey(v, s)
			if up := nativeUpper(s, k); !(v <= up) {
				t.Fatalf("schema %d: value %v in bucket %d whose upper bound is %v", s, v, k, up)
			}
			if lo := nativeUpper(s, k-1); !(lo < v) {
				t.Fatalf("schema %d: value %v in bucket %d whose lower bound is %v", s, v, k, lo)
			}
		}
		if k, m := nativeKey(math.Inf(1), s), nativeKey(math.MaxFloat64, s); k != m {
			t.Errorf("schema %d: +Inf in bucket %d, MaxFloat64 in %d; want the same, last bucket", s, k, m)
		}
	}
	// Exact powers of the base are upper bounds of their buckets.
	for _, tc := range []struct {
		v    float64
		s, k int32
	}{{1, 3, 0}, {2, 3, 8}, {0.5, 3, -8}, {2, 0, 1}, {4, 0, 2}, {3, 0, 2}, {65536, -4, 1}, {65537, -4, 2}, {1, -4, 0}, {math.MaxFloat64, 8, 1024 << 8}, {math.MaxFloat64, -4, 64}} {
		if k := nativeKey(tc.v, tc.s); k != tc.k {
			t.Errorf("nativeKey(%v, %d) = %d; want %d", tc.v, tc.s, k, tc.k)
		}
	}
}

func TestReduceKey(t *testing.T) {
	for _, k := range []int32{-17, -9, -8, -7, -1, 0, 1, 2, 7, 8, 9, 100} {
		for d := int32(1); d <= 3; d++ {
			r := reduceKey(k, d)
			// The coarse bucket contains the fine one: same upper bound or wider on both ends.
			if nativeUpper(3-d, r) < nativeUpper(3, k) || nativeUpper(3-d, r-1) > nativeUpper(3, k-1) {
				t.Errorf("reduceKey(%d, %d) = %d does not contain the bucket", k, d, r)
			}
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

func equalNative(a, b *NativeHistogram) bool {
	eqS := func(x, y []BucketSpan) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	eqD := func(x, y []int64) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	return a.Schema == b.Schema && a.ZeroThreshold == b.ZeroThreshold && a.ZeroCount == b.ZeroCount &&
		eqS(a.PositiveSpans, b.PositiveSpans) && eqD(a.PositiveDeltas, b.PositiveDeltas) &&
		eqS(a.NegativeSpans, b.NegativeSpans) && eqD(a.NegativeDeltas, b.NegativeDeltas)
}

// decodeNative returns the bucket counts by index that spans and deltas encode.
func decodeNative(spans []BucketSpan, deltas []int64) map[int32]uint64 {
	m := map[int32]uint64{}
	var idx int32
	var c int64
	d := 0
	for i, sp := range spans {
		if i == 0 {
			idx = sp.Offset
		} else {
			idx += sp.Offset
		}
		for range sp.Length {
			c += deltas[d]
			d++
			if c != 0 {
				m[idx] = uint64(c)
			}
			idx++
		}
	}
	return m
}

func nativeHist(t testing.TB, o Opts) *Histogram {
	t.Helper()
	o.Unregistered = true
	return Must(NewHistogram("h", "h", o))
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
	last := nativeKey(math.MaxFloat64, 3)
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

func equalMaps(a, b map[int32]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
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

// checkSnapshot checks what Prometheus validates and more: the count is the zero count plus
// the native buckets, and the classic +Inf bucket; classic buckets are cumulative.
func checkSnapshot(t testing.TB, s *Series, maxBuckets int) {
	t.Helper()
	n := s.Native
	pos := decodeNative(n.PositiveSpans, n.PositiveDeltas)
	neg := decodeNative(n.NegativeSpans, n.NegativeDeltas)
	sum := n.ZeroCount
	for _, c := range pos {
		sum += c
	}
	for _, c := range neg {
		sum += c
	}
	if float64(sum) != s.Count || n.Count() != s.Count {
		t.Fatalf("count %v, native buckets hold %v", s.Count, sum)
	}
	if inf := s.Buckets[len(s.Buckets)-1]; inf.Count != s.Count || !math.IsInf(inf.UpperBound, 1) {
		t.Fatalf("count %v, +Inf bucket %+v", s.Count, inf)
	}
	for i := 1; i < len(s.Buckets); i++ {
		if s.Buckets[i].Count < s.Buckets[i-1].Count {
			t.Fatalf("classic buckets not cumulative: %+v", s.Buckets)
		}
	}
	if maxBuckets > 0 && len(pos)+len(neg) > maxBuckets && n.Schema > MinNativeSchema {
		t.Fatalf("%d buckets at schema %d; limit %d", len(pos)+len(neg), n.Schema, maxBuckets)
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

// scrapeWhileObserving collects h over and over from a goroutine until the returned stop is
// called, checking that every snapshot is consistent (see checkSnapshot) and that the count
// never goes back; stop returns the number of collections made.
func scrapeWhileObserving(t *testing.T, h *Histogram, maxBuckets int) (stop func() int) {
	r := NewRegistry()
	r.MustRegister(h)
	quit := make(chan struct{})
	done := make(chan struct{})
	var scrapes int
	go func() {
		defer close(done)
		var last float64
		for {
			var rec seriesRecorder
			if err := r.Collect(t.Context(), &rec); err != nil {
				t.Error(err)
				return
			}
			s := &rec.series[0]
			checkSnapshot(t, s, maxBuckets)
			if s.Count < last {
				t.Errorf("count went down: %v after %v", s.Count, last)
			}
			last = s.Count
			scrapes++
			select {
			case <-quit:
				return
			default:
			}
		}
	}()
	return func() int {
		close(quit)
		<-done
		return scrapes
	}
}

func TestNativeLimitStrategies(t *testing.T) {
	// Widening the zero bucket first, within its maximum.
	h := nativeHist(t, Opts{NativeFactor: 1.1, NativeMaxBuckets: 4, NativeMaxZeroThreshold: 0.01})
	for _, v := range []float64{0.001, 0.002, 1, 2, 3} {
		h.Observe(v)
	}
	s := collectSeries(t, h)[0]
	if n := s.Native; n.Schema != 3 || n.ZeroCount != 1 || n.ZeroThreshold != nativeUpper(3, nativeKey(0.001, 3)) {
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

// TestNativeFloodIsBounded observes a flood of distinct values over the whole float64 range:
// the histogram falls to a coarse schema and keeps every count.
func TestNativeFloodIsBounded(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.001})
	rnd := rand.New(rand.NewPCG(3, 4))
	const n = 200000
	for i := range n {
		v := math.Float64frombits(rnd.Uint64() &^ (1 << 63) % math.Float64bits(math.MaxFloat64))
		if i%2 == 0 {
			v = -v
		}
		h.Observe(v)
	}
	s := collectSeries(t, h)[0]
	checkSnapshot(t, &s, DefNativeMaxBuckets)
	if s.Count != n {
		t.Errorf("count %v; want %v", s.Count, n)
	}
	for i := range h.nat.one.bufs {
		if l := len(h.nat.one.bufs[i].tab); l > 1024 {
			t.Errorf("buffer table of %d slots", l)
		}
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

// TestNativeKeyBits checks the table lookup against the search it replaces, on every schema,
// on the bounds themselves and their neighbours, and on random values of the whole range.
func TestNativeKeyBits(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	values := []float64{1, 2, 0.5, 3, math.MaxFloat64, math.Inf(1), 0x1p-1022, math.SmallestNonzeroFloat64, 0x1p-1030, 1e-310}
	for s := 1; s <= MaxNativeSchema; s++ {
		for _, b := range nativeBounds[s] {
			for _, e := range []int{-1000, -3, 0, 1, 7, 1000} {
				u := math.Ldexp(b, e)
				values = append(values, u, math.Nextafter(u, 0), math.Nextafter(u, math.Inf(1)))
			}
		}
	}
	for range 20000 {
		values = append(values, math.Exp2(rnd.Float64()*2000-1000))
	}
	for s := int32(MinNativeSchema); s <= MaxNativeSchema; s++ {
		for _, v := range values {
			got, ok := nativeKeyBits(math.Float64bits(v), s)
			if wantOK := s > 0 && v >= 0x1p-1022 && v <= math.MaxFloat64; ok != wantOK {
				t.Fatalf("schema %d: nativeKeyBits(%v) ok = %v, want %v", s, v, ok, wantOK)
			}
			if want := nativeKey(v, s); ok && got != want {
				t.Fatalf("schema %d: nativeKeyBits(%v) = %d, nativeKey = %d", s, v, got, want)
			}
		}
	}
}
