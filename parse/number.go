package parse

import (
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// parseFloat parses a sample value, a timestamp in seconds or the value of an le or quantile
// label. Plain decimals, the common case, take a fast path (decimalFloat); anything else must
// have the syntax of OpenMetrics numbers — decimal with an optional exponent, Inf, Infinity
// and NaN in any case — before strconv.ParseFloat reads it. Go's own extensions,
// hexadecimal and underscores between digits, are refused in the text format too, as
// Prometheus and prometheus/common refuse them.
func parseFloat(b []byte) (float64, bool) {
	if v, ok := decimalFloat(b); ok {
		return v, true
	}
	if len(b) == 0 || !isOMNumber(b) {
		return 0, false
	}
	v, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		// A value too large for float64 is ±Inf, as every exposition reader takes it.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalFloat parses b, an optionally signed decimal with an optional fraction and
// exponent, when its value is m×10^e with m below 2^53 and |e| at most 22. Both are then
// exact float64s, and one multiplication or division by IEEE rules rounds their product
// correctly: the result is strconv.ParseFloat's to the bit. Anything else (more significant
// digits, a larger exponent, Inf, NaN, bad syntax) returns false for parseFloat's general
// path.
func decimalFloat(b []byte) (float64, bool) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var m uint64
	digits, sig, exp := 0, 0, 0 // digits read, significant digits in m, decimal exponent
	for ; i < len(b) && isDigit(b[i]); i++ {
		digits++
		if m == 0 && b[i] == '0' {
			continue
		}
		if sig == 19 {
			return 0, false
		}
		m = m*10 + uint64(b[i]-'0')
		sig++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && isDigit(b[i]); i++ {
			digits++
			exp--
			if m == 0 && b[i] == '0' {
				continue
			}
			if sig == 19 {
				return 0, false
			}
			m = m*10 + uint64(b[i]-'0')
			sig++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) {
			return 0, false
		}
		e := 0
		for ; i < len(b); i++ {
			if !isDigit(b[i]) {
				return 0, false
			}
			if e < 10000 {
				e = e*10 + int(b[i]-'0')
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(b) || m >= 1<<53 {
		return 0, false
	}
	f := float64(m)
	switch {
	case m == 0 || exp == 0:
	case exp > 0 && exp <= 22:
		f *= pow10[exp]
	case exp < 0 && exp >= -22:
		f /= pow10[-exp]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// isOMNumber reports whether b has the syntax of an OpenMetrics number.
func isOMNumber(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	switch lower(b[i:]) {
	case "inf", "infinity", "nan":
		return true
	}
	digits := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && isDigit(b[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		e := i
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
		if i == e {
			return false
		}
	}
	return i == len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lower returns b in lower case if it is short enough to be a special number, else "".
func lower(b []byte) string {
	if len(b) > 8 {
		return ""
	}
	var s [8]byte
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		s[i] = c
	}
	return string(s[:len(b)])
}

// parseSeconds parses an OpenMetrics timestamp in seconds and returns it in units of 1/scale
// seconds (scale 1e3 for milliseconds, 1e9 for nanoseconds), and as a float for ordering.
// Plain decimals are converted exactly (digits beyond the unit are truncated); exponents go
// through float64. Values outside int64 saturate. NaN and infinities are refused.
func parseSeconds(b []byte, scale int64) (int64, float64, bool) {
	f, ok := parseFloat(b)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, 0, false
	}
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var whole, frac int64
	exact := true
	for ; i < len(b) && isDigit(b[i]); i++ {
		if whole > (math.MaxInt64-9)/10 {
			exact = false
			break
		}
		whole = whole*10 + int64(b[i]-'0')
	}
	if exact && i < len(b) && b[i] == '.' {
		i++
		for unit := scale / 10; i < len(b) && isDigit(b[i]); i++ {
			frac += int64(b[i]-'0') * unit
			unit /= 10
		}
	}
	if exact && i == len(b) && whole <= (math.MaxInt64-frac)/scale {
		v := whole*scale + frac
		if neg {
			v = -v
		}
		return v, f, true
	}
	return saturate(f * float64(scale)), f, true
}

// parseMillis parses a timestamp in milliseconds as the text format writes it: a decimal
// integer with an optional sign, as strconv.ParseInt(s, 10, 64) reads it, without making a
// string of b.
func parseMillis(b []byte) (int64, bool) {
	i := 0
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		i = 1
	}
	if i == len(b) || len(b)-i > 19 {
		// Nothing to read, or more digits than an int64 holds unless zeros lead them.
		n, err := strconv.ParseInt(unsafeString(b), 10, 64)
		return n, err == nil
	}
	var u uint64
	for _, c := range b[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0') // 19 digits fit in a uint64
	}
	if b[0] == '-' {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// unsafeString returns b as a string without copying; the string must not outlive b's
// contents.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// milliToNanos converts a timestamp in milliseconds, as the text and protobuf formats carry it,
// to the nanoseconds of prom.Series.Timestamp. Times beyond the int64 nanosecond range (before
// 1678 or after 2262) saturate, as parseSeconds does.
func milliToNanos(ms int64) int64 {
	const nsPerMs int64 = 1e6
	switch {
	case ms > math.MaxInt64/nsPerMs:
		return math.MaxInt64
	case ms < math.MinInt64/nsPerMs:
		return math.MinInt64
	}
	return ms * nsPerMs
}

// saturate converts f to int64, clamping values outside its range.
func saturate(f float64) int64 {
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// toCount checks a bucket or count value: never negative or NaN, and a whole number where
// whole is set (strict OpenMetrics, whose counts are integers). The text format takes any
// other count, as Prometheus does: a float histogram's counts need not be whole.
func toCount(v float64, whole bool) (float64, bool) {
	return v, v >= 0 && (!whole || v == math.Trunc(v) && !math.IsInf(v, 0))
}

func isUTF8(b []byte) bool { return utf8.Valid(b) }
