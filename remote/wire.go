package remote

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The protobuf wire format, as much of it as the two request messages need. Nested messages
// are written in place: beginMsg reserves one byte for the length, finishMsg writes the length there,
// moving the message right when its length needs more than one byte. No message is built
// apart and copied, and nothing is allocated beyond the growth of the buffer.

const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
)

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field)<<3|uint64(wire))
}

func appendUvarintField(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(appendTag(b, field, wireVarint), v)
}

func appendInt64Field(b []byte, field int, v int64) []byte {
	return appendUvarintField(b, field, uint64(v)) // int64 is written as its two's complement
}

func appendSint(b []byte, v int64) []byte {
	return binary.AppendUvarint(b, uint64(v<<1)^uint64(v>>63))
}

func appendDoubleField(b []byte, field int, v float64) []byte {
	return binary.LittleEndian.AppendUint64(appendTag(b, field, wireFixed64), math.Float64bits(v))
}

func appendStringField(b []byte, field int, s string) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(s)))
	return append(b, s...)
}

// beginMsg starts a nested message (or packed field) with the given field number and returns
// the buffer and the position of its length byte for finishMsg.
func beginMsg(b []byte, field int) ([]byte, int) {
	b = appendTag(b, field, wireBytes)
	return append(b, 0), len(b)
}

// finishMsg ends the nested message opened at at.
func finishMsg(b []byte, at int) []byte {
	n := len(b) - at - 1
	if n < 0x80 {
		b[at] = byte(n)
		return b
	}
	extra := uvarintLen(uint64(n)) - 1
	b = append(b, make([]byte, extra)...) // the compiler grows b without allocating the zeros
	copy(b[at+1+extra:], b[at+1:len(b)-extra])
	binary.PutUvarint(b[at:], uint64(n))
	return b
}

func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }
