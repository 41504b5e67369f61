package parse

import (
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// parseFloat parses a sample value, a timestamp in seconds or the value of an le or quantile
// label. Plain integers of up to 15 digits, the common case, take a fast path; anything else
// must have the syntax of OpenMetrics numbers — decimal with an optional exponent, Inf,
// Infinity and NaN in any case — before strconv.ParseFloat reads it. Go's own extensions,
// hexadecimal and underscores between digits, are refused in the text format too, as
// Prometheus and prometheus/common refuse them.
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	if len(b) <= 15 {
		var n int64
		i := 0
		if b[0] == '-' || b[0] == '+' {
			i = 1
		}
		j := i
		for ; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
			n = n*10 + int64(b[j]-'0')
		}
		if j == len(b) && j > i {
			if b[0] == '-' {
				return -float64(n), true
			}
			return float64(n), true
		}
	}
	if !isOMNumber(b) {
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
