package labeltab

import "unsafe"

// A labelled child is allocated together with its label values, in one object of the shape
// withValues[T, [n]string]: the series, then the n values, with no slice header and no second
// allocation. The family's Layout knows n and where the values start, so a child finds them
// without storing a pointer to them. Beyond MaxInline labels the array gives way to a slice
// (withValues[T, []string]), so that any number of labels works.

// MaxInline is the most label values a child stores inline.
const MaxInline = 8

// withValues is the shape of a labelled child: the series c and its label values v.
type withValues[T, A any] struct {
	c T
	v A
}

// Layout says where the children of a family keep their label values: how many there are and
// at what offset from the child. It is the same for every child of a family.
type Layout struct {
	n  int
	at uintptr
}

// LayoutOf returns the layout of children of type T with n label values.
func LayoutOf[T any](n int) Layout {
	// The offset is the same for every array length and for a slice, all of pointer alignment.
	return Layout{n: n, at: unsafe.Offsetof(withValues[T, [1]string]{}.v)}
}

// N returns the number of label values.
func (l Layout) N() int { return l.n }

// Alloc returns a zeroed child of type T with room for the label values of l.
func Alloc[T any](l Layout) *T {
	switch l.n {
	case 0:
		return new(T)
	case 1:
		return &new(withValues[T, [1]string]).c
	case 2:
		return &new(withValues[T, [2]string]).c
	case 3:
		return &new(withValues[T, [3]string]).c
	case 4:
		return &new(withValues[T, [4]string]).c
	case 5:
		return &new(withValues[T, [5]string]).c
	case 6:
		return &new(withValues[T, [6]string]).c
	case 7:
		return &new(withValues[T, [7]string]).c
	case 8:
		return &new(withValues[T, [8]string]).c
	}
	x := new(withValues[T, []string])
	x.v = make([]string, l.n)
	return &x.c
}

// Values returns the label values stored with the child at p, allocated by Alloc(l). P is the
// child's type or that of its first field (its head): the address is the same.
func Values[P any](l Layout, p *P) []string {
	switch n := l.n; {
	case n == 0:
		return nil
	case n > MaxInline:
		return *(*[]string)(unsafe.Add(unsafe.Pointer(p), l.at))
	default:
		return unsafe.Slice((*string)(unsafe.Add(unsafe.Pointer(p), l.at)), n)
	}
}

// Values2 returns the two label values of the child at p, allocated by Alloc(l) with l.N() == 2,
// in place: it is inlined into the two-label lookups.
func Values2[P any](l Layout, p *P) *[2]string {
	return (*[2]string)(unsafe.Add(unsafe.Pointer(p), l.at))
}
