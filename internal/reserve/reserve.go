// Package reserve keeps a few reusable objects across garbage collections, for the buffers and
// writers of a scrape. Scrapes come seconds apart, long enough for the collections in between
// to empty a sync.Pool, so each scrape would allocate them again; a Reserve holds on to them,
// up to as many as there are usually concurrent scrapes.
package reserve

// Reserve keeps up to a fixed number of objects for reuse. Its methods are safe for concurrent
// use and do not block.
type Reserve[T any] struct{ ch chan T }

// New returns a Reserve that keeps up to n objects.
func New[T any](n int) Reserve[T] { return Reserve[T]{make(chan T, n)} }

// Get returns a kept object, or false when there is none.
func (r Reserve[T]) Get() (T, bool) {
	select {
	case v := <-r.ch:
		return v, true
	default:
		var zero T
		return zero, false
	}
}

// Put keeps v, or leaves it to the garbage collector when the Reserve is full.
func (r Reserve[T]) Put(v T) {
	select {
	case r.ch <- v:
	default:
	}
}
