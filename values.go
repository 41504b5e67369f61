package prom

import "unsafe"

// A labelled child is allocated together with its label values, in one object of the shape
// withValues[T, [n]string]: the series, then the n values, with no slice header and no second
// allocation. The family's core knows n and where the values start, so a child finds them
// without storing a pointer to them. Beyond maxInlineValues labels the array gives way to a
// slice (withValues[T, []string]), so that any number of labels works.

// maxInlineValues is the most label values a child stores inline.
const maxInlineValues = 8

// withValues is the shape of a labelled child: the series c and its label values v.
type withValues[T, A any] struct {
	c T
	v A
}

// valuesOffset returns where the label values of a child of type T start, from the start of
// the child. It is the same for every array length and for a slice, all of pointer alignment.
func valuesOffset[T any]() uintptr {
	return unsafe.Offsetof(withValues[T, [1]string]{}.v)
}

// allocChild returns a zeroed child of type T with room for n label values.
func allocChild[T any](n int) *T {
	switch n {
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
	x.v = make([]string, n)
	return &x.c
}

// valuesOf returns the label values stored with child p, a child of the family c belongs to.
func (c *core) valuesOf(p unsafe.Pointer) []string {
	switch n := c.nvals; {
	case n == 0:
		return nil
	case n > maxInlineValues:
		return *(*[]string)(unsafe.Add(p, c.valsAt))
	default:
		return unsafe.Slice((*string)(unsafe.Add(p, c.valsAt)), n)
	}
}
