package expfmt

import (
	"math"
	"testing"
)

// TestBoundCache writes sequences of bucket bounds that change between histograms, at the
// same index and past the cached indexes, and checks every rendering against an uncached one.
func TestBoundCache(t *testing.T) {
	var c boundCache
	long := make([]float64, maxBounds+5)
	for i := range long {
		long[i] = float64(i) * 0.25
	}
	for _, render := range []func([]byte, float64) []byte{appendTextFloat, appendOMFloat} {
		c.reset()
		for _, bounds := range [][]float64{
			{0.005, 0.01, 1, math.Inf(1)},
			{0.005, 0.01, 1, math.Inf(1)},
			{0.1, 0.01, 2, 5, math.Inf(1)},
			{math.Copysign(0, -1), 0, math.NaN(), -math.MaxFloat64},
			{0, math.Copysign(0, -1), math.NaN(), -math.MaxFloat64},
			long,
			long,
			{0.005},
		} {
			for i, v := range bounds {
				want := string(render([]byte("x"), v)) + `"} `
				if got := string(c.appendBound([]byte("x"), i, v, render)); got != want {
					t.Errorf("bound %v at %d: got %q, want %q", v, i, got, want)
				}
			}
		}
	}
	if len(c.bounds) > maxBounds {
		t.Errorf("%d bounds cached, at most %d expected", len(c.bounds), maxBounds)
	}
}
