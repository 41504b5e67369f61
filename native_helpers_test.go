package prom

import (
	"math"
	"testing"
)

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
