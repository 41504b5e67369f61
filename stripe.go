package prom

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Contention-adaptive striping, in the manner of Java's LongAdder.
//
// A counter or classic histogram starts with one set of words that every update changes with
// an atomic operation. When it finds that goroutines on several cores update it at once, it
// allocates stripes, once: 2×GOMAXPROCS cells (as at start-up, rounded up to a power of two,
// at most maxCells), each on its own pair of cache lines, and from then on every update goes
// to the cell of the goroutine making it. Cores then no longer fight over one cache line, and a
// series that is never contended never pays the memory. (A native histogram stripes the same
// way, with a pair of buffers per cell: see native_state.go.)
//
// Detecting contention must not slow the uncontended path. A histogram's sum is a
// compare-and-swap loop anyway, and its failure is the signal. A counter's Inc stays a single
// atomic add (a compare-and-swap costs a third more on current x86 cores): about one
// increment in 256, chosen by the value the add returns, it watches its word for a few dozen
// loads, and a change seen there means another core is incrementing at the same time.
//
// Readers sum the base words and the cells. Every word only grows (until Reset), so a sum read
// word by word is never less than an earlier one, and a histogram's count, derived from the
// buckets read in the same pass, always equals its +Inf bucket.

// cellWords is the stride unit of a cell, in 8-byte words: 128 bytes, two cache lines, so
// that neither false sharing nor the adjacent-line prefetcher couples two cells.
const cellWords = 16

// maxCells bounds the cells of a series, and so its memory on machines with many cores: Ps
// beyond it share cells, which stays correct and still spreads the load.
const maxCells = 64

// stripeCfg is what every striped series shares, on cache lines of its own: the number of
// cells, fixed at start-up, and the seed of the hash that maps goroutines to cells. A collision
// (two goroutines updating one cell at once) draws a new seed, so that the goroutines running
// together spread out again, as LongAdder rehashes a thread's probe; collisions are rare, so
// the seed's line is read far more than it is written.
var stripeCfg struct {
	_     [cellWords / 2]uint64
	cells int  // 2×GOMAXPROCS at start-up, rounded up to a power of two, at most maxCells
	shift uint // 64 − log2(cells), 63 at most: cell() keeps the top bits of a 64-bit hash
	seed  atomic.Uint64
	// drawn is when the seed was last drawn, on the monotonic clock (mono): a new one is
	// drawn at most once per reseedInterval, so that many goroutines colliding on many cores
	// cannot turn the seed into a contended word of its own, and a step of the wall clock
	// cannot hold the next draw back.
	drawn atomic.Int64
	_     [cellWords / 2]uint64
}

// reseedInterval is the least time between two draws of the seed.
const reseedInterval = int64(time.Millisecond)

func init() {
	c := &stripeCfg
	c.cells, c.shift = 2, 63 // at least two cells: preemption alone can make contention
	for c.cells < 2*runtime.GOMAXPROCS(0) && c.cells < maxCells {
		c.cells, c.shift = c.cells<<1, c.shift-1
	}
	c.seed.Store(rand.Uint64())
}

// stripes is the first word of the cells of a contended series: stripeCfg.cells cells of
// stride words each, stride a multiple of cellWords. A series keeps a pointer to it and
// knows its stride, so that finding a cell costs one dependent load, not two.
type stripes struct{ first atomic.Uint64 }

// strideOf returns the stride of cells of width words.
func strideOf(width int) int { return (width + cellWords - 1) &^ (cellWords - 1) }

// install sets *p to new cells of width words, unless another goroutine was first, and
// returns the cells in place.
func install(p *atomic.Pointer[stripes], width int) *stripes {
	if s := p.Load(); s != nil {
		return s
	}
	w := make([]atomic.Uint64, stripeCfg.cells*strideOf(width))
	p.CompareAndSwap(nil, (*stripes)(unsafe.Pointer(&w[0])))
	return p.Load()
}

// word returns word o of the cells.
func (s *stripes) word(o int) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Add(unsafe.Pointer(s), o*8))
}

// cell returns the offset of the calling goroutine's cell, chosen by a hash of an address on
// its stack: distinct for the goroutines running at one time, stable while one runs (until its
// stack moves), and a load, a multiplication and a shift to compute. Go offers no cheaper
// stable identity of a goroutine or of the P it runs on: pinning to read the P's id takes two
// runtime calls on every add.
func cell(stride int) int {
	var onStack byte
	h := (uint64(uintptr(unsafe.Pointer(&onStack))) ^ stripeCfg.seed.Load()) * 0x9e3779b97f4a7c15
	return int(h>>(stripeCfg.shift&63)) * stride // &63: no check for shifts of 64 or more
}

// collided draws a new seed after two goroutines met in one cell, unless one was drawn in the
// last reseedInterval.
func collided() {
	now, last := mono(), stripeCfg.drawn.Load()
	if now-last >= reseedInterval && stripeCfg.drawn.CompareAndSwap(last, now) {
		stripeCfg.seed.Store(rand.Uint64())
	}
}

// probeCell checks whether the cell word w, which the calling goroutine just set to n, is
// shared with a goroutine running at the same time, and redraws the seed if so.
func probeCell(w *atomic.Uint64, n uint64) {
	if contended(w, n) {
		collided()
	}
}

// probeEvery is how often, in adds, a word probes for contention: rarely enough that the
// probe's cost vanishes, often enough that a contended series stripes within microseconds.
const probeEvery = 256

// sampled picks about one value in probeEvery of any arithmetic sequence, by a multiplicative
// hash, so that an add of any step probes for contention now and then.
func sampled(n uint64) bool { return n*0x9e3779b97f4a7c15>>56 == 0 }

// probeLoads is how many times contended reads a word: some tens of nanoseconds, longer than
// a contended atomic add takes on another core.
const probeLoads = 64

// contended reports whether another goroutine changes w, which this one just set to n,
// within probeLoads loads.
func contended(w *atomic.Uint64, n uint64) bool {
	for range probeLoads {
		if w.Load() != n {
			return true
		}
	}
	return false
}

// sum returns the sum of word j over the cells.
func (s *stripes) sum(stride, j int) uint64 {
	var t uint64
	for c := range stripeCfg.cells {
		t += s.word(c*stride + j).Load()
	}
	return t
}

// sumFloat returns the sum of word j, float64 bits, over the cells.
func (s *stripes) sumFloat(stride, j int) float64 {
	var t float64
	for c := range stripeCfg.cells {
		t += math.Float64frombits(s.word(c*stride + j).Load())
	}
	return t
}

// clear sets every word of the cells to 0.
func (s *stripes) clear(stride int) {
	for o := range stripeCfg.cells * stride {
		s.word(o).Store(0)
	}
}
