package expfmt

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestFloatRendering(t *testing.T) {
	for _, tc := range []struct {
		v        float64
		text, om string
	}{
		{0, "0", "0.0"},
		{math.Copysign(0, -1), "-0", "-0.0"},
		{1, "1", "1.0"},
		{-1, "-1", "-1.0"},
		{0.005, "0.005", "0.005"},
		{0.5, "0.5", "0.5"},
		{2.5, "2.5", "2.5"},
		{999999, "999999", "999999.0"},
		{1e6, "1e+06", "1e+06"},
		{-1e6, "-1e+06", "-1e+06"},
		{1234567, "1.234567e+06", "1.234567e+06"},
		{1e-5, "1e-05", "1e-05"},
		{123456.75, "123456.75", "123456.75"},
		{math.Inf(1), "+Inf", "+Inf"},
		{math.Inf(-1), "-Inf", "-Inf"},
		{math.NaN(), "NaN", "NaN"},
		{math.MaxFloat64, "1.7976931348623157e+308", "1.7976931348623157e+308"},
	} {
		if got := string(appendTextFloat(nil, tc.v)); got != tc.text {
			t.Errorf("text %v: got %q, want %q", tc.v, got, tc.text)
		}
		if got := string(appendOMFloat(nil, tc.v)); got != tc.om {
			t.Errorf("OpenMetrics %v: got %q, want %q", tc.v, got, tc.om)
		}
	}
}

// TestTextFloatMatchesStrconv checks the integer fast path against strconv over the range
// where it applies.
func TestTextFloatMatchesStrconv(t *testing.T) {
	for _, v := range []float64{-999999, -1000, -1, 1, 7, 10, 99, 100, 12345, 999999, 1e6 - 0.5, 0.1, 3.25} {
		want := strconv.FormatFloat(v, 'g', -1, 64)
		if got := string(appendTextFloat(nil, v)); got != want {
			t.Errorf("%v: got %q, want %q", v, got, want)
		}
	}
}

// TestWholeFloatsMatchStrconv checks the whole-number paths of both formats against strconv
// around every power of ten and at random magnitudes up to and beyond 2^50, where strconv
// takes over again, and just around 2^50.
func TestWholeFloatsMatchStrconv(t *testing.T) {
	var vs []float64
	for e := 0; e <= 17; e++ {
		p := math.Pow10(e)
		vs = append(vs, p-1, p, p+1, 2*p, 7*p+3, 9.99*p)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		vs = append(vs, math.Trunc(math.Pow(10, rnd.Float64()*17)))
	}
	for i := range 2000 {
		vs = append(vs, 1<<50-float64(i), 1<<50+float64(i), math.Ldexp(float64(i), 40), math.Ldexp(float64(i), -3))
	}
	vs = append(vs, 1<<53, 1<<53-1, 1e15-1, 1e15, 123456789012345, 100000000000001, 0.5, 1.5, 0x1p-1074)
	for _, v := range vs {
		for _, v := range []float64{v, -v} {
			want := strconv.FormatFloat(v, 'g', -1, 64)
			if got := string(appendTextFloat(nil, v)); got != want {
				t.Fatalf("text %v: got %q, want %q", v, got, want)
			}
			if !strings.ContainsAny(want, ".eIN") {
				want += ".0"
			}
			if got := string(appendOMFloat([]byte("x"), v)); got != "x"+want {
				t.Fatalf("OpenMetrics %v: got %q, want %q", v, got, "x"+want)
			}
		}
	}
}

func TestAppendUint(t *testing.T) {
	for _, u := range []uint64{0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65535, 1e9, 1e9 + 7, 1<<63 - 1, 1 << 63, math.MaxUint64} {
		want := strconv.FormatUint(u, 10)
		if got := string(appendUint(nil, u)); got != want {
			t.Errorf("appendUint(%d) = %q", u, got)
		}
		if got := string(appendUint(make([]byte, 3, 64), u)); got != "\x00\x00\x00"+want {
			t.Errorf("appendUint(%d) after 3 bytes = %q", u, got)
		}
		if got := decimalLen(u); got != len(want) {
			t.Errorf("decimalLen(%d) = %d, want %d", u, got, len(want))
		}
	}
}

func TestAppendSeconds(t *testing.T) {
	for _, tc := range []struct {
		t      int64
		scale  uint64
		digits int
		want   string
	}{
		{1500, 1000, 3, "1.5"},
		{1000, 1000, 3, "1.0"},
		{1050, 1000, 3, "1.05"},
		{1001, 1000, 3, "1.001"},
		{0, 1000, 3, "0.0"},
		{-1500, 1000, 3, "-1.5"},
		{1_700_000_000_123_456_789, 1e9, 9, "1700000000.123456789"},
		{1_700_000_000_000_000_000, 1e9, 9, "1700000000.0"},
		{1_520_430_000_123_000_000, 1e9, 9, "1520430000.123"},
		{5, 1e9, 9, "0.000000005"},
	} {
		if got := string(appendSeconds(nil, tc.t, tc.scale, tc.digits)); got != tc.want {
			t.Errorf("appendSeconds(%d, %d): got %q, want %q", tc.t, tc.scale, got, tc.want)
		}
	}
}
