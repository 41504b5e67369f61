package native

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKey checks the bucket of each value against its definition: bucket i holds
// base^(i-1) < v <= base^i.
func TestKey(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	// Normal numbers only: below 2^-1022 the bounds themselves are not representable (the
	// default zero threshold, 2^-128, keeps such values out of the buckets anyway).
	values := []float64{1, 2, 0.5, 3, 1e-300, 0x1p-1022, 1e300, math.MaxFloat64, 0.001, 1.0905077326652577}
	for range 2000 {
		values = append(values, math.Exp2(rnd.Float64()*200-100))
	}
	for s := int32(MinSchema); s <= MaxSchema; s++ {
		for _, v := range values {
			k := Key(v, s)
			if up := Upper(s, k); !(v <= up) {
				t.Fatalf("schema %d: value %v in bucket %d whose upper bound is %v", s, v, k, up)
			}
			if lo := Upper(s, k-1); !(lo < v) {
				t.Fatalf("schema %d: value %v in bucket %d whose lower bound is %v", s, v, k, lo)
			}
		}
		if k, m := Key(math.Inf(1), s), Key(math.MaxFloat64, s); k != m {
			t.Errorf("schema %d: +Inf in bucket %d, MaxFloat64 in %d; want the same, last bucket", s, k, m)
		}
	}
	// Exact powers of the base are upper bounds of their buckets.
	for _, tc := range []struct {
		v    float64
		s, k int32
	}{{1, 3, 0}, {2, 3, 8}, {0.5, 3, -8}, {2, 0, 1}, {4, 0, 2}, {3, 0, 2}, {65536, -4, 1}, {65537, -4, 2}, {1, -4, 0}, {math.MaxFloat64, 8, 1024 << 8}, {math.MaxFloat64, -4, 64}} {
		if k := Key(tc.v, tc.s); k != tc.k {
			t.Errorf("Key(%v, %d) = %d; want %d", tc.v, tc.s, k, tc.k)
		}
	}
}

func TestReduce(t *testing.T) {
	for _, k := range []int32{-17, -9, -8, -7, -1, 0, 1, 2, 7, 8, 9, 100} {
		for d := int32(1); d <= 3; d++ {
			r := Reduce(k, d)
			// The coarse bucket contains the fine one: same upper bound or wider on both ends.
			if Upper(3-d, r) < Upper(3, k) || Upper(3-d, r-1) > Upper(3, k-1) {
				t.Errorf("Reduce(%d, %d) = %d does not contain the bucket", k, d, r)
			}
		}
	}
}

// TestKeyBits checks the table lookup against the search it replaces, on every schema,
// on the bounds themselves and their neighbours, and on random values of the whole range.
func TestKeyBits(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	values := []float64{1, 2, 0.5, 3, math.MaxFloat64, math.Inf(1), 0x1p-1022, math.SmallestNonzeroFloat64, 0x1p-1030, 1e-310}
	for s := 1; s <= MaxSchema; s++ {
		for _, b := range bounds[s] {
			for _, e := range []int{-1000, -3, 0, 1, 7, 1000} {
				u := math.Ldexp(b, e)
				values = append(values, u, math.Nextafter(u, 0), math.Nextafter(u, math.Inf(1)))
			}
		}
	}
	for range 20000 {
		values = append(values, math.Exp2(rnd.Float64()*2000-1000))
	}
	for s := int32(MinSchema); s <= MaxSchema; s++ {
		for _, v := range values {
			got, ok := KeyBits(math.Float64bits(v), s)
			if wantOK := s > 0 && v >= 0x1p-1022 && v <= math.MaxFloat64; ok != wantOK {
				t.Fatalf("schema %d: KeyBits(%v) ok = %v, want %v", s, v, ok, wantOK)
			}
			if want := Key(v, s); ok && got != want {
				t.Fatalf("schema %d: KeyBits(%v) = %d, Key = %d", s, v, got, want)
			}
		}
	}
}
