package labeltab

import (
	"sync/atomic"
	"unsafe"
)

// Head is the first field of every child a Table indexes: the hash of its label values and
// the next child in creation order.
type Head[T any] struct {
	Hash uint64
	Next atomic.Pointer[T] // creation order
}

// HeadOf returns the head of child p. T's first field is a Head[T] (invariant 1 of the
// package), so this is a conversion rather than a call through the generic dictionary, which
// the compiler cannot inline on the lookup path.
func HeadOf[T any](p *T) *Head[T] { return (*Head[T])(unsafe.Pointer(p)) }
