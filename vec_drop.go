package prom

import "github.com/prom-go/prom/internal/labeltab"

// The removal of children: by Remove and its kin, and by expiry (expire.go).

// dropLocked unlinks the children in drop and returns how many there were. Called with mu.
func (v *Vec[T, P]) dropLocked(drop map[*T]bool) int {
	if len(drop) == 0 {
		return 0
	}
	v.forget(drop)
	// Relink the survivors. A scrape walking the old links still sees a consistent list,
	// because removed children keep their next pointers.
	var first, last *T
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		if drop[p] {
			continue
		}
		if last == nil {
			first = p
		} else {
			labeltab.HeadOf(last).Next.Store(p)
		}
		last = p
	}
	if last != nil {
		labeltab.HeadOf(last).Next.Store(nil)
	}
	size := v.tab.Load().Len()
	for size > 8 && (v.n-len(drop))*8 < size {
		size /= 2 // shrink with the children, so that the memory of removed ones is freed
	}
	v.first.Store(first)
	v.last = last
	v.n -= len(drop)
	v.tab.Store(v.rebuild(size, drop))
	return len(drop)
}

// rebuild returns a new table of the given size holding every child but drop. Called with mu.
func (v *Vec[T, P]) rebuild(size int, drop map[*T]bool) *labeltab.Table[T] {
	t := labeltab.NewTable[T](size)
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		if !drop[p] {
			t.Put(p, labeltab.HeadOf(p).Hash)
		}
	}
	return t
}
