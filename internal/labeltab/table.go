package labeltab

import (
	"sync/atomic"
	"unsafe"
)

// Table is the open-addressing index of a vector's children, replaced whole when it grows.
// Slot i holds nil or a child's address plus the tag of its hash (Tag) in the address's low
// bits, so that a probe passes over most other children without loading them: once children
// outgrow the cache, each such load is a miss, and they made most of the cost of creating one.
// Children are allocated 8-byte aligned and larger than 8 bytes, so a tagged address still
// points inside its child and keeps it alive; the slots are *byte, of alignment 1, so that
// holding it is legal (invariant 2 of the package).
//
// Readers probe a table without a lock; writers, holding the vector's lock, fill empty slots
// atomically, or replace the table.
//
// Every lookup reads the table's header, so it fills a cache line of its own: sharing one with
// a small object that another core writes (testing.PB, the 32 bytes RunParallel's loop
// counts in, was one) made lookups on two cores slower than on one.
type Table[T any] struct {
	slots []atomic.Pointer[byte]
	mask  uint64
	_     [CacheLine - 3*unsafe.Sizeof(uintptr(0)) - 8]byte
}

// CacheLine is the size of a cache line on the processors prom is tuned for.
const CacheLine = 64

// NewTable returns an empty table of size slots, a power of two.
func NewTable[T any](size int) *Table[T] {
	return &Table[T]{slots: make([]atomic.Pointer[byte], size), mask: uint64(size - 1)}
}

// Len returns the number of slots.
func (t *Table[T]) Len() int { return len(t.slots) }

// Mask returns the number of slots minus one: slot i's successor is (i+1)&Mask().
func (t *Table[T]) Mask() uint64 { return t.mask }

// Tag returns the tag of hash h: its top 3 bits, independent of the bits that index a table.
func Tag(h uint64) uintptr { return uintptr(h >> 61) }

// At returns the child in slot i if its tag is tag, nil if another child is there, and
// end true when the slot is empty, which ends a probe.
func (t *Table[T]) At(i uint64, tag uintptr) (p *T, end bool) {
	s := unsafe.Pointer(t.slots[i].Load())
	if s == nil {
		return nil, true
	}
	if uintptr(s)&7 != tag {
		return nil, false
	}
	return (*T)(unsafe.Add(s, -int(tag))), false
}

// Child returns the child in slot i, nil if the slot is empty.
func (t *Table[T]) Child(i uint64) *T {
	s := unsafe.Pointer(t.slots[i].Load())
	if s == nil {
		return nil
	}
	return (*T)(unsafe.Add(s, -int(uintptr(s)&7)))
}

// Set puts child p, of hash h, in slot i.
func (t *Table[T]) Set(i uint64, p *T, h uint64) {
	t.slots[i].Store((*byte)(unsafe.Add(unsafe.Pointer(p), Tag(h))))
}

// Put puts child p, of hash h, in the first free slot of its probe sequence.
func (t *Table[T]) Put(p *T, h uint64) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].Load() == nil {
			t.Set(i, p, h)
			return
		}
	}
}

// Find probes t for the child of hash h whose label values, stored as l says, equal values.
// It returns the child, or nil and the empty slot where the probe ended, where such a child
// would go.
func Find[T any](t *Table[T], l Layout, h uint64, values []string) (*T, uint64) {
	tag := Tag(h)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		p, end := t.At(i, tag)
		if end {
			return nil, i
		}
		if p != nil && HeadOf(p).Hash == h && Equal(Values(l, p), values) {
			return p, i
		}
	}
}

// Insert adds child p, whose hash is in its head, given the slot where Find ended and the
// number of children with p. It returns the table to publish: t itself, with p in slot i, or
// twice its size when t would be more than three quarters full.
func (t *Table[T]) Insert(p *T, i uint64, n int) *Table[T] {
	h := HeadOf(p).Hash
	if n*4 <= len(t.slots)*3 {
		t.Set(i, p, h)
		return t
	}
	g := t.Grow()
	g.Put(p, h)
	return g
}

// Grow returns a table twice the size of t with the same children. It walks t's slots rather
// than a creation-order list: independent loads the processor overlaps, where a list is a
// chain of dependent cache misses once the children outgrow the cache.
func (t *Table[T]) Grow() *Table[T] {
	n := NewTable[T](2 * len(t.slots))
	// In batches: first the children's hashes, loads the processor overlaps since nothing
	// depends on them yet, then the inserts, whose probes would otherwise stall each load.
	var ps [16]*T
	var hs [16]uint64
	for i := 0; i < len(t.slots); {
		k := 0
		for ; k < len(ps) && i < len(t.slots); i++ {
			if p := t.Child(uint64(i)); p != nil {
				ps[k] = p
				k++
			}
		}
		for j := range k {
			hs[j] = HeadOf(ps[j]).Hash
		}
		for j := range k {
			n.Put(ps[j], hs[j])
		}
	}
	return n
}
