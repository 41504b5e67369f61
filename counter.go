package prom

import (
	"math"
	"sync/atomic"
	"time"
)

// Counter is a cumulative metric whose value only goes up, or resets to zero when the process
// restarts: requests served, bytes sent, errors. It is exposed as name_total, with the time it
// was created as name_created in OpenMetrics.
//
// A Counter is one series: a metric without labels from NewCounter, or one child of a
// CounterVec. Its methods are safe for concurrent use, take no lock and allocate nothing,
// except once: the cells a counter gets the first time goroutines on several cores contend for
// it (see Inc).
type Counter struct {
	seriesHead[Counter]
	// st holds the cells of whole increments once Inc or Add has met contention (stripe.go);
	// nil before, so an uncontended counter pays one pointer for it. It sits next to n, which
	// Inc reads it with.
	st      atomic.Pointer[stripes]
	n       atomic.Uint64 // whole increments: the fast path of Inc and Add
	bits    atomic.Uint64 // float64 bits of fractional increments
	created atomic.Int64
	ex      atomic.Pointer[Exemplar]
	exLast  atomic.Int64 // time of the last exemplar, for Opts.ExemplarMinInterval
}

// CounterVec is a family of counters with variable labels; see Vec.
type CounterVec = Vec[Counter, *Counter]

func initCounter(c *Counter) { c.created.Store(nowNanos()) }

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

// Inc adds 1. It is one atomic add. When goroutines on several cores increment the counter at
// once, it switches for good to striped cells (stripe.go; 512 bytes on 2 cores, at most 8 KB),
// so that they do not fight over one cache line: Inc then costs an atomic add on the
// goroutine's own cell plus about a nanosecond to find it, and its throughput grows with the
// cores instead of falling.
func (c *Counter) Inc() {
	s := c.st.Load()
	if s == nil {
		if n := c.n.Add(1); n%probeEvery == 0 && contended(&c.n, n) {
			install(&c.st, 1)
		}
		return
	}
	w := s.word(cell(cellWords))
	if n := w.Add(1); n%probeEvery == 0 {
		probeCell(w, n)
	}
}

// add adds the whole increment u, as Inc adds 1 but sampling for the probe by a hash, which
// works for any step. Both are one function with both paths, because a second level of call
// cost the striped path a nanosecond and a half.
func (c *Counter) add(u uint64) {
	s := c.st.Load()
	if s == nil {
		if n := c.n.Add(u); sampled(n) && contended(&c.n, n) {
			install(&c.st, 1)
		}
		return
	}
	w := s.word(cell(cellWords))
	if n := w.Add(u); sampled(n) {
		probeCell(w, n)
	}
}

// Add adds v. A whole v costs what Inc does (see Inc for how it scales across cores); a
// fractional v is a compare-and-swap loop on a float. A negative or NaN v leaves the counter
// unchanged and is reported to the registry's error handler as ErrNegativeIncrement or
// ErrNaNIncrement; Add never panics.
func (c *Counter) Add(v float64) {
	if u := uint64(v); float64(u) == v && v < 1<<63 {
		c.add(u)
		return
	}
	if !(v >= 0) {
		c.badAdd(v)
		return
	}
	addFloat(&c.bits, v)
}

func (c *Counter) badAdd(v float64) {
	if math.IsNaN(v) {
		c.core.report(ErrNaNIncrement, "Add(NaN) ignored")
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
	v := float64(c.n.Load()) + math.Float64frombits(c.bits.Load())
	if s := c.st.Load(); s != nil {
		v += float64(s.sum(cellWords, 0))
	}
	return v
}

// Reset sets the counter back to 0 and its created time to now, as when a process restarts.
// Use it for counters that mirror something that was reset; Prometheus's rate() handles the
// drop.
func (c *Counter) Reset() {
	c.n.Store(0)
	if s := c.st.Load(); s != nil {
		s.clear(cellWords)
	}
	c.bits.Store(0)
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
	s := w.Series()
	s.LabelValues = c.labelValues()
	s.Value = c.Value()
	s.Created = c.created.Load()
	s.Exemplar = c.ex.Load()
	w.Emit(s)
}
