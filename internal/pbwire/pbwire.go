// Package pbwire appends protobuf wire-format fields to a byte slice: the few helpers the
// hand-written encoders of prom share (OTLP push and remote write; expfmt keeps its own copy
// for the exposition format). Every helper appends one field to b and returns the extended slice, like
// strconv.AppendInt, so an encoder builds a whole message in one reused buffer with no
// generated structs and no allocation once the buffer has grown.
//
// Nested messages are written in place: Begin reserves one byte for the length and End fills
// it in, moving the body up by a few bytes in the rare case that it is 128 bytes or longer.
// Callers that know a body's length up front write it with AppendLen instead and move nothing.
//
// Proto3 leaves fields at their zero value out of the encoding; these helpers write what they
// are given, so the encoder decides what to omit.
package pbwire

import (
	"encoding/binary"
	"math"
)

// Wire types.
const (
	Varint  = 0
	Fixed64 = 1
	Bytes   = 2
)

// zeros supplies the bytes End grows a buffer by; a varint is at most 10 bytes long.
var zeros [binary.MaxVarintLen64]byte

// AppendTag appends the key of field number field with wire type wire.
func AppendTag(b []byte, field, wire int) []byte {
	return AppendUvarint(b, uint64(field)<<3|uint64(wire))
}

// AppendUvarint is binary.AppendUvarint with the one-byte case, that of nearly every tag and
// length, inlined.
func AppendUvarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return binary.AppendUvarint(b, v)
}

// AppendVarintField appends a uint64, uint32 or bool field, or an enum.
func AppendVarintField(b []byte, field int, v uint64) []byte {
	return AppendUvarint(AppendTag(b, field, Varint), v)
}

// AppendInt64Field appends an int64 or int32 field: negative values take ten bytes, as the
// protobuf encoding of those types requires.
func AppendInt64Field(b []byte, field int, v int64) []byte {
	return AppendVarintField(b, field, uint64(v))
}

// AppendSintField appends a sint32 or sint64 field (zigzag encoding). For values in the int32
// range the 64-bit zigzag encoding equals the 32-bit one.
func AppendSintField(b []byte, field int, v int64) []byte {
	return AppendVarintField(b, field, Zigzag(v))
}

// Zigzag maps signed to unsigned integers so that small magnitudes encode short.
func Zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// AppendFixed64Field appends a fixed64 or sfixed64 field.
func AppendFixed64Field(b []byte, field int, v uint64) []byte {
	return binary.LittleEndian.AppendUint64(AppendTag(b, field, Fixed64), v)
}

// AppendDoubleField appends a double field.
func AppendDoubleField(b []byte, field int, v float64) []byte {
	return AppendFixed64Field(b, field, math.Float64bits(v))
}

// AppendStringField appends a string or bytes field.
func AppendStringField[S string | []byte](b []byte, field int, s S) []byte {
	b = AppendUvarint(AppendTag(b, field, Bytes), uint64(len(s)))
	return append(b, s...)
}

// AppendLen appends the key and length of a length-delimited field whose n bytes of body the
// caller appends next.
func AppendLen(b []byte, field, n int) []byte {
	return AppendUvarint(AppendTag(b, field, Bytes), uint64(n))
}

// Begin starts a length-delimited field (a nested message or a packed repeated field) and
// returns the position of its length byte, which End takes.
func Begin(b []byte, field int) ([]byte, int) {
	b = AppendTag(b, field, Bytes)
	return append(b, 0), len(b)
}

// End closes the length-delimited field whose length byte is at start.
func End(b []byte, start int) []byte {
	n := len(b) - start - 1
	if n < 0x80 {
		b[start] = byte(n)
		return b
	}
	size := UvarintLen(uint64(n))
	end := len(b)
	b = append(b, zeros[:size-1]...)
	copy(b[start+size:], b[start+1:end])
	binary.PutUvarint(b[start:], uint64(n))
	return b
}

// UvarintLen is the number of bytes of the varint encoding of v.
func UvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
