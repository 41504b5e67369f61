package clientgolang

import (
	"github.com/prom-go/prom"
	"github.com/prometheus/client_golang/prometheus"
)

// Registerer is a prometheus.Registerer whose registrations land in a prom registry: hand it
// to a library that takes a Registerer (go-grpc-middleware's Prometheus provider, database
// drivers, Kafka clients) and its metrics are served with prom's own.
//
// It keeps client_golang's rules, because the libraries rely on them: a Registerer holds a
// client_golang registry of its own, which checks each registration as client_golang does
// (returning prometheus.AlreadyRegisteredError for a collector registered twice, an error for
// an inconsistent one), and that registry is served in the prom registry through a Collector
// with the overlap rule. The cost of a collection is that of Collector.
type Registerer struct {
	reg  *prometheus.Registry
	coll *Collector
}

// NewRegisterer returns a Registerer whose collectors are served by r. It registers one
// Collector in r, which Collector returns.
func NewRegisterer(r *prom.Registry) (*Registerer, error) {
	reg := prometheus.NewRegistry()
	c, err := Register(r, reg)
	if err != nil {
		return nil, err
	}
	return &Registerer{reg: reg, coll: c}, nil
}

// Register registers c as client_golang's Registry.Register does, and reports the same
// errors.
func (r *Registerer) Register(c prometheus.Collector) error { return r.reg.Register(c) }

// MustRegister registers the collectors and panics on the first error, as client_golang's
// Registry.MustRegister does.
func (r *Registerer) MustRegister(cs ...prometheus.Collector) { r.reg.MustRegister(cs...) }

// Unregister removes c and reports whether it was registered.
func (r *Registerer) Unregister(c prometheus.Collector) bool { return r.reg.Unregister(c) }

// Gatherer returns the client_golang registry behind r, for code that wants to gather it
// directly (client_golang's testutil, for instance).
func (r *Registerer) Gatherer() prometheus.Gatherer { return r.reg }

// Collector returns the Collector that serves r's registrations in the prom registry; pass it
// to the prom registry's Unregister to stop serving them.
func (r *Registerer) Collector() *Collector { return r.coll }

var _ prometheus.Registerer = (*Registerer)(nil)
