package prom

import (
	"fmt"
	"math"

	"github.com/prom-go/prom/internal/bucket"
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
	u, err := bucket.Check(b)
	if err != nil {
		return nil, fmt.Errorf("prom: histogram %q: %w", name, err)
	}
	return u, nil
}
