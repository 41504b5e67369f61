package prom

import (
	"fmt"
	"math"
	"unsafe"
)

// DefBuckets are the upper bounds a histogram uses when Opts.Buckets is nil: 5 ms to 10 s, for
// latencies of network services measured in seconds. They are the defaults of the other
// Prometheus clients, so dashboards and alerts carry over.
var DefBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// LinearBuckets returns count upper bounds starting at start, each width above the previous:
// start, start+width, …, start+(count-1)*width. It returns an error when count < 1 or width is
// not positive, or when a bound would not be finite. Wrap it in Must for package-level
// variables:
//
//	prom.Opts{Buckets: prom.Must(prom.LinearBuckets(0, 10, 10))}
func LinearBuckets(start, width float64, count int) ([]float64, error) {
	if count < 1 {
		return nil, fmt.Errorf("prom: LinearBuckets: count %d: need at least 1 bucket", count)
	}
	if !(width > 0) || math.IsInf(width, 0) || math.IsNaN(start) || math.IsInf(start, 0) {
		return nil, fmt.Errorf("prom: LinearBuckets: start %v, width %v: start must be finite and width finite and greater than 0", start, width)
	}
	b := make([]float64, count)
	for i := range b {
		b[i] = start + float64(i)*width
	}
	if math.IsInf(b[count-1], 0) {
		return nil, fmt.Errorf("prom: LinearBuckets: start %v, width %v, count %d: the last bound overflows float64", start, width, count)
	}
	return b, nil
}

// ExponentialBuckets returns count upper bounds starting at start, each factor times the
// previous: start, start*factor, …, start*factor^(count-1). It returns an error when count < 1,
// start is not positive, factor is not greater than 1, or a bound would not be finite.
//
//	prom.Opts{Buckets: prom.Must(prom.ExponentialBuckets(0.005, 2, 12))} // 5 ms … 10.24 s
func ExponentialBuckets(start, factor float64, count int) ([]float64, error) {
	if count < 1 {
		return nil, fmt.Errorf("prom: ExponentialBuckets: count %d: need at least 1 bucket", count)
	}
	if !(start > 0) || math.IsInf(start, 0) {
		return nil, fmt.Errorf("prom: ExponentialBuckets: start %v: must be finite and greater than 0", start)
	}
	if !(factor > 1) || math.IsInf(factor, 0) {
		return nil, fmt.Errorf("prom: ExponentialBuckets: factor %v: must be finite and greater than 1", factor)
	}
	b := make([]float64, count)
	v := start
	for i := range b {
		b[i] = v
		v *= factor
	}
	if math.IsInf(b[count-1], 0) {
		return nil, fmt.Errorf("prom: ExponentialBuckets: start %v, factor %v, count %d: the last bound overflows float64", start, factor, count)
	}
	return b, nil
}

// ExponentialBucketsRange returns count exponentially growing upper bounds from min to max,
// both included: the factor between neighbours is (max/min)^(1/(count-1)). It returns an error
// when count < 2, min is not positive, or max is not finite and greater than min. Use it when
// the range is known and the factor is not.
func ExponentialBucketsRange(min, max float64, count int) ([]float64, error) {
	if count < 2 {
		return nil, fmt.Errorf("prom: ExponentialBucketsRange: count %d: need at least 2 buckets to span a range", count)
	}
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		return nil, fmt.Errorf("prom: ExponentialBucketsRange: min %v, max %v: need 0 < min < max < +Inf", min, max)
	}
	factor := math.Pow(max/min, 1/float64(count-1))
	b := make([]float64, count)
	for i := range b {
		b[i] = min * math.Pow(factor, float64(i))
	}
	b[count-1] = max // exact, whatever the rounding of Pow
	return b, nil
}

// checkBuckets validates the classic bucket bounds of histogram name and returns a private copy
// without the implicit +Inf: nil means DefBuckets; bounds must be strictly increasing and not
// NaN; a trailing +Inf is accepted and dropped.
func checkBuckets(name string, b []float64) ([]float64, error) {
	if b == nil {
		b = DefBuckets
	}
	if n := len(b); n > 0 && math.IsInf(b[n-1], +1) {
		b = b[:n-1]
	}
	for i, v := range b {
		switch {
		case math.IsNaN(v):
			return nil, fmt.Errorf("prom: histogram %q: bucket %d is NaN; upper bounds must be numbers", name, i)
		case math.IsInf(v, +1):
			return nil, fmt.Errorf("prom: histogram %q: bucket %d is +Inf before the last; +Inf may only come last (it is implicit)", name, i)
		case i > 0 && !(v > b[i-1]):
			return nil, fmt.Errorf("prom: histogram %q: bucket %d (%v) is not greater than bucket %d (%v); upper bounds must be strictly increasing", name, i, v, i-1, b[i-1])
		}
	}
	return append([]float64(nil), b...), nil
}

// bucketIndex finds the classic bucket of a value without a data-dependent branch, which
// matters because latencies land in unpredictable buckets and a linear or binary search then
// mispredicts about once per observation (some 15 cycles, more than the atomic adds).
//
// For positive bounds, the bits of a float64 read as an integer order like the floats, so the
// bits shifted right by shift (the exponent and the top mantissa bits) name a cell of the
// value range. shift is chosen so that no cell holds two bounds; tab[c] is the first bound of
// cell lo+c or above, and the value's bucket is that bound's or, when the value exceeds it,
// the next. Values below the first cell (zero, negatives) clamp to cell 0, those above the last
// to the last cell, and the comparison then does the rest: one table load, one bound load and
// one compare, whatever the bounds. The bounds are the histogram's own upper bounds, which the
// index does not copy.
type bucketIndex struct {
	tab   []uint8 // nil: bounds the table cannot serve; Observe searches; else indexes of bounds
	lo    int64   // key of the first bound
	shift uint8
}

// maxIndexCells bounds the table: bounds too dense or too spread for it are searched.
const maxIndexCells = 512

// newBucketIndex returns the index of upper, or one with a nil table when the bounds are not
// all positive and finite, more than 255, or too dense for maxIndexCells cells.
func newBucketIndex(upper []float64) bucketIndex {
	if len(upper) == 0 || len(upper) > 255 || !(upper[0] > 0) || math.IsInf(upper[len(upper)-1], 0) {
		return bucketIndex{}
	}
	bits := make([]int64, len(upper))
	for i, u := range upper {
		bits[i] = int64(math.Float64bits(u))
	}
	for shift := uint8(52); shift >= 52-12; shift-- {
		key := func(i int) int64 { return bits[i] >> shift }
		lo, hi := key(0), key(len(upper)-1)
		if hi-lo >= maxIndexCells {
			break // finer cells only make more of them
		}
		distinct := true
		for i := 1; i < len(upper); i++ {
			distinct = distinct && key(i) != key(i-1)
		}
		if !distinct {
			continue
		}
		tab := make([]uint8, hi-lo+1)
		j := 0
		for c := range tab {
			for key(j) < lo+int64(c) {
				j++
			}
			tab[c] = uint8(j)
		}
		return bucketIndex{tab: tab, lo: lo, shift: shift}
	}
	return bucketIndex{}
}

// find returns the bucket of v, which is not NaN, among upper, the bounds x was made for: the
// first bound at least v, or the number of bounds. The table must be set.
func (x *bucketIndex) find(v float64, upper []float64) int {
	b := int64(math.Float64bits(v))
	c := min(max(b>>(x.shift&63)-x.lo, 0), int64(len(x.tab)-1))
	// c is within tab, and tab's entries within upper: no bounds checks.
	i := int(*(*uint8)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(x.tab)), c)))
	if v > *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(upper)), i*8)) {
		i++
	}
	return i
}
