package otlp

import "encoding/binary"

// Just enough protobuf decoding to read a receiver's short answers (send.go). Malformed input
// ends the reading; it never panics.

// field returns the first length-delimited field number num of message b.
func field(b []byte, num int) ([]byte, bool) {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, false
		}
		b = b[n:]
		wire, f := key&7, int(key>>3)
		switch wire {
		case 0:
			_, n = binary.Uvarint(b)
			if n <= 0 {
				return nil, false
			}
			b = b[n:]
		case 1, 5:
			size := 8
			if wire == 5 {
				size = 4
			}
			if len(b) < size {
				return nil, false
			}
			b = b[size:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return nil, false
			}
			if f == num {
				return b[n : n+int(l)], true
			}
			b = b[n+int(l):]
		default:
			return nil, false
		}
	}
	return nil, false
}

// varintField returns the first varint field number num of message b.
func varintField(b []byte, num int) (uint64, bool) {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		wire, f := key&7, int(key>>3)
		switch wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return 0, false
			}
			if f == num {
				return v, true
			}
			b = b[n:]
		case 1, 5:
			size := 8
			if wire == 5 {
				size = 4
			}
			if len(b) < size {
				return 0, false
			}
			b = b[size:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return 0, false
			}
			b = b[n+int(l):]
		default:
			return 0, false
		}
	}
	return 0, false
}
