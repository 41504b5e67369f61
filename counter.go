package prom

import (
	"math"
	"sync/atomic"
	"time"
	"unsafe"
)

// Counter is a cumulative metric whose value only goes up, or resets to zero when the process
// restarts: requests served, bytes sent, errors. It is exposed as name_total (as the name given
// with Opts.ExactName), with the time it was created in protobuf's created timestamp, and as
// name_created in OpenMetrics when SetCreatedSamples asks for it.
//
// A Counter is one series: a metric without labels from NewCounter, or one child of a
// CounterVec. Its methods are safe for concurrent use, take no lock and allocate nothing,
// except once: the cells a counter gets the first time goroutines on several cores contend for
// it (see Inc).
type Counter struct {
	seriesHead[Counter]
	// n counts whole increments while the counter is uncontended. Its low byte doubles as
	// Inc's signal to take the slow path (see Inc), which is why Inc can be inlined. It is a
	// plain uint64 used only through sync/atomic functions, because atomic.Uint64's methods
	// cost Inc its inlining; it sits 8-byte aligned on every platform, as they need (a
	// constant below fails to compile otherwise).
	n       uint64
	created atomic.Int64
	// more is what few counters need, allocated the first time one is: nil, a *counterMore
	// (fractional increments, the latest exemplar) or, once goroutines on several cores
	// contended for the counter, the first of its striped cells, a *counterCell with the low
	// bit of its address set. A striped Inc finds its cell with this one load. A counter that
	// needs none of them is 48 bytes plus its label values.
	more atomic.Pointer[byte]
}

// counterMore is the rarely needed part of a Counter.
type counterMore struct {
	bits   atomic.Uint64 // float64 bits of fractional increments
	ex     atomic.Pointer[Exemplar]
	exLast atomic.Int64 // time of the last exemplar, for Opts.ExemplarMinInterval
}

// counterCell is a striped counter's cell (stripe.go): the whole increments of the goroutines
// that hash to it, on two cache lines of its own. The cells are one allocation, and the first
// cell also holds the counter's counterMore, so that striping keeps it.
type counterCell struct {
	n    atomic.Uint64
	_    [cellWords - 2]uint64
	more atomic.Pointer[counterMore] // in the first cell
}

// A counterCell is a cell of stripe.go, of cellWords words.
const _, _ = unsafe.Sizeof(counterCell{}) - cellWords*8, cellWords*8 - unsafe.Sizeof(counterCell{})

// cellsTag marks Counter.more as the address of the counter's cells.
const cellsTag = 1

// moreOf returns what p, a value of Counter.more, says: the counterMore, nil if there is none
// yet, and the cells, nil while the counter is uncontended.
func moreOf(p *byte) (*counterMore, *counterCell) {
	if uintptr(unsafe.Pointer(p))&cellsTag == 0 {
		return (*counterMore)(unsafe.Pointer(p)), nil
	}
	cs := (*counterCell)(unsafe.Add(unsafe.Pointer(p), -cellsTag))
	return cs.more.Load(), cs
}

// extra returns the counter's counterMore, allocating it the first time.
func (c *Counter) extra() *counterMore {
	for {
		p := c.more.Load()
		m, cs := moreOf(p)
		switch {
		case m != nil:
			return m
		case cs != nil:
			cs.more.CompareAndSwap(nil, new(counterMore))
		default:
			c.more.CompareAndSwap(nil, (*byte)(unsafe.Pointer(new(counterMore))))
		}
	}
}

// stripes returns the counter's cells, or nil while it is uncontended. It is one load.
func (c *Counter) stripes() *stripes {
	if p := unsafe.Pointer(c.more.Load()); uintptr(p)&cellsTag != 0 {
		return (*stripes)(unsafe.Add(p, -cellsTag))
	}
	return nil
}

// stripe switches the counter to striped cells, unless another goroutine did.
func (c *Counter) stripe() {
	for {
		p := c.more.Load()
		m, cs := moreOf(p)
		if cs != nil {
			return
		}
		cells := make([]counterCell, stripeCfg.cells)
		cells[0].more.Store(m)
		if c.more.CompareAndSwap(p, (*byte)(unsafe.Add(unsafe.Pointer(&cells[0]), cellsTag))) {
			return
		}
	}
}

// CounterVec is a family of counters with variable labels; see Vec.
type CounterVec = Vec[Counter, *Counter]

// initCounter sets the created time of a new counter. Nothing else can see the counter yet
// (a vector publishes a child with an atomic store after this), so a plain store serves, where
// an atomic one is a locked instruction on amd64 that waits for the new child's cache line.
func initCounter(c *Counter) { *(*int64)(unsafe.Pointer(&c.created)) = nowNanos() }

// NewCounter creates a counter without variable labels and registers it (see Opts.Registry).
// A name ending in "_total" is accepted; the family is named without it, as OpenMetrics wants.
// The counter is exposed at 0 from the moment it is created.
func NewCounter(name, help string, opts ...Opts) (*Counter, error) {
	v := new(CounterVec)
	return newSingle(v, newVec(v, CounterType, name, help, nil, opts, initCounter))
}

// NewCounterVec creates a family of counters with the given label names and registers it.
func NewCounterVec(name, help string, labelNames []string, opts ...Opts) (*CounterVec, error) {
	v := new(CounterVec)
	return newFamily(v, newVec(v, CounterType, name, help, labelNames, opts, initCounter))
}

// Inc adds 1. It is an atomic add, preceded by a load of the same word, and it is inlined
// into the caller. When goroutines on several cores increment the counter at once, it
// switches for good to striped cells (stripe.go; 512 bytes on 2 cores, at most 8 KB), so that
// they do not fight over one cache line: Inc then costs a call, an atomic add on the
// goroutine's own cell and about a nanosecond to find it, and its throughput grows with the
// cores instead of falling.
func (c *Counter) Inc() {
	// The uncontended path must stay within the inliner's budget, so the decision to leave it
	// is one compare: the low byte of n enters the slow zone (slowFrom and above) once every
	// 256 increments, and leaving it by the slow path probes for contention. Once the
	// counter is striped, the slow path adds to the cells instead, so n stays in the zone:
	// only the increments of goroutines that read n just before it entered can still move
	// it, and it takes more of them at once than the zone is wide to push n out of it.
	if uint8(atomic.LoadUint64(&c.n)) < slowFrom {
		atomic.AddUint64(&c.n, 1)
		return
	}
	c.incSlow()
}

// n must be 8-byte aligned for the 64-bit atomic functions on 32-bit platforms; this constant
// fails to compile (GOARCH=386 go vet, in .ci/run) when it is not.
const _ = -(unsafe.Offsetof(Counter{}.n) % 8)

// word returns n as the atomic.Uint64 it is used as.
func (c *Counter) word() *atomic.Uint64 { return (*atomic.Uint64)(unsafe.Pointer(&c.n)) }

// slowFrom is the lowest low byte of Counter.n that sends Inc to incSlow. The zone's width,
// 4, is the number of goroutines that, incrementing at the very moment a counter is
// striped, could push n out of it; its cost is that 4 increments in 256 take the call.
const slowFrom = 0xfc

// incSlow is Inc when the low byte of n is in the slow zone: on an uncontended counter, the
// add, and a probe for contention when the add leaves the zone; on a striped one, the add on
// the goroutine's cell.
//
//go:noinline
func (c *Counter) incSlow() {
	if s := c.stripes(); s != nil {
		// addCell, written out: addCell is too large to inline, and a second call made
		// the striped Inc a third slower.
		w := s.word(cell(cellWords))
		if n := w.Add(1); sampled(n) {
			probeCell(w, n)
		}
		return
	}
	if n := c.word().Add(1); uint8(n) == 0 && contended(c.word(), n) {
		c.stripe()
	}
}

// add adds the whole increment u. Sampling for the probe by a hash of the sum, it works for
// any step.
func (c *Counter) add(u uint64) {
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
func addCell(s *stripes, u uint64) {
	w := s.word(cell(cellWords))
	if n := w.Add(u); sampled(n) {
		probeCell(w, n)
	}
}

// Add adds v. A whole v costs about what Inc does, without the inlining (see Inc for how it
// scales across cores); a fractional v is a compare-and-swap loop on a float, and the first
// one allocates the counter's rarely used part (24 bytes). A negative, NaN or +Inf v leaves the
// counter unchanged and is reported to the registry's error handler as ErrNegativeIncrement or
// ErrNaNIncrement (+Inf would stick: no later increment could move the counter again); Add
// never panics.
func (c *Counter) Add(v float64) {
	if u := uint64(v); float64(u) == v && v < 1<<63 {
		c.add(u)
		return
	}
	if !validIncrement(v) {
		c.badAdd(v)
		return
	}
	addFloat(&c.extra().bits, v)
}

// validIncrement reports whether a counter may add v: a finite v of at least 0. NaN and +Inf
// would stick, since no later increment changes them; a negative v would go down.
func validIncrement(v float64) bool { return v >= 0 && v <= math.MaxFloat64 }

func (c *Counter) badAdd(v float64) {
	if math.IsNaN(v) {
		c.core.report(ErrNaNIncrement, "Add(NaN) ignored")
	} else if v > 0 {
		c.core.report(ErrNaNIncrement, "Add(+Inf) ignored: the counter would stay +Inf for good")
	} else {
		c.core.report(ErrNegativeIncrement, "Add(%v) ignored: a counter only goes up", v)
	}
}

// addFloat adds v to the float64 stored as bits in a.
func addFloat(a *atomic.Uint64, v float64) {
	for {
		old := a.Load()
		if a.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Value returns the current value. On a contended counter it sums the cells.
func (c *Counter) Value() float64 {
	n, f := atomic.LoadUint64(&c.n), 0.0
	m, cs := moreOf(c.more.Load())
	if m != nil {
		f = math.Float64frombits(m.bits.Load())
	}
	if cs != nil {
		n += (*stripes)(unsafe.Pointer(cs)).sum(cellWords, 0) // whole increments add up exactly, so round once
	}
	return float64(n) + f
}

// Reset sets the counter back to 0 and its created time to now, as when a process restarts.
// Use it for counters that mirror something that was reset; Prometheus's rate() handles the
// drop.
func (c *Counter) Reset() {
	atomic.StoreUint64(&c.n, 0)
	m, cs := moreOf(c.more.Load())
	if cs != nil {
		cells := unsafe.Slice(cs, stripeCfg.cells)
		for i := range cells {
			cells[i].n.Store(0)
		}
	}
	if m != nil {
		m.bits.Store(0)
	}
	c.created.Store(nowNanos())
}

// Created returns the time the counter was created or last reset.
func (c *Counter) Created() time.Time { return time.Unix(0, c.created.Load()) }

// CountErrors calls f and adds 1 when it returns a non-nil error or panics; a panic goes on
// after it is counted. It returns f's error. It is the Go form of the Python client's
// count_exceptions.
func (c *Counter) CountErrors(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			c.Inc()
			panic(p)
		}
		if err != nil {
			c.Inc()
		}
	}()
	return f()
}

// Describe returns the description of the counter's family.
func (c *Counter) Describe() []*Desc { return c.core.descs }

// Collect writes the counter as a family of one series. Registries call it for counters made
// by NewCounter; a child of a CounterVec is collected with its vector.
func (c *Counter) Collect(w *Writer) {
	if w.Family(c.core.desc) {
		c.collect(w)
	}
}

func (c *Counter) collect(w *Writer) {
	s := w.scratch()
	s.LabelValues = c.labelValues()
	s.Value = c.Value()
	s.Created = c.created.Load()
	s.Exemplar = c.Exemplar()
	w.emit(s)
}
