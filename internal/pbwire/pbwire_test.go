package pbwire

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// TestBeginEnd checks nested fields of every length class against the length written up
// front: End moves bodies of 128 bytes or more up by the extra bytes of their length.
func TestBeginEnd(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 300, 16383, 16384, 1 << 21} {
		body := strings.Repeat("x", n)
		b, at := Begin([]byte{0xaa}, 5)
		b = append(b, body...)
		b = End(b, at)
		want := AppendLen([]byte{0xaa}, 5, n)
		want = append(want, body...)
		if !bytes.Equal(b, want) {
			t.Errorf("body of %d bytes: got %d bytes, want %d", n, len(b), len(want))
		}
		if UvarintLen(uint64(n)) != len(binary.AppendUvarint(nil, uint64(n))) {
			t.Errorf("UvarintLen(%d) = %d", n, UvarintLen(uint64(n)))
		}
	}
}

// TestFields checks each field helper against bytes worked out by hand from the protobuf
// encoding.
func TestFields(t *testing.T) {
	for _, tc := range []struct {
		got, want []byte
	}{
		{AppendVarintField(nil, 1, 150), []byte{0x08, 0x96, 0x01}},
		{AppendInt64Field(nil, 2, -1), []byte{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{AppendSintField(nil, 1, -3), []byte{0x08, 0x05}},
		{AppendSintField(nil, 1, 3), []byte{0x08, 0x06}},
		{AppendFixed64Field(nil, 3, 1), []byte{0x19, 1, 0, 0, 0, 0, 0, 0, 0}},
		{AppendDoubleField(nil, 4, 1), append([]byte{0x21}, binary.LittleEndian.AppendUint64(nil, math.Float64bits(1))...)},
		{AppendStringField(nil, 2, "hi"), []byte{0x12, 0x02, 'h', 'i'}},
		{AppendStringField(nil, 16, []byte{7}), []byte{0x82, 0x01, 0x01, 0x07}},
	} {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("got % x, want % x", tc.got, tc.want)
		}
	}
}
