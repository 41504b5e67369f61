package prom

import (
	"math"
	"testing"
	"time"
)

func TestNowNanosFollowsWallClock(t *testing.T) {
	for range 1000 {
		before := time.Now().UnixNano()
		got := nowNanos()
		after := time.Now().UnixNano()
		// The offset is read at a refresh: the two clocks drift apart by far less than a
		// millisecond in clockRefresh.
		if got < before-int64(time.Millisecond) || got > after+int64(time.Millisecond) {
			t.Fatalf("nowNanos() = %d, time.Now() %d..%d", got, before, after)
		}
	}
}

// TestNowNanosCatchesUpWithAStep: an offset made wrong, as a step of the wall clock makes it,
// is right again after the next refresh.
func TestNowNanosCatchesUpWithAStep(t *testing.T) {
	defer refreshClock()
	clock.refresh.Store(math.MaxInt64) // no refresh until the test asks for one
	clock.offset.Add(int64(time.Hour))
	if d := nowNanos() - time.Now().UnixNano(); d < int64(50*time.Minute) {
		t.Fatalf("before the refresh nowNanos is %v from time.Now; the test's step did not take", time.Duration(d))
	}
	clock.refresh.Store(0) // as if clockRefresh had passed
	// Bracketed by time.Now, so that a pause of the test between the calls cannot fail it.
	before := time.Now().UnixNano()
	got := nowNanos()
	after := time.Now().UnixNano()
	if got < before-int64(time.Millisecond) || got > after+int64(time.Millisecond) {
		t.Fatalf("after the refresh nowNanos() = %d, time.Now() %d..%d", got, before, after)
	}
	if r, m := clock.refresh.Load(), mono(); r <= m || r > m+clockRefresh {
		t.Fatalf("next refresh at %d, now %d: want within clockRefresh ahead", r, m)
	}
}

func BenchmarkNowNanos(b *testing.B) {
	var s int64
	for b.Loop() {
		s += nowNanos()
	}
	_ = s
}

// BenchmarkTimeNow is what nowNanos saves on: compare with BenchmarkNowNanos.
func BenchmarkTimeNow(b *testing.B) {
	var s int64
	for b.Loop() {
		s += time.Now().UnixNano()
	}
	_ = s
}
