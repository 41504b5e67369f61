package labeltab

import (
	"math/bits"
	"unsafe"
)

// The hash of a child's label values spreads children over the table of their vector, whose
// probes compare the full values: a collision costs a probe, never a wrong answer. It is a
// wyhash-style hash specialised for the short strings label values usually are (up to 8 bytes:
// two or three loads and one multiplication); the per-vector random seed keeps inputs from
// steering collisions across processes. Each value is hashed on its own, seeded by the vector's
// seed and its position, and the hashes are added: the processor runs the values'
// multiplications side by side instead of one after the other, and a lookup waits for the hash
// before its first load. Every path that inserts or finds a child must compute it the same way:
// HashValues, or its parts written out (ShortWords, MixValue, PosKey).

// HashValues returns the hash of label values for a vector with the given seed. It is one call
// whatever the number of values; a value of up to 8 bytes costs two or three loads and one
// multiplication.
func HashValues(seed uint64, values []string) uint64 {
	var h uint64
	for i, s := range values {
		if len(s) > 8 {
			h += hashLong(s, seed^PosKey(i))
		} else {
			a, b := ShortWords(s)
			h += MixValue(seed^PosKey(i), a, b, len(s))
		}
	}
	return h
}

// PosKey returns what seeds the hash of the value at position i, so that the same value at
// two positions hashes differently. Callers that unroll HashValues pass constants, folded.
func PosKey(i int) uint64 { return uint64(i+1) * hashK2 }

// ShortWords returns the bytes of s, of at most 8 bytes, in two words that with its length
// determine it. It is inlined, so a caller that knows its values are short hashes them without
// a call: h += MixValue(seed^PosKey(i), a, b, len(s)) for each.
func ShortWords(s string) (a, b uint64) {
	n := uint(len(s))
	if n >= 4 {
		p := unsafe.Pointer(unsafe.StringData(s))
		return uint64(*(*uint32)(p)), uint64(*(*uint32)(unsafe.Add(p, n-4)))
	}
	if n > 0 {
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	return a, 0
}

// MixValue returns the hash, seeded by h, of the value of n bytes whose words are a and b.
func MixValue(h, a, b uint64, n int) uint64 { return mix(h^a^hashK0, b^uint64(n)^hashK1) }

// hashLong returns the hash, seeded by h, of s, a string longer than 8 bytes: one
// multiplication per 8 bytes.
func hashLong(s string, h uint64) uint64 {
	p := unsafe.Pointer(unsafe.StringData(s))
	n := uintptr(len(s))
	for n > 8 {
		h = mix(h^*(*uint64)(p), hashK2)
		p = unsafe.Add(p, 8)
		n -= 8
	}
	a := *(*uint64)(unsafe.Add(p, n-8)) // the last 8 bytes, overlapping what was mixed
	return mix(h^a^hashK0, uint64(len(s))^hashK1)
}

const (
	hashK0 = 0xe7037ed1a0b428db
	hashK1 = 0x8ebc6af09c88c6e3
	hashK2 = 0xa0761d6478bd642f
)

// mix folds the 128-bit product of a and b into 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
