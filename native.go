package prom

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Native (exponential bucket) histograms, as the Prometheus native histograms specification
// defines them: at schema s, bucket i holds the observations v with base^(i-1) < |v| ≤ base^i,
// where base = 2^(2^-s); positive and negative observations have separate buckets, and
// observations with |v| at most the zero threshold count in the zero bucket.

const (
	// MinNativeSchema and MaxNativeSchema are the schemas of exponential native histograms:
	// −4 (each bucket 65536 times wider than the previous) to 8 (1.0027 times).
	MinNativeSchema = -4
	MaxNativeSchema = 8 // see MinNativeSchema

	// DefNativeMaxBuckets is the default Opts.NativeMaxBuckets: enough for latencies from a
	// microsecond to an hour at schema 3 (factor 1.09), small enough that a flood of distinct
	// values costs a few kilobytes per series.
	DefNativeMaxBuckets = 160
)

// DefNativeZeroThreshold is the default Opts.NativeZeroThreshold, 2^-128, as in the
// specification: small enough to matter to no measurement, large enough to keep denormal
// noise out of the buckets.
var DefNativeZeroThreshold = math.Ldexp(1, -128)

// nativeBounds[s][j] = 2^(j/2^s − 1) for schemas s > 0: the upper bounds, within one power of
// two and scaled to the [0.5, 1) range of math.Frexp's fraction, of the 2^s buckets of an
// octave.
var nativeBounds = func() (t [MaxNativeSchema + 1][]float64) {
	for s := 1; s <= MaxNativeSchema; s++ {
		n := 1 << s
		t[s] = make([]float64, n)
		for j := range n {
			t[s][j] = math.Exp2(float64(j)/float64(n) - 1)
		}
	}
	return t
}()

// NativeSchema returns the schema of bucket factor f: the coarsest schema whose factor
// 2^(2^-schema) does not exceed f, within [MinNativeSchema, MaxNativeSchema]. f must be
// greater than 1.
func NativeSchema(f float64) (int32, error) {
	if !(f > 1) || math.IsInf(f, 1) {
		return 0, fmt.Errorf("prom: native bucket factor %v must be a finite number greater than 1", f)
	}
	for s := int32(MinNativeSchema); s < MaxNativeSchema; s++ {
		if math.Exp2(math.Exp2(-float64(s))) <= f {
			return s, nil
		}
	}
	return MaxNativeSchema, nil
}

// nativeIndex finds the bucket within an octave, at schema s > 0, from the mantissa bits of a
// value without a data-dependent branch, as bucketIndex does for classic bounds. The top bits
// of the mantissa name a cell, and no cell holds two bucket bounds; tab[m] packs the first
// bucket j whose bound is at least the lowest value of cell m (above mantBits) and the
// mantissa of that bound (nativeBounds[s][j] is 2^-1 times 1.mantissa; all ones when j is
// 2^s, past the last bound). A value of the cell is in bucket j, or j+1 if its mantissa is
// greater: one load and one comparison.
type nativeIndex struct {
	shift uint8 // 52 − the mantissa bits that name a cell
	tab   []uint64
}

const mantBits = 52 // of a float64

// nativeIndexes holds the index of each schema above 0, in an array of 16 so that s&15 needs
// no bounds check.
var nativeIndexes = func() (t [16]nativeIndex) {
	for s := 1; s <= MaxNativeSchema; s++ {
		b := nativeBounds[s]
		mant := make([]uint64, len(b)+1)
		for j, x := range b {
			mant[j] = math.Float64bits(x) & (1<<mantBits - 1)
		}
		mant[len(b)] = 1<<mantBits - 1    // no mantissa is greater
		for cellBits := s; ; cellBits++ { // terminates: at 52 bits every mantissa is a cell
			shift := uint8(mantBits - cellBits)
			distinct := true
			for j := 1; j < len(b); j++ {
				distinct = distinct && mant[j]>>shift != mant[j-1]>>shift
			}
			if !distinct {
				continue
			}
			tab := make([]uint64, 1<<cellBits)
			j := 0
			for m := range tab {
				for j < len(b) && mant[j] < uint64(m)<<shift {
					j++
				}
				tab[m] = uint64(j)<<mantBits | mant[j]
			}
			t[s] = nativeIndex{shift: shift, tab: tab}
			break
		}
	}
	return t
}()

// nativeKeyBits is nativeKey for the bits of v > 0, not NaN, from the bits of v: a table load
// and a comparison instead of math.Frexp and a binary search. Small enough to be inlined, it
// leaves subnormals, +Inf and schemas of 0 and less to nativeKey: ok is false for them.
func nativeKeyBits(bits uint64, s int32) (key int32, ok bool) {
	e := int32(bits>>mantBits) & 0x7ff
	if uint32(e-1) >= 0x7fe || s <= 0 { // e is 0 (subnormal) or 0x7ff (+Inf)
		return 0, false
	}
	mant := bits & (1<<mantBits - 1)
	x := &nativeIndexes[s&15]
	c := x.tab[mant>>(x.shift&63)]
	j := int32(c >> mantBits)
	if mant > c&(1<<mantBits-1) {
		j++
	}
	return j + (e-1023)<<s, true // e−1022 is math.Frexp's exponent
}

// nativeKey returns the index of the bucket of v > 0 at schema s. +Inf counts in the bucket
// of math.MaxFloat64, the last one of the float64 range.
func nativeKey(v float64, s int32) int32 {
	if v > math.MaxFloat64 {
		v = math.MaxFloat64
	}
	frac, exp := math.Frexp(v)
	if s > 0 {
		t := nativeBounds[s]
		lo, hi := 0, len(t) // the first j with t[j] >= frac, or len(t)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if t[m] >= frac {
				hi = m
			} else {
				lo = m + 1
			}
		}
		return int32(lo) + int32(exp-1)<<s
	}
	if frac == 0.5 { // an exact power of two is the upper bound of its bucket
		exp--
	}
	k := uint(-s)
	return int32((exp + 1<<k - 1) >> k)
}

// nativeUpper returns the upper bound of bucket i at schema s, base^i.
func nativeUpper(s, i int32) float64 {
	if s > 0 {
		j := i & (1<<s - 1)
		return math.Ldexp(nativeBounds[s][j], int(i>>s)+1)
	}
	return math.Ldexp(1, int(i)<<uint(-s))
}

// reduceKey returns the index at schema s−d of bucket i at schema s: the coarser bucket that
// contains it, ceil(i / 2^d).
func reduceKey(i int32, d int32) int32 { return (i + 1<<d - 1) >> d }

// NewNativeHistogram builds the native histogram state of a series from bucket counts by
// index, for custom collectors that mirror a system keeping its own exponential histograms:
// positive[i] and negative[i] are the counts of the buckets with index i at the schema (an
// absent index or a zero count is an empty bucket). It checks the schema and threshold and
// encodes the buckets as spans and deltas. Set the Series' Count to the result's Count and its
// Sum to the sum of the observations.
func NewNativeHistogram(schema int32, zeroThreshold float64, zeroCount uint64, positive, negative map[int32]uint64) (*NativeHistogram, error) {
	if schema < MinNativeSchema || schema > MaxNativeSchema {
		return nil, fmt.Errorf("prom: native histogram schema %d is outside [%d, %d]", schema, MinNativeSchema, MaxNativeSchema)
	}
	if !(zeroThreshold >= 0) || math.IsInf(zeroThreshold, 1) {
		return nil, fmt.Errorf("prom: native histogram zero threshold %v must be a finite number, 0 or more", zeroThreshold)
	}
	h := &NativeHistogram{Schema: schema, ZeroThreshold: zeroThreshold, ZeroCount: zeroCount}
	h.PositiveSpans, h.PositiveDeltas = encodeBuckets(sortedBuckets(positive), nil, nil)
	h.NegativeSpans, h.NegativeDeltas = encodeBuckets(sortedBuckets(negative), nil, nil)
	return h, nil
}

// Count returns the number of observations in the buckets of h: its zero count plus the counts
// its deltas encode, or for a float histogram the sum of its float counts.
func (h *NativeHistogram) Count() float64 {
	if h.IsFloat() {
		n := h.ZeroCountFloat
		for _, cs := range [2][]float64{h.PositiveCounts, h.NegativeCounts} {
			for _, c := range cs {
				n += c
			}
		}
		return n
	}
	n := h.ZeroCount
	for _, d := range [2][]int64{h.PositiveDeltas, h.NegativeDeltas} {
		var c int64
		for _, x := range d {
			c += x
			n += uint64(c)
		}
	}
	return float64(n)
}

// nativeBucket is one populated bucket: its index and count.
type nativeBucket struct {
	key int32
	n   uint64
}

func sortedBuckets(m map[int32]uint64) []nativeBucket {
	b := make([]nativeBucket, 0, len(m))
	for k, n := range m {
		if n > 0 {
			b = append(b, nativeBucket{k, n})
		}
	}
	slices.SortFunc(b, func(x, y nativeBucket) int { return cmp.Compare(x.key, y.key) })
	return b
}

// encodeBuckets appends the spans and deltas of buckets sorted by index, none empty. Gaps of
// one or two empty buckets are filled with zero counts rather than opening a span, as the
// specification recommends: a span costs more bytes than two deltas.
func encodeBuckets(b []nativeBucket, spans []BucketSpan, deltas []int64) ([]BucketSpan, []int64) {
	var prev int64
	for i, x := range b {
		switch gap := int32(0); {
		case i == 0:
			spans = append(spans, BucketSpan{Offset: x.key, Length: 1})
		default:
			gap = x.key - b[i-1].key - 1
			if gap <= 2 {
				for range gap {
					deltas = append(deltas, -prev)
					prev = 0
				}
				spans[len(spans)-1].Length += uint32(gap) + 1
			} else {
				spans = append(spans, BucketSpan{Offset: gap, Length: 1})
			}
		}
		deltas = append(deltas, int64(x.n)-prev)
		prev = int64(x.n)
	}
	return spans, deltas
}
