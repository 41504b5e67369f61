package prom

import (
	"math/bits"
	"unsafe"
)

// hashString mixes s into h. It is a wyhash-style hash specialised for the short strings label
// values usually are: two multiplications for up to 8 bytes, no call, no allocation. It only
// spreads children over a table whose probes compare the full values, so a collision costs a
// probe, never a wrong answer; the per-vector random seed in h keeps inputs from steering
// collisions across processes.
func hashString(s string, h uint64) uint64 {
	p := unsafe.Pointer(unsafe.StringData(s))
	n := uintptr(len(s))
	var a, b uint64
	switch {
	case n == 0:
	case n < 4:
		a = uint64(*(*byte)(p))<<16 | uint64(*(*byte)(unsafe.Add(p, n>>1)))<<8 | uint64(*(*byte)(unsafe.Add(p, n-1)))
	case n <= 8:
		a = uint64(*(*uint32)(p))
		b = uint64(*(*uint32)(unsafe.Add(p, n-4)))
	default:
		for n > 8 {
			hi, lo := bits.Mul64(h^*(*uint64)(p), 0xa0761d6478bd642f)
			h = hi ^ lo
			p = unsafe.Add(p, 8)
			n -= 8
		}
		a = *(*uint64)(unsafe.Add(p, n-8)) // the last 8 bytes, overlapping what was mixed
	}
	hi, lo := bits.Mul64(h^a^0xe7037ed1a0b428db, b^uint64(len(s))^0x8ebc6af09c88c6e3)
	return hi ^ lo
}
