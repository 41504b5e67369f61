package native

import (
	"cmp"
	"math"
	"slices"
)

// The bucket math of the specification: at schema s, bucket i holds the observations v with
// base^(i-1) < |v| ≤ base^i, where base = 2^(2^-s).

const (
	// MinSchema and MaxSchema are the schemas of exponential native histograms: −4 (each
	// bucket 65536 times wider than the previous) to 8 (1.0027 times).
	MinSchema = -4
	MaxSchema = 8
)

// bounds[s][j] = 2^(j/2^s − 1) for schemas s > 0: the upper bounds, within one power of
// two and scaled to the [0.5, 1) range of math.Frexp's fraction, of the 2^s buckets of an
// octave.
var bounds = func() (t [MaxSchema + 1][]float64) {
	for s := 1; s <= MaxSchema; s++ {
		n := 1 << s
		t[s] = make([]float64, n)
		for j := range n {
			t[s][j] = math.Exp2(float64(j)/float64(n) - 1)
		}
	}
	return t
}()

// index finds the bucket within an octave, at schema s > 0, from the mantissa bits of a
// value without a data-dependent branch, as package bucket's Index does for classic bounds. The top bits
// of the mantissa name a cell, and no cell holds two bucket bounds; tab[m] packs the first
// bucket j whose bound is at least the lowest value of cell m (above mantBits) and the
// mantissa of that bound (bounds[s][j] is 2^-1 times 1.mantissa; all ones when j is
// 2^s, past the last bound). A value of the cell is in bucket j, or j+1 if its mantissa is
// greater: one load and one comparison.
type index struct {
	shift uint8 // 52 − the mantissa bits that name a cell
	tab   []uint64
}

const mantBits = 52 // of a float64

// indexes holds the index of each schema above 0, in an array of 16 so that s&15 needs
// no bounds check.
var indexes = func() (t [16]index) {
	for s := 1; s <= MaxSchema; s++ {
		b := bounds[s]
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
			t[s] = index{shift: shift, tab: tab}
			break
		}
	}
	return t
}()

// KeyBits is Key for the bits of v > 0, not NaN, from the bits of v: a table load
// and a comparison instead of math.Frexp and a binary search. Small enough to be inlined, it
// leaves subnormals, +Inf and schemas of 0 and less to Key: ok is false for them.
func KeyBits(bits uint64, s int32) (key int32, ok bool) {
	e := int32(bits>>mantBits) & 0x7ff
	if uint32(e-1) >= 0x7fe || s <= 0 { // e is 0 (subnormal) or 0x7ff (+Inf)
		return 0, false
	}
	mant := bits & (1<<mantBits - 1)
	x := &indexes[s&15]
	c := x.tab[mant>>(x.shift&63)]
	// j, plus 1 when mant is greater than the bound's mantissa: both are below 2^52, so the
	// difference wraps to a top bit of 1 exactly then. Arithmetic, not a branch, which values
	// near a bound would mispredict.
	j := int32(c>>mantBits) + int32((c&(1<<mantBits-1)-mant)>>63)
	return j + (e-1023)<<s, true // e−1022 is math.Frexp's exponent
}

// Key returns the index of the bucket of v > 0 at schema s. +Inf counts in the bucket
// of math.MaxFloat64, the last one of the float64 range.
func Key(v float64, s int32) int32 {
	if v > math.MaxFloat64 {
		v = math.MaxFloat64
	}
	frac, exp := math.Frexp(v)
	if s > 0 {
		t := bounds[s]
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

// Upper returns the upper bound of bucket i at schema s, base^i.
func Upper(s, i int32) float64 {
	if s > 0 {
		j := i & (1<<s - 1)
		return math.Ldexp(bounds[s][j], int(i>>s)+1)
	}
	return math.Ldexp(1, int(i)<<uint(-s))
}

// Reduce returns the index at schema s−d of bucket i at schema s: the coarser bucket that
// contains it, ceil(i / 2^d).
func Reduce(i int32, d int32) int32 { return (i + 1<<d - 1) >> d }

// Bucket is one populated bucket: its index and count.
type Bucket struct {
	Key int32
	N   uint64
}

// Span is a run of consecutive buckets: Offset from the end of the previous span (from 0 for
// the first), and Length buckets. It has the fields of prom.BucketSpan, which converts to it.
type Span struct {
	Offset int32
	Length uint32
}

func Sorted(m map[int32]uint64) []Bucket {
	b := make([]Bucket, 0, len(m))
	for k, n := range m {
		if n > 0 {
			b = append(b, Bucket{k, n})
		}
	}
	slices.SortFunc(b, func(x, y Bucket) int { return cmp.Compare(x.Key, y.Key) })
	return b
}

// Encode appends the spans and deltas of buckets sorted by index, none empty. Gaps of
// one or two empty buckets are filled with zero counts rather than opening a span, as the
// specification recommends: a span costs more bytes than two deltas.
func Encode(b []Bucket, spans []Span, deltas []int64) ([]Span, []int64) {
	var prev int64
	for i, x := range b {
		switch gap := int32(0); {
		case i == 0:
			spans = append(spans, Span{Offset: x.Key, Length: 1})
		default:
			gap = x.Key - b[i-1].Key - 1
			if gap <= 2 {
				for range gap {
					deltas = append(deltas, -prev)
					prev = 0
				}
				spans[len(spans)-1].Length += uint32(gap) + 1
			} else {
				spans = append(spans, Span{Offset: gap, Length: 1})
			}
		}
		deltas = append(deltas, int64(x.N)-prev)
		prev = int64(x.N)
	}
	return spans, deltas
}
