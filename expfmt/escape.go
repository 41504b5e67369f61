package expfmt

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// EscapeName returns metric name written under escaping scheme e, as prometheus/common's
// model.EscapeName writes it for Prometheus 3's content negotiation:
//
//   - Underscores leaves legacy names alone and replaces each other character outside
//     [a-zA-Z0-9_:] (and a leading digit) by '_'. It cannot be undone.
//   - Dots escapes every name, legacy ones too: '_' becomes "__", '.' becomes "_dot_" and any
//     other invalid character "__", so that the dots of an OpenTelemetry-style name come back
//     with UnescapeName.
//   - Values leaves legacy names alone and writes any other name as "U__" followed by the
//     name with '_' doubled and each invalid character as '_' + its lowercase hexadecimal code
//     point + '_'. It can always be undone.
//   - AllowUTF8 returns the name unchanged: the writers quote it instead.
//
// The writers apply a scheme only to names outside the legacy set, under Dots too, as
// model.EscapeMetricFamily does: a legacy name is written as it is whatever the scraper asks
// for, so a_b_total is stored under that name by every scrape. EscapeName(name, Dots) is
// therefore what the writers write only for names that are not legacy names.
//
// The writers escape names without allocating; EscapeName is for callers that need the
// string, and allocates when the name changes.
func EscapeName(name string, e Escaping) string {
	if name == "" || e == AllowUTF8 || e != Dots && prom.IsLegacyName(name) {
		return name
	}
	var b []byte
	if e == Values {
		b = append(b, "U__"...)
	}
	return string(appendEscapedRunes(b, name, e, true, false))
}

// UnescapeName undoes EscapeName for the schemes that can be undone, exactly as
// prometheus/common's model.UnescapeName does: Dots turns every "_dot_" into '.' and then
// every "__" into '_'; Values decodes a name starting with "U__", in which "__" stands for '_'
// and "_<hex>_" for the code point <hex> (one to five hexadecimal digits, either case); other
// bytes stand for themselves. A name that is not a valid escape under Values (an unterminated
// or invalid code, a lone '_' at the end) is returned unchanged, as are names under
// Underscores and AllowUTF8.
//
// Values round-trips every name but two kinds, as in Prometheus: legacy names that themselves
// start with "U__", which EscapeName leaves as they are and UnescapeName decodes, and names
// holding a code point from U+100000 to U+10FFFF, whose six-digit code EscapeName writes and
// model.UnescapeName does not read. Dots loses what it cannot tell apart: a legacy name
// holding "__" or "_dot_", which the writers leave unescaped, reads back changed.
func UnescapeName(name string, e Escaping) string {
	switch e {
	case Dots:
		if !strings.Contains(name, "__") && !strings.Contains(name, "_dot_") {
			return name
		}
		return strings.ReplaceAll(strings.ReplaceAll(name, "_dot_", "."), "__", "_")
	case Values:
		rest, ok := strings.CutPrefix(name, "U__")
		if !ok {
			return name
		}
		var b strings.Builder
		b.Grow(len(rest))
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c != '_' {
				b.WriteByte(c)
				continue
			}
			i++
			switch {
			case i == len(rest):
				return name
			case rest[i] == '_':
				b.WriteByte('_')
				continue
			}
			r, n := hexRune(rest[i:])
			if n == 0 {
				return name
			}
			b.WriteRune(r)
			i += n
		}
		return b.String()
	}
	return name
}

// hexRune reads the code of an escaped rune at the start of s: one to five hexadecimal
// digits, as many as model.UnescapeName reads, and the closing '_'. It returns the rune and
// the length of the digits, or n == 0 when s does not start with a valid code.
func hexRune(s string) (r rune, n int) {
	for n < len(s) && s[n] != '_' {
		if n == 5 {
			return 0, 0
		}
		// Lower case, as model.UnescapeName does it: digits are unchanged, and so are the
		// bytes 0x10 to 0x19 made into digits, which it accepts too.
		c := s[n] | 0x20
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		default:
			return 0, 0
		}
		n++
	}
	if n == 0 || n == len(s) || !utf8.ValidRune(r) {
		return 0, 0
	}
	return r, n
}

// legacyByte reports whether c may appear in a legacy name: at position 0 when notFirst is
// false. colon selects the metric name set, which allows ':'; label names do not.
func legacyByte(c byte, colon, notFirst bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || colon && c == ':' || notFirst && c >= '0' && c <= '9'
}

func legacyRune(r rune, colon, notFirst bool) bool {
	return r < utf8.RuneSelf && legacyByte(byte(r), colon, notFirst)
}

// appendEscaped appends name escaped under e (never AllowUTF8: callers quote instead). colon
// selects the metric name character set; label names are escaped with the label name set, so
// that a ':' in a label name does not reach a parser that rejects it. Invalid UTF-8 counts as
// invalid characters.
func appendEscaped(b []byte, name string, e Escaping, colon bool) []byte {
	return appendEscapedName(b, name, "", e, colon)
}

// appendEscapedName appends name escaped under e, then suffix as it is. A legacy name is
// appended as it is under every scheme, as model.EscapeMetricFamily leaves it.
//
// The writers escape the family name and append the sample suffix ("_bucket", "_sum"…), as
// prometheus/common's encoders do with client_golang's family names. Counters and info
// families are the exception: client_golang names them with their suffix, and what Prometheus
// stores is that whole name escaped; see appendStem.
func appendEscapedName(b []byte, name, suffix string, e Escaping, colon bool) []byte {
	if name == "" || isLegacy(name, colon) {
		return append(append(b, name...), suffix...)
	}
	if e == Values {
		b = append(b, "U__"...)
	}
	b = appendEscapedRunes(b, name, e, colon, false)
	return append(b, suffix...)
}

// appendStem appends the escaped stem of family name of type t: what its sample names start
// with, the suffix ("_total", "_bucket"…) following.
//
// A client_golang counter or info metric is named with its "_total" or "_info" suffix, and
// prometheus/common escapes that whole name: x.y_total becomes U__x_2e_y__total under Values
// and x_dot_y__total under Dots, the suffix's '_' doubled with the others, in every format.
// So that Prometheus stores a counter of this package under the name it stores client_golang's
// under, a counter's or info family's stem is the escape of name+"_total" without "_total":
// the escaped name followed by '_' under Dots and Values when the name is not a legacy name.
// The OpenMetrics metadata lines name the family by its stem, as prometheus/common's does
// (# TYPE U__x_2e_y_ counter), so that the samples carry their family's name as a prefix.
func appendStem(b []byte, name string, t prom.Type, e Escaping) []byte {
	b = appendEscapedName(b, name, "", e, true)
	if stemUnderscore(name, t, e) {
		b = append(b, '_')
	}
	return b
}

// stemUnderscore reports whether the stem of family name of type t ends in the '_' that Dots
// and Values double in the suffix of a counter or info family named outside the legacy set.
func stemUnderscore(name string, t prom.Type, e Escaping) bool {
	return (t == prom.CounterType || t == prom.InfoType) && (e == Dots || e == Values) &&
		name != "" && !prom.IsLegacyName(name)
}

func appendEscapedRunes(b []byte, s string, e Escaping, colon, notFirst bool) []byte {
	for i, r := range s {
		valid := legacyRune(r, colon, notFirst || i > 0)
		switch e {
		case Dots:
			switch {
			case r == '_':
				b = append(b, '_', '_')
			case r == '.':
				b = append(b, "_dot_"...)
			case valid:
				b = append(b, byte(r))
			default:
				b = append(b, '_', '_')
			}
		case Values:
			switch {
			case r == '_':
				b = append(b, '_', '_')
			case valid:
				b = append(b, byte(r))
			default:
				b = append(b, '_')
				b = strconv.AppendUint(b, uint64(r), 16)
				b = append(b, '_')
			}
		default:
			if valid {
				b = append(b, byte(r))
			} else {
				b = append(b, '_')
			}
		}
	}
	return b
}

func isLegacy(name string, colon bool) bool {
	if colon {
		return prom.IsLegacyName(name)
	}
	return prom.IsLegacyLabelName(name)
}

// appendLabelValue appends v as it appears between the quotes of a label value or a quoted
// name: '\\', '"' and newline escaped, invalid UTF-8 replaced by U+FFFD. A value that needs
// nothing, which is nearly every value, is checked and copied a word at a time: a short value
// costs a few loads and stores and no call to memmove.
func appendLabelValue(b []byte, v string) []byte {
	n, l := len(v), len(b)
	if n > 64 {
		if !needsEscape(v) {
			return append(b, v...)
		}
		return appendEscapedValue(b, v)
	}
	if cap(b)-l < n {
		b = append(b, make([]byte, n)...)
	}
	d := b[l : l+n]
	// Every store below lands inside d: the last word overlaps the one before it, a value of
	// four to seven bytes is two overlapping halves, and one of up to three bytes is its
	// first, middle and last byte.
	switch {
	case n >= 8:
		x, y := load64(v), load64(v[n-8:])
		if specialMask(x)|specialMask(y) != 0 {
			return appendEscapedValue(b[:l], v)
		}
		for i := 8; i < n-8; i += 8 {
			z := load64(v[i:])
			if specialMask(z) != 0 {
				return appendEscapedValue(b[:l], v)
			}
			binary.LittleEndian.PutUint64(d[i:], z)
		}
		binary.LittleEndian.PutUint64(d, x)
		binary.LittleEndian.PutUint64(d[n-8:], y)
	case n >= 4:
		x, y := load32(v), load32(v[n-4:])
		if specialWord(uint64(x) | uint64(y)<<32) {
			return appendEscapedValue(b[:l], v)
		}
		binary.LittleEndian.PutUint32(d, x)
		binary.LittleEndian.PutUint32(d[n-4:], y)
	case n > 0:
		x, y, z := v[0], v[n>>1], v[n-1]
		if specialWord(uint64(x) | uint64(y)<<8 | uint64(z)<<16) {
			return appendEscapedValue(b[:l], v)
		}
		d[0], d[n>>1], d[n-1] = x, y, z
	}
	return b[:l+n]
}

// appendEscapedValue appends label value v, which may need escaping.
func appendEscapedValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if special[v[i]] {
			return appendEscapedText(append(b, v[:i]...), v[i:], true)
		}
	}
	return append(b, v...)
}

// needsEscape reports whether v holds a byte that special marks. It reads v eight bytes at a
// time with no loop over single bytes: the last word overlaps the previous one, and a value
// shorter than eight bytes is read as two overlapping halves, or as its first, middle and last
// bytes, which cover it whole up to three bytes. The zero bytes that pad a short read are
// not special.
func needsEscape(v string) bool {
	n := len(v)
	switch {
	case n > 8:
		for i := 0; i < n-8; i += 8 {
			if specialWord(load64(v[i:])) {
				return true
			}
		}
		return specialWord(load64(v[n-8:]))
	case n == 8:
		return specialWord(load64(v))
	case n >= 4:
		return specialWord(uint64(load32(v)) | uint64(load32(v[n-4:]))<<32)
	case n > 0:
		return specialWord(uint64(v[0]) | uint64(v[n>>1])<<8 | uint64(v[n-1])<<16)
	}
	return false
}

// load64 and load32 read the first bytes of s as a little-endian integer; the compiler makes
// each one load.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func load32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// specialWord reports whether one of the eight bytes of x is '\\', '"', newline or at least
// 0x80. For each of the three bytes, (y-lo8)&^y has the high bit of a byte set where y, x
// with that byte xored away, has a zero byte (and, past the first one, possibly where x has a
// byte >= 0x80, which is special anyway).
func specialWord(x uint64) bool { return specialMask(x) != 0 }

// specialMask is specialWord as a mask, nonzero when x holds a special byte; masks of several
// words may be or-ed together.
func specialMask(x uint64) uint64 {
	a := x ^ (lo8 * '\\')
	q := x ^ (lo8 * '"')
	n := x ^ (lo8 * '\n')
	return (x | (a-lo8)&^a | (q-lo8)&^q | (n-lo8)&^n) & hi8
}

// special marks the bytes a label value cannot hold as they are: '\\', '"', newline, and the
// bytes of multi-byte UTF-8 sequences, which must be checked for validity.
var special = func() (t [256]bool) {
	t['\\'], t['"'], t['\n'] = true, true, true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// appendHelp appends help text: '\\' and newline escaped, and in OpenMetrics '"' too; invalid
// UTF-8 replaced by U+FFFD.
func appendHelp(b []byte, h string, quote bool) []byte {
	for i := 0; i < len(h); i++ {
		if c := h[i]; c == '\\' || quote && c == '"' || c == '\n' || c >= utf8.RuneSelf {
			return appendEscapedText(append(b, h[:i]...), h[i:], quote)
		}
	}
	return append(b, h...)
}

func appendEscapedText(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '"' && quote:
				b = append(b, '\\', '"')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}
