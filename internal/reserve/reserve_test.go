package reserve

import (
	"runtime"
	"testing"
)

// A Reserve gives back what it was given, up to its size, after garbage collections.
func TestReserve(t *testing.T) {
	r := New[*int](2)
	if _, ok := r.Get(); ok {
		t.Fatal("an empty Reserve returned an object")
	}
	a, b, c := new(int), new(int), new(int)
	r.Put(a)
	r.Put(b)
	r.Put(c) // dropped: the Reserve is full
	runtime.GC()
	runtime.GC()
	got := map[*int]bool{}
	for {
		v, ok := r.Get()
		if !ok {
			break
		}
		got[v] = true
	}
	if len(got) != 2 || !got[a] || !got[b] {
		t.Errorf("got back %d objects (a %v, b %v, c %v), want a and b", len(got), got[a], got[b], got[c])
	}
}
