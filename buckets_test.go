package prom

import (
	"math"
	"strings"
	"testing"
)

func TestCheckBuckets(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		in   []float64
		want []float64
		err  string
	}{
		{in: nil, want: DefBuckets},
		{in: []float64{}, want: []float64{}},
		{in: []float64{1, 2, 3}, want: []float64{1, 2, 3}},
		{in: []float64{1, 2, inf}, want: []float64{1, 2}},
		{in: []float64{inf}, want: []float64{}},
		{in: []float64{math.Inf(-1), 0, 1}, want: []float64{math.Inf(-1), 0, 1}},
		{in: []float64{1, 1}, err: "bucket 1 (1) is not greater than bucket 0 (1)"},
		{in: []float64{2, 1}, err: "strictly increasing"},
		{in: []float64{1, math.NaN()}, err: "bucket 1 is NaN"},
		{in: []float64{inf, inf}, err: "+Inf may only come last"},
	} {
		got, err := checkBuckets("h", tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), `"h"`) {
				t.Errorf("%v: error %v, want one containing %q and the name", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !equalFloats(got, tc.want) {
			t.Errorf("%v: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	// The family owns its copy: changing the caller's slice later changes nothing.
	in := []float64{1, 2}
	got, _ := checkBuckets("h", in)
	in[0] = 5
	if got[0] != 1 {
		t.Error("checkBuckets kept the caller's slice")
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBucketGenerators(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  func() ([]float64, error)
		want []float64
		err  string
	}{
		{"linear", func() ([]float64, error) { return LinearBuckets(1, 2, 4) }, []float64{1, 3, 5, 7}, ""},
		{"linear negative start", func() ([]float64, error) { return LinearBuckets(-1, 1, 3) }, []float64{-1, 0, 1}, ""},
		{"linear count", func() ([]float64, error) { return LinearBuckets(1, 2, 0) }, nil, "count 0"},
		{"linear width", func() ([]float64, error) { return LinearBuckets(1, 0, 3) }, nil, "width 0"},
		{"linear NaN", func() ([]float64, error) { return LinearBuckets(math.NaN(), 1, 3) }, nil, "start NaN"},
		{"linear overflow", func() ([]float64, error) { return LinearBuckets(0, math.MaxFloat64, 3) }, nil, "overflows"},
		{"exp", func() ([]float64, error) { return ExponentialBuckets(1, 2, 4) }, []float64{1, 2, 4, 8}, ""},
		{"exp count", func() ([]float64, error) { return ExponentialBuckets(1, 2, -1) }, nil, "count -1"},
		{"exp start", func() ([]float64, error) { return ExponentialBuckets(0, 2, 3) }, nil, "start 0"},
		{"exp factor", func() ([]float64, error) { return ExponentialBuckets(1, 1, 3) }, nil, "factor 1"},
		{"exp overflow", func() ([]float64, error) { return ExponentialBuckets(1, 1e300, 3) }, nil, "overflows"},
		{"range", func() ([]float64, error) { return ExponentialBucketsRange(1, 1000, 4) }, []float64{1, 10, 100, 1000}, ""},
		{"range count", func() ([]float64, error) { return ExponentialBucketsRange(1, 10, 1) }, nil, "count 1"},
		{"range order", func() ([]float64, error) { return ExponentialBucketsRange(10, 1, 3) }, nil, "min 10, max 1"},
		{"range min", func() ([]float64, error) { return ExponentialBucketsRange(0, 1, 3) }, nil, "min 0"},
	} {
		got, err := tc.got()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Fatalf("%s: got %v, %v; want %v", tc.name, got, err, tc.want)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9*math.Abs(tc.want[i]) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
		if _, err := checkBuckets("h", got); err != nil {
			t.Errorf("%s: generated buckets rejected: %v", tc.name, err)
		}
	}
}
