package prom

import (
	"sync/atomic"
	"time"
)

// The clock of created timestamps and rate limits. time.Now reads two clocks, the wall clock
// and the monotonic one; nowNanos reads the monotonic clock alone and adds the wall clock's
// offset from it, read again at most every clockRefresh, for half the cost (BenchmarkNowNanos
// against BenchmarkTimeNow). A child's creation time is the one clock read on its creation
// path.
//
// A step of the wall clock (a settime, an NTP step) reaches nowNanos within clockRefresh; until
// then it returns times that differ from time.Now by the step. Slewing needs no refresh: the
// monotonic clock is slewed with the wall clock.

// clockRefresh is the longest time nowNanos goes without reading the wall clock.
const clockRefresh = int64(100 * time.Millisecond)

// clockBase is a reading with its monotonic part, the origin of mono(). It is a variable
// initialiser, not an init function, so that Go initialises it before any other package-level
// variable whose initialiser calls nowNanos.
var clockBase = time.Now()

// clock holds the offset between the clocks; its zero value refreshes on the first call.
var clock struct {
	offset  atomic.Int64 // wall clock in Unix nanoseconds minus mono(), at the last refresh
	refresh atomic.Int64 // mono() at which the offset is read again
}

// mono returns the monotonic time since clockBase, in nanoseconds: one clock read.
func mono() int64 { return int64(time.Since(clockBase)) }

// nowNanos returns the wall-clock time in Unix nanoseconds, as time.Now().UnixNano() does, at
// half its cost.
func nowNanos() int64 {
	m := mono()
	if m >= clock.refresh.Load() {
		return refreshClock()
	}
	return m + clock.offset.Load()
}

// refreshClock reads both clocks, records the offset between them and returns the wall-clock
// time. Goroutines refreshing at once each store an offset they read, all of them right.
func refreshClock() int64 {
	t := time.Now()
	m := int64(t.Sub(clockBase)) // monotonic: both readings have a monotonic part
	clock.offset.Store(t.UnixNano() - m)
	clock.refresh.Store(m + clockRefresh)
	return t.UnixNano()
}
