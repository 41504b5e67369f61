package stripe

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// CellWords is the stride unit of a cell, in 8-byte words: 128 bytes, two cache lines, so
// that neither false sharing nor the adjacent-line prefetcher couples two cells.
const CellWords = 16

// MaxCells bounds the cells of a series, and so its memory on machines with many cores: Ps
// beyond it share cells, which stays correct and still spreads the load.
const MaxCells = 64

// cfg is what every striped series shares, on cache lines of its own: the number of cells,
// fixed at start-up, and the seed of the hash that maps goroutines to cells. A collision (two
// goroutines updating one cell at once) draws a new seed, so that the goroutines running
// together spread out again, as LongAdder rehashes a thread's probe; collisions are rare, so
// the seed's line is read far more than it is written.
var cfg struct {
	_     [CellWords / 2]uint64
	cells int  // 2×GOMAXPROCS at start-up, rounded up to a power of two, at most MaxCells
	shift uint // 64 − log2(cells), 63 at most: Cell keeps the top bits of a 64-bit hash
	seed  atomic.Uint64
	// drawn is when the seed was last drawn, on the monotonic clock (mono): a new one is
	// drawn at most once per reseedInterval, so that many goroutines colliding on many cores
	// cannot turn the seed into a contended word of its own, and a step of the wall clock
	// cannot hold the next draw back.
	drawn atomic.Int64
	_     [CellWords / 2]uint64
}

// reseedInterval is the least time between two draws of the seed.
const reseedInterval = int64(time.Millisecond)

var monoBase = time.Now()

// mono returns the nanoseconds since start-up on the monotonic clock.
func mono() int64 { return int64(time.Since(monoBase)) }

func init() {
	c := &cfg
	c.cells, c.shift = 2, 63 // at least two cells: preemption alone can make contention
	for c.cells < 2*runtime.GOMAXPROCS(0) && c.cells < MaxCells {
		c.cells, c.shift = c.cells<<1, c.shift-1
	}
	c.seed.Store(rand.Uint64())
}

// Cells returns the number of cells of a striped series, fixed at start-up.
func Cells() int { return cfg.cells }

// Stripes is the first word of the cells of a contended series: Cells() cells of stride words
// each, stride a multiple of CellWords. A series keeps a pointer to it and knows its stride, so
// that finding a cell costs one dependent load, not two.
type Stripes struct{ first atomic.Uint64 }

// StrideOf returns the stride of cells of width words.
func StrideOf(width int) int { return (width + CellWords - 1) &^ (CellWords - 1) }

// Install sets *p to new cells of width words, unless another goroutine was first, and
// returns the cells in place.
func Install(p *atomic.Pointer[Stripes], width int) *Stripes {
	if s := p.Load(); s != nil {
		return s
	}
	w := make([]atomic.Uint64, cfg.cells*StrideOf(width))
	p.CompareAndSwap(nil, (*Stripes)(unsafe.Pointer(&w[0])))
	return p.Load()
}

// Word returns word o of the cells.
func (s *Stripes) Word(o int) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Add(unsafe.Pointer(s), o*8))
}

// Cell returns the offset of the calling goroutine's cell, chosen by a hash of an address on
// its stack: distinct for the goroutines running at one time, stable while one runs (until its
// stack moves), and a load, a multiplication and a shift to compute. Go offers no cheaper
// stable identity of a goroutine or of the P it runs on: pinning to read the P's id takes two
// runtime calls on every add.
func Cell(stride int) int {
	var onStack byte
	h := (uint64(uintptr(unsafe.Pointer(&onStack))) ^ cfg.seed.Load()) * 0x9e3779b97f4a7c15
	return int(h>>(cfg.shift&63)) * stride // &63: no check for shifts of 64 or more
}

// Collided draws a new seed after two goroutines met in one cell, unless one was drawn in the
// last reseedInterval.
func Collided() {
	now, last := mono(), cfg.drawn.Load()
	if now-last >= reseedInterval && cfg.drawn.CompareAndSwap(last, now) {
		cfg.seed.Store(rand.Uint64())
	}
}

// probeCell checks whether the cell word w, which the calling goroutine just set to n, is
// shared with a goroutine running at the same time, and redraws the seed if so.
func probeCell(w *atomic.Uint64, n uint64) {
	if contended(w, n) {
		Collided()
	}
}

// probeEvery is how often, in adds, Counter.Add probes its word for contention: rarely
// enough that the probe's cost (probeLoads loads, a quarter of a load per add) vanishes,
// often enough that a contended series stripes within a millisecond. Inc probes once in
// 65,536 increments, when its slow zone comes round (see Counter.Inc).
const probeEvery = 1 << probeEveryLog

const probeEveryLog = 12

// sampled picks about one value in probeEvery of any arithmetic sequence, by a multiplicative
// hash, so that an add of any step probes for contention now and then.
func sampled(n uint64) bool { return n*0x9e3779b97f4a7c15>>(64-probeEveryLog) == 0 }

// probeCellEvery is how often, in adds, a striped cell probes for another goroutine sharing
// it: less often than an uncontended word probes, since a striped series is one that updates
// run hot on, and a shared cell only costs until the next probe finds it (a few hundred
// microseconds of adds at the contended rate).
const probeCellEvery = 1 << probeCellEveryLog

const probeCellEveryLog = 14

// sampledCell picks about one value in probeCellEvery of any arithmetic sequence, as sampled
// does.
func sampledCell(n uint64) bool { return n*0x9e3779b97f4a7c15>>(64-probeCellEveryLog) == 0 }

// probeLoads is how many times contended reads a word: about 300 ns of loads that hit the
// cache, longer than a cache line takes to go to another core and back (120 ns between the
// two cores of the 2-core AMD EPYC the benchmarks run on). A shorter watch ends before the
// other core's add can reach the word: the loads all hit the line the probing core's own add
// just brought in. With 64 loads, two goroutines incrementing one counter on two cores took
// up to 7 passes of the slow zone (450,000 contended increments) to stripe it, with 256 or
// more one pass.
const probeLoads = 1024

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

// Sum returns the sum of word j over the cells.
func (s *Stripes) Sum(stride, j int) uint64 {
	var t uint64
	for c := range cfg.cells {
		t += s.Word(c*stride + j).Load()
	}
	return t
}

// SumFloat returns the sum of word j, float64 bits, over the cells.
func (s *Stripes) SumFloat(stride, j int) float64 {
	var t float64
	for c := range cfg.cells {
		t += math.Float64frombits(s.Word(c*stride + j).Load())
	}
	return t
}

// Clear sets every word of the cells to 0.
func (s *Stripes) Clear(stride int) {
	for o := range cfg.cells * stride {
		s.Word(o).Store(0)
	}
}
