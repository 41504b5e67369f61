package parse

import (
	"errors"
	"math"
	"strconv"

	"github.com/prom-go/prom"
)

// checkNative applies to a native histogram read from protobuf the rules Prometheus checks
// before it stores one (model/histogram's Validate), so that a document prom accepts is one
// Prometheus ingests, and nothing downstream meets buckets its spans do not describe.
//
// The structure is always checked: a schema from -4 to 8, spans whose lengths add up to the
// number of buckets on each side, offsets that do not go backwards nor leave the int32 range
// of bucket indexes, and either an integer histogram's deltas or a float histogram's counts.
// Unless lax, the counts are too: no bucket below zero, and an integer histogram's count equal
// to the observations in its buckets (at least them when the sum is NaN).
func checkNative(h *prom.NativeHistogram, s *prom.Series, lax bool) error {
	if h.Schema < prom.MinNativeSchema || h.Schema > prom.MaxNativeSchema {
		msg := "expected a native histogram schema from " + itoa(prom.MinNativeSchema) + " to " + itoa(prom.MaxNativeSchema) + ", found " + itoa(int(h.Schema))
		if h.Schema == -53 {
			msg += ", the schema of custom buckets, whose bounds the exposition format has no field for"
		}
		return errors.New(msg)
	}
	float := h.IsFloat()
	if float && (len(h.PositiveDeltas) > 0 || len(h.NegativeDeltas) > 0) {
		return errors.New("expected the bucket counts of a float histogram or the deltas of an integer one, found both")
	}
	pos, neg := len(h.PositiveDeltas), len(h.NegativeDeltas)
	if float {
		pos, neg = len(h.PositiveCounts), len(h.NegativeCounts)
	}
	if err := checkSpans("positive", h.PositiveSpans, pos); err != nil {
		return err
	}
	if err := checkSpans("negative", h.NegativeSpans, neg); err != nil {
		return err
	}
	if lax {
		return nil
	}
	if float {
		if h.ZeroCountFloat < 0 || math.IsNaN(h.ZeroCountFloat) {
			return errors.New("expected a zero bucket count of 0 or more, found " + formatFloat(h.ZeroCountFloat))
		}
		for _, side := range [...]struct {
			name   string
			counts []float64
		}{{"positive", h.PositiveCounts}, {"negative", h.NegativeCounts}} {
			for i, c := range side.counts {
				if c < 0 || math.IsNaN(c) {
					return errors.New("expected bucket counts of 0 or more, found " + formatFloat(c) + " in " + side.name + " bucket " + itoa(i+1))
				}
			}
		}
		return nil
	}
	total := h.ZeroCount
	for _, side := range [...]struct {
		name   string
		deltas []int64
	}{{"positive", h.PositiveDeltas}, {"negative", h.NegativeDeltas}} {
		var c int64
		for i, d := range side.deltas {
			c += d
			if c < 0 {
				return errors.New("expected bucket counts of 0 or more, found " + strconv.FormatInt(c, 10) + " in " + side.name + " bucket " + itoa(i+1) + " (the deltas add up to it)")
			}
			total += uint64(c)
		}
	}
	if n := float64(total); n != s.Count && !(math.IsNaN(s.Sum) && n < s.Count) {
		return errors.New("expected a sample count equal to the " + strconv.FormatUint(total, 10) + " observations in the buckets, found " + formatFloat(s.Count))
	}
	return nil
}

// checkSpans checks the spans of one side of a native histogram against its n buckets.
func checkSpans(side string, spans []prom.BucketSpan, n int) error {
	var total, end int64
	for i, sp := range spans {
		if i > 0 && sp.Offset < 0 {
			return errors.New("expected " + side + " spans after the first to have an offset of 0 or more, found " + itoa(int(sp.Offset)) + " in span " + itoa(i+1))
		}
		total += int64(sp.Length)
		end += int64(sp.Offset) + int64(sp.Length)
		if i == 0 && sp.Offset == math.MinInt32 || end-1 > math.MaxInt32 {
			return errors.New("expected " + side + " spans within the int32 range of bucket indexes, found span " + itoa(i+1) + " ending at " + strconv.FormatInt(end-1, 10))
		}
	}
	if total != int64(n) {
		return errors.New("expected " + side + " spans whose lengths add up to the " + itoa(n) + " buckets given, found lengths adding up to " + strconv.FormatInt(total, 10))
	}
	return nil
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
