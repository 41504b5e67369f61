package bucket

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

func arithmetic(start, width float64, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = start + float64(i)*width
	}
	return b
}

func geometric(start, factor float64, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = start * math.Pow(factor, float64(i))
	}
	return b
}

// TestIndexMatchesSearch: invariant 1, the table search agrees with the definition (the first
// bound at least v), as Search does, for bounds of every shape, and the table is built where it
// should be.
func TestIndexMatchesSearch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name  string
		upper []float64
		table bool
	}{
		{"default", []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, true},
		{"one", []float64{1}, true},
		{"exponential", geometric(1e-6, 1.5, 40), true},
		{"linear", arithmetic(1, 1, 20), true},
		{"linear, many", arithmetic(0.1, 0.1, 100), false}, // more than maxCells
		{"powers of two", []float64{0.25, 0.5, 1, 2, 4}, true},
		{"neighbours", []float64{1, math.Nextafter(1, 2), 3}, false}, // too dense for any cell width
		{"zero", []float64{0, 1, 2}, false},
		{"negative", []float64{-2, -1, 1}, false},
		{"-Inf", []float64{math.Inf(-1), 1}, false},
		{"wide", []float64{1e-300, 1e300}, false}, // too many cells
	} {
		x := New(tc.upper)
		if (x.tab != nil) != tc.table {
			t.Errorf("%s: table built %v, want %v", tc.name, x.tab != nil, tc.table)
		}
		if x.tab == nil {
			x = Index{} // Search only
		}
		values := []float64{0, math.Copysign(0, -1), -1, math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64}
		for _, u := range tc.upper {
			values = append(values, u, math.Nextafter(u, math.Inf(1)), math.Nextafter(u, math.Inf(-1)), -u)
		}
		for range 5000 {
			values = append(values, tc.upper[0]*math.Exp2(rnd.Float64()*20-4), rnd.Float64()*tc.upper[len(tc.upper)-1]*1.2)
		}
		for _, v := range values {
			want := 0
			for want < len(tc.upper) && !(v <= tc.upper[want]) {
				want++
			}
			if got := Search(tc.upper, v); got != want {
				t.Fatalf("%s: Search(%v) = %d, want %d", tc.name, v, got, want)
			}
			if !x.Ok() {
				continue
			}
			if got := x.Find(v, tc.upper); got != want {
				t.Fatalf("%s: Find(%v) = %d, want %d", tc.name, v, got, want)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		in   []float64
		want []float64
		err  string
	}{
		{in: []float64{}, want: []float64{}},
		{in: []float64{1, 2, inf}, want: []float64{1, 2}},
		{in: []float64{math.Inf(-1), 0, 1}, want: []float64{math.Inf(-1), 0, 1}},
		{in: []float64{1, 1}, err: "bucket 1 (1) is not greater than bucket 0 (1); upper bounds must be strictly increasing"},
		{in: []float64{1, math.NaN()}, err: "bucket 1 is NaN"},
		{in: []float64{inf, inf}, err: "bucket 0 is +Inf before the last"},
	} {
		got, err := Check(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%v: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	in := []float64{1, 2}
	got, _ := Check(in)
	if in[0] = 5; got[0] != 1 {
		t.Error("Check kept the caller's slice")
	}
}

// TestCount: invariant 2, Count is &counts[i] for every bucket Find and Search return.
func TestCount(t *testing.T) {
	counts := make([]atomic.Uint64, 4)
	for i := range counts {
		if Count(counts, i) != &counts[i] {
			t.Fatalf("Count(%d) is not &counts[%d]", i, i)
		}
	}
}

var sink int

func BenchmarkFind(b *testing.B) {
	upper := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	x := New(upper)
	vs := geometric(0.001, 1.13, 64)
	i := 0
	for b.Loop() {
		sink += x.Find(vs[i&63], upper)
		i++
	}
}

func BenchmarkSearch(b *testing.B) {
	upper := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	vs := geometric(0.001, 1.13, 64)
	i := 0
	for b.Loop() {
		sink += Search(upper, vs[i&63])
		i++
	}
}
