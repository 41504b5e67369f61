package prom

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Contention-adaptive striping, in the manner of Java's LongAdder.
//
// A counter or classic histogram starts with one set of words that every update changes with
// an atomic operation. When it finds that goroutines on several cores update it at once, it
// allocates stripes, once: 2×GOMAXPROCS cells (rounded up to a power of two, at most
// maxCells), each on its own pair of cache lines, and from then on every update goes to the
// cell of the goroutine making it. Cores then no longer fight over one cache line, and a series
// that is never contended never pays the memory.
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

// stripes are the cells of a contended series: each cell is width words within a stride of
// whole cellWords units.
type stripes struct {
	_      [cellWords / 2]uint64 // apart from what the allocator puts before
	w      []atomic.Uint64
	stride int
	shift  uint // 64 − log2(cells): cell() keeps the top bits of a 64-bit hash
	// seed mixes into the hash that maps goroutines to cells; a collision (two goroutines
	// updating one cell at once) draws a new one, so that the goroutines running together
	// spread out again, as LongAdder rehashes a thread's probe.
	seed atomic.Uint64
	_    [cellWords / 2]uint64 // apart from what the allocator puts after
}

// newStripes allocates cells of width words: twice GOMAXPROCS rounded up to a power of two,
// at most maxCells.
func newStripes(width int) *stripes {
	n, bits := 1, uint(0)
	for n < 2*runtime.GOMAXPROCS(0) && n < maxCells {
		n, bits = n<<1, bits+1
	}
	stride := (width + cellWords - 1) / cellWords * cellWords
	s := &stripes{w: make([]atomic.Uint64, n*stride), stride: stride, shift: 64 - bits}
	s.seed.Store(rand.Uint64())
	return s
}

// cell returns the offset of the calling goroutine's cell, chosen by a hash of an address on
// its stack: distinct for the goroutines running at one time, stable while one runs (until its
// stack moves), and about a nanosecond to compute. Go offers no cheaper stable identity of a
// goroutine or of the P it runs on (pinning to read the P's id costs two runtime calls, which
// took the striped Inc from 3 to 5.5 ns on the machine this was written on).
func (s *stripes) cell() int {
	var onStack byte
	h := (uint64(uintptr(unsafe.Pointer(&onStack))) ^ s.seed.Load()) * 0x9e3779b97f4a7c15
	return int(h>>s.shift) * s.stride
}

// collided draws a new seed after two goroutines met in one cell.
func (s *stripes) collided() { s.seed.Store(rand.Uint64()) }

// add adds u to word j of the calling goroutine's cell. Like a counter's base word, the cell
// samples for contention: two goroutines that share it redraw the seed.
func (s *stripes) add(j int, u uint64) {
	w := &s.w[s.cell()+j]
	if n := w.Add(u); sampled(n) && contended(w, n) {
		s.collided()
	}
}

// observe adds 1 to word i of the calling goroutine's cell and v to its float64 word j.
func (s *stripes) observe(i, j int, v float64) {
	o := s.cell()
	s.w[o+i].Add(1)
	w := &s.w[o+j]
	if old := w.Load(); !w.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		s.collided()
		addFloat(w, v)
	}
}

// sampled picks about one value in 256 of any arithmetic sequence, by a multiplicative hash,
// so that an add of any step probes for contention now and then.
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
func (s *stripes) sum(j int) uint64 {
	var t uint64
	for o := j; o < len(s.w); o += s.stride {
		t += s.w[o].Load()
	}
	return t
}

// sumFloat returns the sum of word j, float64 bits, over the cells.
func (s *stripes) sumFloat(j int) float64 {
	var t float64
	for o := j; o < len(s.w); o += s.stride {
		t += math.Float64frombits(s.w[o].Load())
	}
	return t
}

// clear sets every word to 0.
func (s *stripes) clear() {
	for i := range s.w {
		s.w[i].Store(0)
	}
}

// install sets *p to new stripes of width words, unless another goroutine was first, and
// returns the stripes in place.
func install(p *atomic.Pointer[stripes], width int) *stripes {
	if s := p.Load(); s != nil {
		return s
	}
	p.CompareAndSwap(nil, newStripes(width))
	return p.Load()
}
