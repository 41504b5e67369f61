package prom

import (
	"fmt"
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
	one   func() float64  // NewGaugeFunc, NewCounterFunc
	many  func(w *Writer) // NewGaugeFuncVec, NewCounterFuncVec
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
// ends the family there, keeps the series emitted before and is reported as a RuntimeError.
func NewGaugeFuncVec(name, help string, labelNames []string, f func(w *Writer), opts ...Opts) (*GaugeFunc, error) {
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
// at each collection, as NewGaugeFuncVec does. A negative or NaN value skips its series.
func NewCounterFuncVec(name, help string, labelNames []string, f func(w *Writer), opts ...Opts) (*CounterFunc, error) {
	m := &CounterFunc{}
	if err := m.init(m, CounterType, name, help, labelNames, nil, f, opts); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *funcMetric) init(outer Collector, t Type, name, help string, labelNames []string, one func() float64, many func(*Writer), opts []Opts) error {
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
	d, err := NewDesc(t, name, help, DescOpts{Namespace: o.Namespace, Subsystem: o.Subsystem, Unit: o.Unit, LabelNames: labelNames, ConstLabels: o.ConstLabels, ExactName: o.ExactName})
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

func (m *funcMetric) collect(w *Writer) {
	if !w.Family(m.desc) {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			w.Error(&RuntimeError{Kind: ErrCollect, Metric: m.desc.Name,
				Detail: fmt.Sprintf("the callback panicked: %v; the series it reported before are kept, the rest of the family is missing", p)})
		}
	}()
	if m.one != nil {
		w.Emit(&Series{Value: m.one()})
		return
	}
	m.many(w)
}
