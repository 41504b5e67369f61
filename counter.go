package prom

import (
	"sync/atomic"
	"time"

	"github.com/prom-go/prom/internal/stripe"
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
	// c holds the count: one word while the counter is uncontended, its striped cells once
	// goroutines on several cores contended for it, and the rarely used part (fractional
	// increments, the latest exemplar). A counter that needs none of them is 48 bytes plus
	// its label values.
	c stripe.Counter
	// created is the Unix nanoseconds of creation or the last Reset, used through the atomic
	// functions but for its first store (see initCounter); the zero-length array before it
	// keeps it 8-byte aligned, as they need on 32-bit platforms.
	_       [0]atomic.Int64
	created int64
}

// CounterVec is a family of counters with variable labels; see Vec.
type CounterVec = Vec[Counter, *Counter]

// initCounter sets the created time of a new counter. Nothing else can see the counter yet
// (a vector publishes a child with an atomic store after this), so a plain store serves, where
// an atomic one is a locked instruction on amd64 that waits for the new child's cache line.
func initCounter(c *Counter) { c.created = nowNanos() }

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
// switches for good to striped cells (internal/stripe; 512 bytes on 2 cores, at most 8 KB), so
// that they do not fight over one cache line: Inc then costs a call, an atomic add on the
// goroutine's own cell and about a nanosecond to find it, and its throughput grows with the
// cores instead of falling.
func (c *Counter) Inc() { c.c.Inc() }

// Add adds v. A whole v costs about what Inc does, without the inlining (see Inc for how it
// scales across cores); a fractional v is a compare-and-swap loop on a float, and the first
// one allocates the counter's rarely used part (24 bytes). A negative, NaN or +Inf v leaves the
// counter unchanged and is reported to the registry's error handler as ErrNegativeIncrement or
// ErrNaNIncrement (+Inf would stick: no later increment could move the counter again); Add
// never panics.
func (c *Counter) Add(v float64) {
	if u := uint64(v); float64(u) == v && v < 1<<63 {
		c.c.Add(u)
		return
	}
	if !stripe.ValidIncrement(v) {
		c.badAdd(v)
		return
	}
	stripe.AddFloat(&stripe.Extra[Exemplar](&c.c).Bits, v)
}

func (c *Counter) badAdd(v float64) {
	kind := ErrNaNIncrement
	negative, detail := stripe.BadIncrement(v)
	if negative {
		kind = ErrNegativeIncrement
	}
	c.core.report(kind, "%s", detail)
}

// Value returns the current value. On a contended counter it sums the cells.
func (c *Counter) Value() float64 { return c.c.Value() }

// Reset sets the counter back to 0 and its created time to now, as when a process restarts.
// Use it for counters that mirror something that was reset; Prometheus's rate() handles the
// drop.
func (c *Counter) Reset() {
	c.c.Reset()
	atomic.StoreInt64(&c.created, nowNanos())
}

// Created returns the time the counter was created or last reset.
func (c *Counter) Created() time.Time { return time.Unix(0, atomic.LoadInt64(&c.created)) }

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
	s.Created = atomic.LoadInt64(&c.created)
	s.Exemplar = c.Exemplar()
	w.emit(s)
}
