package prom

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom/internal/stripe"
)

// Gauge is a metric whose value goes up and down: memory in use, items in a queue, requests in
// flight, a temperature.
//
// A Gauge is one series: a metric without labels from NewGauge, or one child of a GaugeVec.
// Its methods are safe for concurrent use, take no lock and allocate nothing.
type Gauge struct {
	seriesHead[Gauge]
	bits atomic.Uint64
}

// GaugeVec is a family of gauges with variable labels; see Vec.
type GaugeVec = Vec[Gauge, *Gauge]

func initGauge(*Gauge) {}

// NewGauge creates a gauge without variable labels and registers it (see Opts.Registry). It is
// exposed at 0 from the moment it is created.
func NewGauge(name, help string, opts ...Opts) (*Gauge, error) {
	v := new(GaugeVec)
	return newSingle(v, newVec(v, GaugeType, name, help, nil, opts, initGauge))
}

// NewGaugeVec creates a family of gauges with the given label names and registers it.
func NewGaugeVec(name, help string, labelNames []string, opts ...Opts) (*GaugeVec, error) {
	v := new(GaugeVec)
	return newFamily(v, newVec(v, GaugeType, name, help, labelNames, opts, initGauge))
}

// Set sets the gauge to v. Any float64 is allowed, NaN and infinities included.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Inc adds 1.
func (g *Gauge) Inc() { stripe.AddFloat(&g.bits, 1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { stripe.AddFloat(&g.bits, -1) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { stripe.AddFloat(&g.bits, v) }

// Sub subtracts v.
func (g *Gauge) Sub(v float64) { stripe.AddFloat(&g.bits, -v) }

// SetToCurrentTime sets the gauge to the current Unix time in seconds.
func (g *Gauge) SetToCurrentTime() { g.Set(float64(time.Now().UnixNano()) / 1e9) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// TrackInProgress adds 1 and returns the function that subtracts it again, to count work in
// progress:
//
//	defer inflight.TrackInProgress()()
func (g *Gauge) TrackInProgress() func() {
	g.Inc()
	return g.Dec
}

// Time returns a function that sets the gauge to the seconds elapsed since Time was called:
//
//	defer lastRun.Time()()
func (g *Gauge) Time() func() {
	start := time.Now()
	return func() { g.Set(time.Since(start).Seconds()) }
}

// Describe returns the description of the gauge's family.
func (g *Gauge) Describe() []*Desc { return g.core.descs }

// Collect writes the gauge as a family of one series.
func (g *Gauge) Collect(w *Writer) {
	if w.Family(g.core.desc) {
		g.collect(w)
	}
}

func (g *Gauge) collect(w *Writer) {
	s := w.scratch()
	s.LabelValues = g.labelValues()
	s.Value = g.Value()
	w.emit(s)
}
