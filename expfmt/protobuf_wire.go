package expfmt

import (
	"encoding/binary"
	"math"
)

// Protobuf wire format, as much of it as the exposition writer needs: every helper appends one
// field to b and returns the extended slice. Nested messages are written in place: beginMessage
// reserves one byte for the length, and endMessage fills it in, moving the body up by a few bytes
// in the rare case that it is 128 bytes or longer. That keeps nesting free of scratch buffers
// and of a first pass that only computes sizes.

// Wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
)

// zeros supplies the bytes endMessage grows a buffer by; a varint is at most 10 bytes long.
var zeros [binary.MaxVarintLen64]byte

func appendTag(b []byte, field, wire int) []byte {
	return appendUvarint(b, uint64(field)<<3|uint64(wire))
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	return appendUvarint(appendTag(b, field, wireVarint), v)
}

// appendInt64Field writes an int64 or int32 field: negative values take ten bytes, as the
// protobuf encoding of those types requires.
func appendInt64Field(b []byte, field int, v int64) []byte {
	return appendVarintField(b, field, uint64(v))
}

// appendSintField writes a sint32 or sint64 field (zigzag encoding). For values in the int32
// range the 64-bit zigzag encoding equals the 32-bit one.
func appendSintField(b []byte, field int, v int64) []byte {
	return appendVarintField(b, field, zigzag(v))
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func appendDoubleField(b []byte, field int, v float64) []byte {
	return binary.LittleEndian.AppendUint64(appendTag(b, field, wireFixed64), math.Float64bits(v))
}

func appendStringField(b []byte, field int, s string) []byte {
	b = appendUvarint(appendTag(b, field, wireBytes), uint64(len(s)))
	return append(b, s...)
}

// beginMessage starts a length-delimited field (a nested message or a packed repeated field)
// and returns the position of its length byte, which endMessage takes.
func beginMessage(b []byte, field int) ([]byte, int) {
	b = appendTag(b, field, wireBytes)
	return append(b, 0), len(b)
}

// endMessage closes the length-delimited field whose length byte is at start.
func endMessage(b []byte, start int) []byte {
	n := len(b) - start - 1
	if n < 0x80 {
		b[start] = byte(n)
		return b
	}
	size := uvarintLen(uint64(n))
	end := len(b)
	b = append(b, zeros[:size-1]...)
	copy(b[start+size:], b[start+1:end])
	binary.PutUvarint(b[start:], uint64(n))
	return b
}

// uvarintLen is the number of bytes of the varint encoding of v.
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendTimestampField writes a google.protobuf.Timestamp of ns nanoseconds since the Unix
// epoch: whole seconds, and nanoseconds in [0, 1e9) as the message requires even before 1970.
// Zero fields are left out, as proto3 writes them.
func appendTimestampField(b []byte, field int, ns int64) []byte {
	sec, nanos := ns/1e9, ns%1e9
	if nanos < 0 {
		nanos += 1e9
		sec--
	}
	b, start := beginMessage(b, field)
	if sec != 0 {
		b = appendInt64Field(b, 1, sec)
	}
	if nanos != 0 {
		b = appendInt64Field(b, 2, nanos)
	}
	return endMessage(b, start)
}

// appendUvarint is binary.AppendUvarint with the one-byte case, that of nearly every tag and
// length, inlined.
func appendUvarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return binary.AppendUvarint(b, v)
}

func putUvarint(b []byte, v uint64) int { return binary.PutUvarint(b, v) }
