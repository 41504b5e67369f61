package prom

import (
	"fmt"
	"math"

	"github.com/prom-go/prom/internal/native"
)

// Native (exponential bucket) histograms, as the Prometheus native histograms specification
// defines them (internal/native holds their math and the state of a series): at schema s, bucket i holds the observations v with base^(i-1) < |v| ≤ base^i,
// where base = 2^(2^-s); positive and negative observations have separate buckets, and
// observations with |v| at most the zero threshold count in the zero bucket.

const (
	// MinNativeSchema and MaxNativeSchema are the schemas of exponential native histograms:
	// −4 (each bucket 65536 times wider than the previous) to 8 (1.0027 times).
	MinNativeSchema = native.MinSchema
	MaxNativeSchema = native.MaxSchema // see MinNativeSchema

	// DefNativeMaxBuckets is the default Opts.NativeMaxBuckets: enough for latencies from a
	// microsecond to an hour at schema 3 (factor 1.09), small enough that a flood of distinct
	// values costs a few kilobytes per series.
	DefNativeMaxBuckets = 160
)

// DefNativeZeroThreshold is the default Opts.NativeZeroThreshold, 2^-128, as in the
// specification: small enough to matter to no measurement, large enough to keep denormal
// noise out of the buckets.
var DefNativeZeroThreshold = math.Ldexp(1, -128)

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
	var spans []native.Span
	spans, h.PositiveDeltas = native.Encode(native.Sorted(positive), nil, nil)
	h.PositiveSpans = appendSpans(nil, spans)
	spans, h.NegativeDeltas = native.Encode(native.Sorted(negative), nil, nil)
	h.NegativeSpans = appendSpans(nil, spans)
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

// nativeOpts checks the native options of histogram name and resolves their defaults; nil
// without native buckets.
func nativeOpts(name string, o *Opts) (*native.Config, error) {
	if o.NativeFactor == 0 {
		return nil, nil
	}
	s, err := NativeSchema(o.NativeFactor)
	if err != nil {
		return nil, fmt.Errorf("prom: histogram %q: NativeFactor: %w", name, err)
	}
	c := &native.Config{Schema: s, ZT: o.NativeZeroThreshold, MaxZT: o.NativeMaxZeroThreshold, MaxBuckets: o.NativeMaxBuckets, MinReset: int64(o.NativeMinResetDuration), Now: nowNanos}
	switch {
	case math.IsNaN(c.ZT) || math.IsInf(c.ZT, 0):
		return nil, fmt.Errorf("prom: histogram %q: NativeZeroThreshold %v must be finite", name, c.ZT)
	case c.ZT == 0:
		c.ZT = DefNativeZeroThreshold
	case c.ZT < 0:
		c.ZT = 0
	}
	if !(c.MaxZT >= 0) || math.IsInf(c.MaxZT, 0) {
		return nil, fmt.Errorf("prom: histogram %q: NativeMaxZeroThreshold %v must be a finite number, 0 or more", name, c.MaxZT)
	}
	switch {
	case c.MaxBuckets < 0:
		return nil, fmt.Errorf("prom: histogram %q: NativeMaxBuckets %d must not be negative", name, c.MaxBuckets)
	case c.MaxBuckets == 0:
		c.MaxBuckets = DefNativeMaxBuckets
	}
	if c.MinReset < 0 {
		return nil, fmt.Errorf("prom: histogram %q: NativeMinResetDuration %v must not be negative", name, o.NativeMinResetDuration)
	}
	// Enough for every bucket of the float64 range at schema −4, so that a flood of distinct
	// values stops spilling once the total has fallen to the coarsest schema.
	// Classic bounds split native buckets and the zero bucket into more keys.
	c.MaxKeys = int32(max(2*c.MaxBuckets, 300) + 3*len(o.Buckets))
	return c, nil
}

// appendSpans appends spans to dst, as the BucketSpans they are.
func appendSpans(dst []BucketSpan, spans []native.Span) []BucketSpan {
	for _, s := range spans {
		dst = append(dst, BucketSpan(s))
	}
	return dst
}

// nativeSeries is the native state of one histogram series, and the scratch its collection
// writes the native histogram into.
type nativeSeries struct {
	native.State
	scratch NativeHistogram
}

// snapshot flushes and fills s from the total, with the classic buckets of bounds upper; the
// slices it sets are n's scratch, valid until n is unlocked. n must be locked.
func (n *nativeSeries) snapshot(s *Series, upper []float64) {
	ns := n.Snapshot()
	s.Sum, s.Count = ns.Sum, float64(ns.Count)
	nh := &n.scratch
	*nh = NativeHistogram{Schema: ns.Schema, ZeroThreshold: ns.ZeroThreshold, ZeroCount: ns.ZeroCount,
		PositiveSpans: appendSpans(nh.PositiveSpans[:0], ns.PositiveSpans), PositiveDeltas: ns.PositiveDeltas,
		NegativeSpans: appendSpans(nh.NegativeSpans[:0], ns.NegativeSpans), NegativeDeltas: ns.NegativeDeltas,
		Exemplars: nh.Exemplars[:0]}
	s.Native = nh
	var cum uint64
	for i, c := range ns.Classic[:len(upper)] {
		cum += c
		s.Buckets = append(s.Buckets, Bucket{UpperBound: upper[i], Count: float64(cum)})
	}
	// Without classic buckets, or with them, the +Inf bucket counts every observation: each
	// one went to a classic bucket and a native one together.
	s.Buckets = append(s.Buckets, Bucket{UpperBound: math.Inf(1), Count: float64(ns.Count)})
}
