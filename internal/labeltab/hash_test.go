package labeltab

import "testing"

// TestHashValues: the hash depends on every value and on its position, and HashValues and the
// unrolled form prom's Vec.with2 and TypedVec.With compute agree.
func TestHashValues(t *testing.T) {
	const seed = 0x1234
	pairs := [][2]string{{"GET", "404"}, {"404", "GET"}, {"GET", "405"}, {"", ""}, {"a", ""}, {"", "a"},
		{"abcdefgh", "x"}, {"abcdefghi", "x"}, {"/api/v1/items/1", "POST"}}
	seen := map[uint64][2]string{}
	for _, p := range pairs {
		h := HashValues(seed, p[:])
		if q, ok := seen[h]; ok {
			t.Errorf("%q and %q hash alike", p, q)
		}
		seen[h] = p
		if len(p[0]) <= 8 && len(p[1]) <= 8 {
			a0, b0 := ShortWords(p[0])
			a1, b1 := ShortWords(p[1])
			if u := MixValue(seed^PosKey(0), a0, b0, len(p[0])) + MixValue(seed^PosKey(1), a1, b1, len(p[1])); u != h {
				t.Errorf("%q: unrolled hash %#x, HashValues %#x", p, u, h)
			}
		}
	}
}

// BenchmarkHashTwoShortLatency is the latency of hashing two short label values, the first
// step of a two-label lookup, which waits for it: each hash chooses the next input.
func BenchmarkHashTwoShortLatency(b *testing.B) {
	vals := [4][2]string{{"GET", "404"}, {"POST", "200"}, {"GET", "200"}, {"PUT", "500"}}
	seed, h := uint64(12345), uint64(0)
	for b.Loop() {
		a := &vals[h&3]
		a0, b0 := ShortWords(a[0])
		a1, b1 := ShortWords(a[1])
		h = MixValue(seed^PosKey(0), a0, b0, len(a[0])) + MixValue(seed^PosKey(1), a1, b1, len(a[1]))
	}
	_ = h
}
