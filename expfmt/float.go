package expfmt

import (
	"math"
	"math/bits"
	"strconv"
)

// Number rendering.
//
// Text format: Go's shortest representation, strconv 'g' with precision -1, as client_golang
// and the Prometheus server write it: 1, 0.005, 1e+06, +Inf, -Inf, NaN.
//
// OpenMetrics: the same, made canonical in the OpenMetrics sense by giving whole numbers a
// fractional part: 1.0, 0.005, 1e+06, -0.0. This is what client_golang's and client_python's
// OpenMetrics writers produce for values.
//
// The "le" of histogram buckets and the "quantile" of summaries follow the same rule as the
// values of their format: le="1" in text, le="1.0" in OpenMetrics. OpenMetrics asks for
// canonical numbers there, so that a bucket keeps one identity whatever wrote it. The text
// format has no such rule; we keep client_golang's "1" there so that series scraped from a
// program that moves from client_golang to prom keep their labels (Prometheus 3 normalises
// both spellings on ingestion anyway). Python's text writer would say "1.0".
//
// Counts (of a histogram, a summary, a bucket) are integers and are written as integers in
// both formats, exactly, however large.

// Whole numbers are most values of counters and many of gauges, so they skip strconv: below
// smallWhole, where 'g' writes them as integers, they are written as integers; from there to
// 2^50 they are written in the exponent form 'g' gives them ("1.234567e+06"), which for a
// whole number below 2^53 is its decimal digits without the trailing zeros, since every
// shorter decimal would name another float64. Tests compare both paths with strconv.
const smallWhole = 1e6

// appendTextFloat appends v as the text format writes it.
func appendTextFloat(b []byte, v float64) []byte {
	if u, neg, ok := whole(v); ok && (u != 0 || !neg) {
		if neg {
			b = append(b, '-')
		}
		if u < smallWhole {
			return appendUint(b, u)
		}
		return appendWholeExp(b, u)
	}
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendOMFloat appends v as OpenMetrics writes it: canonical, with ".0" on whole numbers that
// have neither a point nor an exponent.
func appendOMFloat(b []byte, v float64) []byte {
	if u, neg, ok := whole(v); ok {
		if neg {
			b = append(b, '-')
		}
		if u < smallWhole {
			return append(appendUint(b, u), '.', '0')
		}
		return appendWholeExp(b, u)
	}
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	for _, c := range b[n:] {
		if c == '.' || c == 'e' {
			return b
		}
	}
	return append(b, '.', '0')
}

// whole reports whether v is a whole number of magnitude below 2^50, and returns its magnitude and sign. It reads the bits of v, which is cheaper than converting
// v to an integer and back: v is (2^52 + fraction) * 2^(k-52) with k its exponent, whole when
// the fraction has no bits below 2^(52-k).
func whole(v float64) (u uint64, neg bool, ok bool) {
	x := math.Float64bits(v)
	neg = x>>63 != 0
	k := int(x>>52&0x7ff) - 1023
	if uint(k) >= 50 { // |v| < 1 or |v| >= 2^50, NaN and infinities
		return 0, neg, x<<1 == 0
	}
	m := x&(1<<52-1) | 1<<52
	sh := uint(52 - k)
	return m >> sh, neg, m&(1<<sh-1) == 0
}

// appendUint appends u in decimal, writing the digits in place two at a time.
func appendUint(b []byte, u uint64) []byte {
	if u < 10 {
		return append(b, byte('0'+u))
	}
	n := decimalLen(u)
	l := len(b)
	if cap(b)-l < n {
		b = append(b, make([]byte, n)...)
	}
	b = b[:l+n]
	d := b[l:]
	i := len(d)
	for u >= 100 {
		q := u / 100
		r := (u - q*100) * 2
		i -= 2
		d[i], d[i+1] = digitPairs[r], digitPairs[r+1]
		u = q
	}
	if u >= 10 {
		d[1], d[0] = digitPairs[u*2+1], digitPairs[u*2]
	} else {
		d[0] = byte('0' + u)
	}
	return b
}

// decimalLen returns the number of decimal digits of u (1 for 0).
func decimalLen(u uint64) int {
	n := bits.Len64(u|1)*1233>>12 + 1 // log10(2) ~ 1233/4096: n or n-1 digits
	if u|1 < pow10[n-1] {
		n--
	}
	return n
}

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// appendWholeExp appends whole number smallWhole <= u < 2^50 as 'g' does: "1e+06",
// "1.234567e+06".
func appendWholeExp(b []byte, u uint64) []byte {
	exp := decimalLen(u) - 1
	for u%10 == 0 {
		u /= 10
	}
	var tmp [24]byte
	t := appendUint(tmp[:0], u)
	b = append(b, t[0])
	if len(t) > 1 {
		b = append(b, '.')
		b = append(b, t[1:]...)
	}
	return append(b, 'e', '+', digitPairs[exp*2], digitPairs[exp*2+1])
}

// appendSeconds appends t, a time in units of 1/scale seconds (scale 1000 for milliseconds,
// 1e9 for nanoseconds, with digits its number of decimal digits), as decimal seconds: exact,
// trailing zeros trimmed, at least one fractional digit ("1.5", "1700000000.0"). Integer
// arithmetic keeps every digit that a float64 would lose at nanosecond precision.
func appendSeconds(b []byte, t int64, scale uint64, digits int) []byte {
	u := uint64(t)
	if t < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/scale, 10)
	return appendFraction(b, u%scale, digits)
}

// unixMilli converts ns nanoseconds since the Unix epoch to milliseconds, rounded down (toward
// the past) as time.Time.UnixMilli does, for the formats that carry milliseconds.
func unixMilli(ns int64) int64 {
	ms := ns / 1e6
	if ns%1e6 < 0 {
		ms--
	}
	return ms
}

// appendFraction appends '.' and frac < 10^digits as digits decimal digits, trailing zeros
// trimmed but one kept.
func appendFraction(b []byte, frac uint64, digits int) []byte {
	var tmp [10]byte // '.' and up to 9 digits
	tmp[0] = '.'
	f := uint32(frac)
	i := digits
	for ; i >= 2; i -= 2 {
		q := f / 100
		r := (f - q*100) * 2
		tmp[i-1], tmp[i] = digitPairs[r], digitPairs[r+1]
		f = q
	}
	if i == 1 {
		tmp[1] = byte('0' + f)
	}
	n := digits + 1
	for n > 2 && tmp[n-1] == '0' {
		n--
	}
	return append(b, tmp[:n]...)
}

const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// secondsCache remembers the rendering of the last whole second appendNanos wrote: the
// created times of a family's series mostly fall in the same second.
type secondsCache struct {
	sec uint64
	n   int // length of buf used; 0 when empty
	buf [20]byte
}

// appendNanos appends ns nanoseconds since the epoch as decimal seconds, like appendSeconds.
func (c *secondsCache) appendNanos(b []byte, ns int64) []byte {
	if ns < 0 {
		return appendSeconds(b, ns, 1e9, 9)
	}
	u := uint64(ns)
	sec := u / 1e9
	if c.n == 0 || c.sec != sec {
		c.sec = sec
		c.n = len(strconv.AppendUint(c.buf[:0], sec, 10))
	}
	b = append(b, c.buf[:c.n]...)
	return appendFraction(b, u%1e9, 9)
}
