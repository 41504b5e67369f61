package stripe

import (
	"math"
	"strconv"
	"sync/atomic"
)

// AddFloat adds v to the float64 stored as bits in a: a compare-and-swap loop.
func AddFloat(a *atomic.Uint64, v float64) {
	for {
		old := a.Load()
		if a.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// ValidIncrement reports whether a counter may add v: a finite v of at least 0. NaN and +Inf
// would stick, since no later increment changes them; a negative v would go down.
func ValidIncrement(v float64) bool { return v >= 0 && v <= math.MaxFloat64 }

// BadIncrement says why a counter refuses v, for which ValidIncrement is false: negative is
// true for a negative v (prom's ErrNegativeIncrement), false for NaN and +Inf
// (ErrNaNIncrement), and detail is the message that reports it.
func BadIncrement(v float64) (negative bool, detail string) {
	switch {
	case math.IsNaN(v):
		return false, "Add(NaN) ignored"
	case v > 0:
		return false, "Add(+Inf) ignored: the counter would stay +Inf for good"
	}
	return true, "Add(" + strconv.FormatFloat(v, 'g', -1, 64) + ") ignored: a counter only goes up"
}
