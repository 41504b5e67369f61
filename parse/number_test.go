package parse

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// strconvFloat is what parseFloat must return for b, which has the syntax of an OpenMetrics
// number: strconv.ParseFloat's result, with ±Inf for values out of range.
func strconvFloat(b []byte) (float64, bool) {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

// checkFloat fails t unless parseFloat reads s bit for bit as strconv.ParseFloat does, and
// refuses what is no OpenMetrics number.
func checkFloat(t *testing.T, s string) {
	t.Helper()
	b := []byte(s)
	got, ok := parseFloat(b)
	if !isOMNumber(b) {
		if ok {
			t.Fatalf("parseFloat(%q) = %v, want it refused", s, got)
		}
		return
	}
	want, wok := strconvFloat(b)
	if ok != wok || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("parseFloat(%q) = %v (%#x), %v; strconv: %v (%#x), %v", s, got, math.Float64bits(got), ok, want, math.Float64bits(want), wok)
	}
	if fv, fok := decimalFloat(b); fok && math.Float64bits(fv) != math.Float64bits(want) {
		t.Fatalf("decimalFloat(%q) = %v, strconv: %v", s, fv, want)
	}
}

func TestParseFloatAsStrconv(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.0", "-0.0", "-0e5", "0e-400", "00", "007", "1", "-1", "+1", "12345",
		"1.5", "-1.5", ".5", "5.", "-.5", "0.1", "0.2", "0.3", "1e22", "1e23", "9007199254740991",
		"9007199254740992", "9007199254740993", "1e-22", "1e-23", "123456789012345678",
		"1234567890123456789", "12345678901234567890", "0.000000000000000000001234",
		"1.7976931348623157e308", "1.8e308", "-1e400", "4.9e-324", "1e-400", "2.5e-5",
		"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10",
		"1.4e+09", "1.234E-3", "1e+0", "1e-0", "3.0000000000000000000001",
		"Inf", "+Inf", "-Inf", "inf", "NaN", "nan", "Infinity", "-infinity",
		"", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "1_000", "0x10", "1e5.5", " 1", "1 ", "--1",
		"1ee5", "1e1e1", "١",
	} {
		checkFloat(t, s)
	}
}

// TestParseFloatRandom holds parseFloat against strconv on numbers written in the ways
// exporters write them: shortest, fixed and exponent notation at many precisions, of
// values over the whole range and of small decimals.
func TestParseFloatRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		var v float64
		switch r.IntN(4) {
		case 0:
			v = math.Float64frombits(r.Uint64())
		case 1:
			v = r.Float64() * math.Pow(10, float64(r.IntN(40)-20))
		case 2:
			v = float64(r.Int64N(1<<60)) / math.Pow(10, float64(r.IntN(25)))
		default:
			v = float64(r.IntN(100000)) / 1000
		}
		if r.IntN(2) == 0 {
			v = -v
		}
		prec := r.IntN(25) - 1
		for _, f := range []byte{'g', 'e', 'f', 'E'} {
			if f == 'f' && math.Abs(v) > 1e30 {
				continue
			}
			checkFloat(t, strconv.FormatFloat(v, f, prec, 64))
		}
		// Digits as a person or a C printf writes them: leading zeros, trailing zeros.
		digits := make([]byte, 0, 30)
		for range r.IntN(25) + 1 {
			digits = append(digits, byte('0'+r.IntN(10)))
		}
		dot := r.IntN(len(digits) + 1)
		s := string(digits[:dot]) + "." + string(digits[dot:])
		checkFloat(t, s)
		checkFloat(t, s+"e"+strconv.Itoa(r.IntN(60)-30))
		checkFloat(t, string(digits))
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0", "-0.0", "1.5", "1e22", "9007199254740993", "0.1", "+Inf", "NaN", "1e-23", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFloat(t, s) })
}

// checkMillis fails t unless parseMillis reads s as strconv.ParseInt(s, 10, 64) does.
func checkMillis(t *testing.T, s string) {
	t.Helper()
	got, ok := parseMillis([]byte(s))
	want, err := strconv.ParseInt(s, 10, 64)
	if ok != (err == nil) || ok && got != want {
		t.Fatalf("parseMillis(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
	}
}

func TestParseMillisAsStrconv(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "1", "-1", "1700000000000", "-1700000000000", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "99999999999999999999",
		"00000000000000000000001", "-00000000000000000000001", "", "+", "-", "1.5", "1e3",
		"1_000", "0x10", " 1", "1 ", "--1", "+-1",
	} {
		checkMillis(t, s)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		checkMillis(t, strconv.FormatInt(int64(r.Uint64()), 10))
	}
}

func FuzzParseMillis(f *testing.F) {
	for _, s := range []string{"0", "-1", "1700000000000", "9223372036854775808", "-9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkMillis(t, s) })
}
