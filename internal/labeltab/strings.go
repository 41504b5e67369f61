package labeltab

import (
	"strconv"
	"unsafe"
)

// Equal compares label values. Callers mostly pass the same string constants every time, and a
// child keeps the caller's strings, so identical data pointers settle most comparisons without
// reading the bytes.
func Equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !SameString(a[i], b[i]) {
			return false
		}
	}
	return true
}

// SameString reports whether a == b, settling the usual case of the same string constant by its
// data pointer without reading the bytes.
func SameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// QuoteAll renders values as ["a" "b"] without letting them escape, so that a variadic slice of
// label values stays on the caller's stack.
func QuoteAll(values []string) string {
	b := []byte{'['}
	for i, s := range values {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendQuote(b, s)
	}
	return string(append(b, ']'))
}

// Flat returns len(offs) when offs, the offsets of a struct's label fields (all strings), are
// those of strings one after the other from the start of the struct, so that Strings can read
// them in place; 0 otherwise.
func Flat(offs []uintptr) int {
	for i, off := range offs {
		if off != uintptr(i)*unsafe.Sizeof("") {
			return 0
		}
	}
	return len(offs)
}

// Strings returns the first n fields of the struct at l, which Flat found to be n strings, as
// a slice, in place (invariant 4 of the package).
func Strings[L any](l *L, n int) []string { return unsafe.Slice((*string)(unsafe.Pointer(l)), n) }

// Strings2 returns the first two fields of the struct at l, which Flat found to be strings, in
// place.
func Strings2[L any](l *L) *[2]string { return (*[2]string)(unsafe.Pointer(l)) }

// Field returns the string field at offset off of the struct at l.
func Field[L any](l *L, off uintptr) string { return *(*string)(unsafe.Add(unsafe.Pointer(l), off)) }
