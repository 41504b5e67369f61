package prom

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"
)

// GaugeFunc is a gauge whose values are read from a callback at each collection rather than
// set by the program: the length of a queue owned by another package, the size of a cache, the
// number of open connections of a pool. The callback runs in the goroutine of the collection,
// once per collection that asks for the family, so it must be safe for concurrent use and fast.
//
// NewGaugeFunc makes a GaugeFunc with one series; NewGaugeFuncVec one whose callback reports
// a value per label set.
type GaugeFunc struct{ funcMetric }

// CounterFunc is a counter whose values are read from a callback at each collection: a count
// kept by another package, such as the requests a library has served. The callback must return
// a value that never decreases (a decrease looks to Prometheus like a restart of the process).
// A negative or NaN value is not exposed: the series is skipped and the collection reports a
// RuntimeError. A CounterFunc has no created timestamp.
//
// Its callback runs like a GaugeFunc's.
type CounterFunc struct{ funcMetric }

// funcMetric is the shared body of GaugeFunc and CounterFunc.
type funcMetric struct {
	desc  *Desc
	descs []*Desc
	one   func() float64   // NewGaugeFunc, NewCounterFunc
	many  func(e *Emitter) // NewGaugeFuncVec, NewCounterFuncVec
}

// NewGaugeFunc creates a gauge that reports the value f returns at each collection, and
// registers it (see Opts.Registry).
func NewGaugeFunc(name, help string, f func() float64, opts ...Opts) (*GaugeFunc, error) {
	m := &GaugeFunc{}
	if err := m.init(m, GaugeType, name, help, nil, f, nil, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// NewGaugeFuncVec creates a gauge family whose callback f reports, at each collection, one value
// per label set through Emitter.Emit, and registers it:
//
//	prom.NewGaugeFuncVec("pool_connections", "Connections by state.", []string{"state"},
//		func(e *prom.Emitter) {
//			st := pool.Stats()
//			e.Emit(float64(st.Idle), "idle")
//			e.Emit(float64(st.InUse), "in_use")
//		})
//
// Emitting costs no allocation; a family whose callback emits nothing is left out.
func NewGaugeFuncVec(name, help string, labelNames []string, f func(e *Emitter), opts ...Opts) (*GaugeFunc, error) {
	m := &GaugeFunc{}
	if err := m.init(m, GaugeType, name, help, labelNames, nil, f, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// NewCounterFunc creates a counter that reports the value f returns at each collection, and
// registers it. A name ending in "_total" is accepted; the family is named without it.
func NewCounterFunc(name, help string, f func() float64, opts ...Opts) (*CounterFunc, error) {
	m := &CounterFunc{}
	if err := m.init(m, CounterType, name, help, nil, f, nil, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// NewCounterFuncVec creates a counter family whose callback f reports one value per label set
// at each collection, as NewGaugeFuncVec does.
func NewCounterFuncVec(name, help string, labelNames []string, f func(e *Emitter), opts ...Opts) (*CounterFunc, error) {
	m := &CounterFunc{}
	if err := m.init(m, CounterType, name, help, labelNames, nil, f, opts); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *funcMetric) init(outer Collector, t Type, name, help string, labelNames []string, one func() float64, many func(*Emitter), opts []Opts) error {
	if one == nil && many == nil {
		return fmt.Errorf("prom: %s %q: the callback is nil", t, name)
	}
	o, err := oneOpts(name, opts)
	if err != nil {
		return err
	}
	if err := o.checkFor(name, t); err != nil {
		return err
	}
	d, err := NewDesc(t, name, help, DescOpts{Namespace: o.Namespace, Subsystem: o.Subsystem, Unit: o.Unit, LabelNames: labelNames, ConstLabels: o.ConstLabels})
	if err != nil {
		return err
	}
	m.desc, m.descs, m.one, m.many = d, []*Desc{d}, one, many
	// The outer GaugeFunc or CounterFunc is what registers, so that Unregister finds it.
	return register(o, outer)
}

// Describe returns the description of the family.
func (m *GaugeFunc) Describe() []*Desc { return m.descs }

// Collect calls the callback and writes what it reports.
func (m *GaugeFunc) Collect(w *Writer) { m.collect(w) }

// Describe returns the description of the family.
func (m *CounterFunc) Describe() []*Desc { return m.descs }

// Collect calls the callback and writes what it reports.
func (m *CounterFunc) Collect(w *Writer) { m.collect(w) }

// Emitter receives the values that the callback of a NewGaugeFuncVec or NewCounterFuncVec
// family reports during one collection. It is valid only until the callback returns.
type Emitter struct {
	w      *Writer
	m      *funcMetric
	values []string // scratch copy of the label values, so the caller's slice does not escape
	bad    int      // problems in this collection
	first  error    // the first of them
}

var emitterPool = sync.Pool{New: func() any { return new(Emitter) }}

// Emit reports one series: value v with the given label values, in the order of the label
// names. Emit allocates nothing.
//
// A wrong number of label values, or a negative or NaN value of a counter, skips the series;
// invalid UTF-8 in a label value is repaired (each bad byte becomes U+FFFD). Either way the
// collection reports one RuntimeError for the family when the callback returns. Emit does not
// detect two series with the same label values; the callback must not report one twice.
func (e *Emitter) Emit(v float64, labelValues ...string) {
	if e.w == nil {
		return // used after its callback returned
	}
	d := e.m.desc
	if len(labelValues) != len(d.LabelNames) {
		e.problem(ErrLabelCount, "got %d label values %s for the label names %s", len(labelValues), quoteAll(labelValues), quoteAll(d.LabelNames))
		return
	}
	if d.Type == CounterType && !(v >= 0) {
		kind := ErrNegativeIncrement
		if math.IsNaN(v) {
			kind = ErrNaNIncrement
		}
		e.problem(kind, "the callback returned %v for %s; a counter is never negative or NaN", v, quoteAll(labelValues))
		return
	}
	e.values = append(e.values[:0], labelValues...)
	for i, s := range e.values {
		if !utf8.ValidString(s) {
			e.problem(ErrInvalidUTF8, "value %q of label %q is not valid UTF-8; invalid bytes replaced by U+FFFD", s, d.LabelNames[i])
			e.values[i] = strings.ToValidUTF8(s, "\uFFFD")
		}
	}
	s := e.w.Series()
	s.Value = v
	s.LabelValues = e.values
	e.w.Emit(s)
}

// Context returns the context of the collection: a callback that does I/O should give up when
// it is done.
func (e *Emitter) Context() context.Context { return e.w.Context() }

func (e *Emitter) problem(kind ErrorKind, format string, args ...any) {
	e.bad++
	if e.first == nil {
		e.first = &RuntimeError{Kind: kind, Metric: e.m.desc.Name, Detail: fmt.Sprintf(format, args...)}
	}
}

func (m *funcMetric) collect(w *Writer) {
	if !w.Family(m.desc) {
		return
	}
	e := emitterPool.Get().(*Emitter)
	e.w, e.m = w, m
	defer func() {
		if p := recover(); p != nil {
			w.Error(&RuntimeError{Kind: ErrCollect, Metric: m.desc.Name,
				Detail: fmt.Sprintf("the callback panicked: %v; the series it reported before are kept, the rest of the family is missing", p)})
		}
		if e.first != nil {
			if re, ok := e.first.(*RuntimeError); ok && e.bad > 1 {
				re.Detail += fmt.Sprintf(" (and %d more problems in this collection)", e.bad-1)
			}
			w.Error(e.first)
		}
		clear(e.values)
		*e = Emitter{values: e.values[:0]}
		emitterPool.Put(e)
	}()
	if m.one != nil {
		e.Emit(m.one())
		return
	}
	m.many(e)
}
