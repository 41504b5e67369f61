package expfmt

import (
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// Names and text in protobuf fields. Names are escaped as the Escaping asks (AllowUTF8 writes
// them as they are); text that is not valid UTF-8 has each invalid byte replaced by U+FFFD, as
// the text writers do, because Prometheus rejects a whole scrape over one invalid label value.
// Escaped and repaired strings are written straight into the buffer, without allocating.

// appendNameField writes metric name (colon true) or label name (colon false) as a string
// field, escaped under e. Legacy names are written as they are under every scheme.
func appendNameField(b []byte, field int, name string, e Escaping, colon bool) []byte {
	if e == AllowUTF8 {
		return appendTextField(b, field, name)
	}
	if isLegacy(name, colon) {
		return appendStringField(b, field, name)
	}
	b, m := beginMessage(b, field)
	b = appendEscaped(b, name, e, colon)
	return endMessage(b, m)
}

// appendFamilyNameField writes the name of family d as a string field under e: its escaped
// stem followed by suffix, "_total" for a counter and "_info" for an info family, so that the
// family, which Prometheus names its samples after, is named as in the text formats.
func appendFamilyNameField(b []byte, field int, d *prom.Desc, suffix string, e Escaping) []byte {
	if suffix == "" {
		return appendNameField(b, field, d.Name, e, true)
	}
	b, m := beginMessage(b, field)
	if e == AllowUTF8 {
		b = appendValidUTF8(b, d.Name)
	} else {
		b = appendStem(b, d.Name, d.Type, e)
	}
	b = append(b, suffix...)
	return endMessage(b, m)
}

// appendTextField writes s as a string field, with invalid UTF-8 replaced by U+FFFD.
func appendTextField(b []byte, field int, s string) []byte {
	if utf8.ValidString(s) {
		return appendStringField(b, field, s)
	}
	b, m := beginMessage(b, field)
	b = appendValidUTF8(b, s)
	return endMessage(b, m)
}

func appendValidUTF8(b []byte, s string) []byte {
	for i := 0; i < len(s); {
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
