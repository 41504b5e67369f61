package bucket

import (
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"
)

// Check validates classic bucket upper bounds and returns a private copy without the implicit
// +Inf: bounds must be strictly increasing and not NaN; a trailing +Inf is accepted and
// dropped. Its errors name the offending bound and the rule; callers prefix the metric.
func Check(b []float64) ([]float64, error) {
	if n := len(b); n > 0 && math.IsInf(b[n-1], +1) {
		b = b[:n-1]
	}
	for i, v := range b {
		switch {
		case math.IsNaN(v):
			return nil, fmt.Errorf("bucket %d is NaN; upper bounds must be numbers", i)
		case math.IsInf(v, +1):
			return nil, fmt.Errorf("bucket %d is +Inf before the last; +Inf may only come last (it is implicit)", i)
		case i > 0 && !(v > b[i-1]):
			return nil, fmt.Errorf("bucket %d (%v) is not greater than bucket %d (%v); upper bounds must be strictly increasing", i, v, i-1, b[i-1])
		}
	}
	return append([]float64(nil), b...), nil
}

// linear is the number of bounds up to which Search searches linearly.
const linear = 8

// Search returns the bucket of v among upper: the first bound at least v, or len(upper) for
// +Inf and NaN. It is a linear search up to 8 bounds, else a binary one; Index.Find is faster
// where it applies.
func Search(upper []float64, v float64) int {
	if len(upper) <= linear {
		for i, b := range upper {
			if v <= b {
				return i
			}
		}
		return len(upper)
	}
	lo, hi := 0, len(upper) // the answer is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v <= upper[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo // NaN compares false everywhere and ends at len(upper)
}

// Index finds the classic bucket of a value without a data-dependent branch, which matters
// because latencies land in unpredictable buckets and a linear or binary search then
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
type Index struct {
	tab   []uint8 // nil: bounds the table cannot serve; use Search; else indexes of bounds
	lo    int64   // key of the first bound
	shift uint8
}

// maxCells bounds the table: bounds too dense or too spread for it are searched.
const maxCells = 512

// New returns the index of upper, or one with a nil table (Ok false) when the bounds are not
// all positive and finite, more than 255, or too dense for maxCells cells.
func New(upper []float64) Index {
	if len(upper) == 0 || len(upper) > 255 || !(upper[0] > 0) || math.IsInf(upper[len(upper)-1], 0) {
		return Index{}
	}
	bits := make([]int64, len(upper))
	for i, u := range upper {
		bits[i] = int64(math.Float64bits(u))
	}
	for shift := uint8(52); shift >= 52-12; shift-- {
		key := func(i int) int64 { return bits[i] >> shift }
		lo, hi := key(0), key(len(upper)-1)
		if hi-lo >= maxCells {
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
		return Index{tab: tab, lo: lo, shift: shift}
	}
	return Index{}
}

// Ok reports whether the index has a table: whether Find may be called.
func (x *Index) Ok() bool { return x.tab != nil }

// Find returns the bucket of v, which is not NaN, among upper, the bounds x was made for: the
// first bound at least v, or the number of bounds. The table must be set.
func (x *Index) Find(v float64, upper []float64) int {
	b := int64(math.Float64bits(v))
	c := min(max(b>>(x.shift&63)-x.lo, 0), int64(len(x.tab)-1))
	// c is within tab, and tab's entries within upper: no bounds checks (invariant 1).
	i := int(*(*uint8)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(x.tab)), c)))
	if v > *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(upper)), i*8)) {
		i++
	}
	return i
}

// Count returns &counts[i] without a bounds check, for i that Find or Search returned for the
// bounds counts has one word more than (invariant 2).
func Count(counts []atomic.Uint64, i int) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(counts)), i*8))
}
