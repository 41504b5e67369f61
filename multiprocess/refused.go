package multiprocess

import (
	"fmt"

	"github.com/prom-go/prom"
)

// The constructors below exist so that code moved from a single process to this package
// meets, at the constructor it would call, an error that says why the metric cannot be
// aggregated and what to use instead, rather than a missing method or numbers that are
// silently wrong. They always return an error.

// NewGaugeFunc is refused: it always returns an error. A callback runs only in the process
// that made it, while the aggregate is collected by whichever process is scraped (or by an
// exporter that runs none), so the other processes' callbacks cannot be called. Keep the value
// in a Gauge and Set it from the process, or serve prom.NewGaugeFunc from a registry of this
// process alone.
func (p *Process) NewGaugeFunc(name, help string, f func() float64, opts ...prom.Opts) (prom.Collector, error) {
	return nil, refuse(prom.GaugeType, name, "GaugeFunc", whyCallback)
}

// NewCounterFunc is refused, as NewGaugeFunc is: it always returns an error. Count in a
// Counter of this package instead.
func (p *Process) NewCounterFunc(name, help string, f func() float64, opts ...prom.Opts) (prom.Collector, error) {
	return nil, refuse(prom.CounterType, name, "CounterFunc", whyCallback)
}

// NewStateSet is refused: it always returns an error. A state set changes state at run time,
// and the current states of several processes do not combine into one state set. A gauge of
// mode GaugeLiveAll per state, 1 while the process is in it, shows each process's state.
func (p *Process) NewStateSet(name, help string, states []string, opts ...prom.Opts) (*prom.StateSet, error) {
	return nil, refuse(prom.StateSetType, name, "StateSet", whyStateSet)
}

func refuse(t prom.Type, name, what, why string) error {
	return fmt.Errorf("multiprocess: %s %q: a %s is refused: %s", t, name, what, why)
}
