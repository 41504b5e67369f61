package stripe

import (
	"math"
	"sync/atomic"
	"unsafe"
)

// Counter is the storage of a counter: whole increments in one word while it is uncontended,
// striped cells once goroutines on several cores contend for it, and a rarely used part
// (fractional increments, the latest exemplar, a More[X]) allocated the first time it is
// needed. It is 16 bytes on 64-bit platforms, embedded by value in prom.Counter, so that Inc is
// one atomic add on the counter's own memory, inlined into the caller. It is not generic, so
// that Inc stays within the inliner's budget: the exemplar type X appears only in the functions
// that reach the rarely used part (Extra, Latest), and a counter must be used with one X.
type Counter struct {
	_ [0]atomic.Uint64 // 8-byte alignment wherever it is embedded (invariant 4)
	// n counts whole increments while the counter is uncontended. Its low byte doubles as
	// Inc's signal to take the slow path (see Inc), which is why Inc can be inlined. It is a
	// plain uint64 used only through sync/atomic functions, because atomic.Uint64's methods
	// cost Inc its inlining.
	n uint64
	// more is what few counters need, allocated the first time one is: nil, a *More or, once
	// goroutines on several cores contended for the counter, the first of its striped cells,
	// a *counterCell with the low bit of its address set (invariant 3). A striped Inc finds
	// its cell with this one load.
	more atomic.Pointer[byte]
}

// More is the rarely needed part of a Counter: fractional increments, and for its user the
// latest exemplar and the time it was kept. Bits comes first for every X (invariant 3), so
// that the counter reads its fractions without knowing X.
type More[X any] struct {
	Bits   atomic.Uint64 // float64 bits of fractional increments
	Ex     atomic.Pointer[X]
	ExLast atomic.Int64
}

// fractions is the start of every More[X].
type fractions struct{ Bits atomic.Uint64 }

// counterCell is a striped counter's cell: the whole increments of the goroutines that hash to
// it, on two cache lines of its own. The cells are one allocation, and the first cell also
// holds the counter's More, so that striping keeps it.
type counterCell struct {
	n    atomic.Uint64
	_    [CellWords - 2]uint64
	more atomic.Pointer[byte] // in the first cell: nil or a *More[X]
}

// A counterCell is a cell of CellWords words (invariant 2).
const _, _ = unsafe.Sizeof(counterCell{}) - CellWords*8, CellWords*8 - unsafe.Sizeof(counterCell{})

// cellsTag marks Counter.more as the address of the counter's cells.
const cellsTag = 1

// moreOf returns what p, a value of Counter.more, says: the More (as a *byte), nil if there
// is none yet, and the cells, nil while the counter is uncontended.
func moreOf(p *byte) (*byte, *counterCell) {
	if uintptr(unsafe.Pointer(p))&cellsTag == 0 {
		return p, nil
	}
	cs := (*counterCell)(unsafe.Add(unsafe.Pointer(p), -cellsTag))
	return cs.more.Load(), cs
}

// Extra returns the rarely used part of c, allocating it (24 bytes and an X pointer) the first
// time. Every call for one counter must name the same X.
func Extra[X any](c *Counter) *More[X] {
	for {
		p := c.more.Load()
		m, cs := moreOf(p)
		switch {
		case m != nil:
			return (*More[X])(unsafe.Pointer(m))
		case cs != nil:
			cs.more.CompareAndSwap(nil, (*byte)(unsafe.Pointer(new(More[X]))))
		default:
			c.more.CompareAndSwap(nil, (*byte)(unsafe.Pointer(new(More[X]))))
		}
	}
}

// Latest returns the exemplar kept in the rarely used part of c, nil if none.
func Latest[X any](c *Counter) *X {
	if m, _ := moreOf(c.more.Load()); m != nil {
		return (*More[X])(unsafe.Pointer(m)).Ex.Load()
	}
	return nil
}

// stripes returns the counter's cells, or nil while it is uncontended. It is one load.
func (c *Counter) stripes() *Stripes {
	if p := unsafe.Pointer(c.more.Load()); uintptr(p)&cellsTag != 0 {
		return (*Stripes)(unsafe.Add(p, -cellsTag))
	}
	return nil
}

// Striped reports whether the counter has switched to striped cells.
func (c *Counter) Striped() bool { return c.stripes() != nil }

// stripe switches the counter to striped cells, unless another goroutine did.
func (c *Counter) stripe() {
	for {
		p := c.more.Load()
		m, cs := moreOf(p)
		if cs != nil {
			return
		}
		cells := make([]counterCell, cfg.cells)
		cells[0].more.Store(m)
		if c.more.CompareAndSwap(p, (*byte)(unsafe.Add(unsafe.Pointer(&cells[0]), cellsTag))) {
			return
		}
	}
}

// Inc adds 1. It is an atomic add, preceded by a load of the same word, and it is inlined
// into the caller. When goroutines on several cores increment the counter at once, it
// switches for good to striped cells (512 bytes on 2 cores, at most 8 KB), so that they do not
// fight over one cache line: Inc then costs a call, an atomic add on the goroutine's own cell
// and about a nanosecond to find it, and its throughput grows with the cores instead of
// falling.
func (c *Counter) Inc() {
	// The uncontended path must stay within the inliner's budget, so the decision to leave it
	// is one compare: the low 16 bits of n enter the slow zone (slowFrom and above) once every
	// 65,536 increments, and leaving it by the slow path probes for contention. Once the
	// counter is striped, the slow path adds to the cells instead, so n stays in the zone:
	// only the increments of goroutines that read n just before it entered can still move
	// it, and it takes more of them at once than the zone is wide to push n out of it.
	if uint16(atomic.LoadUint64(&c.n)) < slowFrom {
		atomic.AddUint64(&c.n, 1)
		return
	}
	c.incSlow()
}

// word returns n as the atomic.Uint64 it is used as.
func (c *Counter) word() *atomic.Uint64 { return (*atomic.Uint64)(unsafe.Pointer(&c.n)) }

// slowFrom is the lowest value of the low 16 bits of Counter.n that sends Inc to incSlow. The
// zone's width, 4, is the number of goroutines that, incrementing at the very moment a
// counter is striped, could push n out of it; its cost is that 4 increments in 65,536 take
// the call. The zone comes round every 65,536 increments rather than every 256, as it did
// with the low byte, so that an uncontended Inc pays neither the call nor the probe that
// goes with it (probeLoads loads) on 2% of its increments; a contended counter then stripes
// after at most 65,536 increments, a fraction of a millisecond of contention, as long as the
// probe watches longer than a cache line takes to reach the other core and come back.
const slowFrom = 0xfffc

// incSlow is Inc when the low byte of n is in the slow zone: on an uncontended counter, the
// add, and a probe for contention when the add leaves the zone; on a striped one, the add on
// the goroutine's cell.
//
//go:noinline
func (c *Counter) incSlow() {
	if s := c.stripes(); s != nil {
		// addCell, written out: addCell is too large to inline, and a second call made
		// the striped Inc a third slower.
		w := s.Word(Cell(CellWords))
		if n := w.Add(1); sampledCell(n) {
			probeCell(w, n)
		}
		return
	}
	if n := c.word().Add(1); uint16(n) == 0 && contended(c.word(), n) {
		c.stripe()
	}
}

// Add adds the whole increment u. Sampling for the probe by a hash of the sum, it works for
// any step.
func (c *Counter) Add(u uint64) {
	s := c.stripes()
	if s == nil {
		if n := c.word().Add(u); sampled(n) && contended(c.word(), n) {
			c.stripe()
		}
		return
	}
	addCell(s, u)
}

// addCell adds u to the calling goroutine's cell of s, now and then checking that no other
// goroutine shares the cell.
func addCell(s *Stripes, u uint64) {
	w := s.Word(Cell(CellWords))
	if n := w.Add(u); sampledCell(n) {
		probeCell(w, n)
	}
}

// Value returns the current value. On a contended counter it sums the cells.
func (c *Counter) Value() float64 {
	n, f := atomic.LoadUint64(&c.n), 0.0
	m, cs := moreOf(c.more.Load())
	if m != nil {
		f = math.Float64frombits((*fractions)(unsafe.Pointer(m)).Bits.Load())
	}
	if cs != nil {
		n += (*Stripes)(unsafe.Pointer(cs)).Sum(CellWords, 0) // whole increments add up exactly, so round once
	}
	return float64(n) + f
}

// Reset sets the counter back to 0. The exemplar stays.
func (c *Counter) Reset() {
	atomic.StoreUint64(&c.n, 0)
	m, cs := moreOf(c.more.Load())
	if cs != nil {
		cells := unsafe.Slice(cs, cfg.cells)
		for i := range cells {
			cells[i].n.Store(0)
		}
	}
	if m != nil {
		(*fractions)(unsafe.Pointer(m)).Bits.Store(0)
	}
}

// ForceStripes switches the counter to striped cells, as contention would, and moves its
// slow-path mark into place at once, as slowFrom more uncontended increments would, balancing
// it with a wrapped subtraction on a cell so that the value stays the same. It is for tests
// and benchmarks of the striped paths.
func (c *Counter) ForceStripes() {
	c.stripe()
	n := atomic.SwapUint64(&c.n, slowFrom)
	c.stripes().Word(0).Add(n - slowFrom) // wrapping
}
