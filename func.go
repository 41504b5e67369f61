package prom

import (
	"fmt"
)

// funcMetric is the Collector that NewGaugeFunc, NewGaugeFuncVec, NewCounterFunc and
// NewCounterFuncVec return: a family whose values are read from a callback at each collection.
type funcMetric struct {
	desc  *Desc
	descs []*Desc
	one   func() float64  // NewGaugeFunc, NewCounterFunc
	many  func(w *Writer) // NewGaugeFuncVec, NewCounterFuncVec
}

// NewGaugeFunc creates a gauge whose value is read from f at each collection rather than set by
// the program — the length of a queue owned by another package, the size of a cache, the number
// of open connections of a pool — and registers it (see Opts.Registry). f runs in the goroutine
// of the collection, once per collection that asks for the family, so it must be safe for
// concurrent use and fast.
//
// The result is the Collector to pass to Registry.Register or Unregister; it has no other
// methods, since the callback owns the value.
func NewGaugeFunc(name, help string, f func() float64, opts ...Opts) (Collector, error) {
	return newFunc(GaugeType, name, help, nil, f, nil, opts)
}

// NewGaugeFuncVec creates a gauge family whose callback f reports, at each collection, one value
// per label set, and registers it. f gets the collection's Writer, already on the family, and
// writes each series with Writer.Emit, as a Collector does:
//
//	prom.NewGaugeFuncVec("pool_connections", "Connections by state.", []string{"state"},
//		func(w *prom.Writer) {
//			st := pool.Stats()
//			w.Emit(&prom.Series{Value: float64(st.Idle), LabelValues: []string{"idle"}})
//			w.Emit(&prom.Series{Value: float64(st.InUse), LabelValues: []string{"in_use"}})
//		})
//
// Emit checks each series and costs no allocation; a family whose callback emits nothing is
// left out. f must not call Writer.Family: its series belong to this family. A panic in f
// ends the family there, keeps the series emitted before and is reported as an error wrapping
// ErrCollect. f runs as NewGaugeFunc's does.
func NewGaugeFuncVec(name, help string, labelNames []string, f func(w *Writer), opts ...Opts) (Collector, error) {
	return newFunc(GaugeType, name, help, labelNames, nil, f, opts)
}

// NewCounterFunc creates a counter whose value is read from f at each collection — a count kept
// by another package, such as the requests a library has served — and registers it. A name
// ending in "_total" is accepted; the family is named without it. f must return a value that
// never decreases (a decrease looks to Prometheus like a restart of the process); a negative or
// NaN value is not exposed: the series is skipped and the collection reports an error wrapping
// ErrNegativeIncrement or ErrNaNIncrement. The counter has no created timestamp. f runs as
// NewGaugeFunc's does, and the result is a Collector as NewGaugeFunc's is.
func NewCounterFunc(name, help string, f func() float64, opts ...Opts) (Collector, error) {
	return newFunc(CounterType, name, help, nil, f, nil, opts)
}

// NewCounterFuncVec creates a counter family whose callback f reports one value per label set
// at each collection, as NewGaugeFuncVec does. A negative or NaN value skips its series.
func NewCounterFuncVec(name, help string, labelNames []string, f func(w *Writer), opts ...Opts) (Collector, error) {
	return newFunc(CounterType, name, help, labelNames, nil, f, opts)
}

// newFunc builds and registers the funcMetric of the constructors above. It returns a nil
// Collector, not a nil *funcMetric, on error.
func newFunc(t Type, name, help string, labelNames []string, one func() float64, many func(*Writer), opts []Opts) (Collector, error) {
	m := &funcMetric{}
	if err := m.init(t, name, help, labelNames, one, many, opts); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *funcMetric) init(t Type, name, help string, labelNames []string, one func() float64, many func(*Writer), opts []Opts) error {
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
	d, err := newDesc(t, name, help, labelNames, o)
	if err != nil {
		return err
	}
	m.desc, m.descs, m.one, m.many = d, []*Desc{d}, one, many
	return register(o, m)
}

// Describe returns the description of the family.
func (m *funcMetric) Describe() []*Desc { return m.descs }

// Collect calls the callback and writes what it reports.
func (m *funcMetric) Collect(w *Writer) {
	if !w.Family(m.desc) {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			w.Error(newRuntimeError(ErrCollect, m.desc.Name,
				"the callback panicked: %v; the series it reported before are kept, the rest of the family is missing", p))
		}
	}()
	if m.one != nil {
		w.Emit(&Series{Value: m.one()})
		return
	}
	m.many(w)
}
