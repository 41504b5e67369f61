package clientgolang

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/prom-go/prom"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Collector is a prom.Collector that writes the families a client_golang Gatherer gathers, as
// client_golang's own handler would write them: the same names, types, help, labels, values,
// exemplars, native histograms and created timestamps.
//
// Each collection calls Gather once and converts its result series by series into the
// Writer; nothing goes through a text or protobuf encoding. The cost is the Gather itself
// (client_golang builds its protobuf structs) plus a copy of each series into prom's writer.
//
// Collector describes no families (its Describe returns nil): prom calls it on every
// collection, after the collectors that describe theirs, and filters its families as they
// are written. A Collector registered with Register (or made by NewRegisterer) knows its
// registry and applies the overlap rule there; see the package documentation.
type Collector struct {
	g     prometheus.Gatherer
	owner *prom.Registry
	drops atomic.Uint64
}

// NewCollector returns a Collector over g, such as prometheus.DefaultGatherer. Register it in
// a prom registry with Register, so that it knows the registry's own families; a Collector
// registered with the registry's Register method serves every gathered family, including those
// a prom collector of the registry also writes (which prom then reports as a family written
// in parts, and drops or merges).
func NewCollector(g prometheus.Gatherer) *Collector { return &Collector{g: g} }

// Register makes a Collector over g and registers it in r, where the overlap rule applies:
// a gathered family that a collector of r already writes is left out. It is the usual way to
// serve a client_golang registry beside prom's metrics:
//
//	clientgolang.Register(prom.Default, prometheus.DefaultGatherer)
func Register(r *prom.Registry, g prometheus.Gatherer) (*Collector, error) {
	c := &Collector{g: g, owner: r}
	if err := r.Register(c); err != nil {
		return nil, err
	}
	return c, nil
}

// Describe returns nil: the families of a Gatherer are known only once gathered.
func (c *Collector) Describe() []*prom.Desc { return nil }

// Dropped returns how many times so far a gathered family was left out of a collection: by
// the overlap rule, or because its type is unknown to prom. A family left out of every
// collection counts once per collection.
func (c *Collector) Dropped() uint64 { return c.drops.Load() }

// nestedKey marks the context of the collection a Collector runs to learn its registry's own
// families; bridges return at once in it.
type nestedKey struct{}

// noOwned is what a Collector registered without Register knows of its registry: nothing.
var noOwned = &owned{}

var converters = sync.Pool{New: func() any { return new(converter) }}

// Collect gathers and writes the families. A Gather error is an error of the collection, as
// it is in client_golang's handler; the families gathered anyway are written.
func (c *Collector) Collect(w *prom.Writer) {
	ctx := w.Context()
	if ctx.Value(nestedKey{}) != nil {
		return
	}
	mfs, err := c.g.Gather()
	if err != nil {
		w.Error(fmt.Errorf("clientgolang: gathering from %T: %w", c.g, err))
	}
	if len(mfs) == 0 {
		return
	}
	own := noOwned
	if c.owner != nil {
		own = c.ownFamilies(ctx, mfs)
	}
	conv := converters.Get().(*converter)
	defer converters.Put(conv)
	var s prom.Series
	for _, mf := range mfs {
		d := c.desc(mf, own)
		if d == nil || !w.Family(d) {
			continue
		}
		for _, m := range mf.GetMetric() {
			if conv.series(d.Type, m, &s) {
				w.Emit(&s)
			}
		}
	}
	conv.release()
}

// desc returns the prom description of gathered family mf, or nil when it is left out:
// because its type is unknown, or because the registry's own collectors write a family of its
// name or one of its sample names (the overlap rule: prom's own families win).
func (c *Collector) desc(mf *dto.MetricFamily, own *owned) *prom.Desc {
	d := descOf(mf)
	if d == nil || own.writes(d) {
		c.drops.Add(1)
		return nil
	}
	return d
}

// owned is what the other collectors of the registry write under the names of the gathered
// families: their family names and their sample names.
type owned struct {
	families map[string]bool
	samples  map[string]bool
}

// writes reports whether the registry's own families write the family or a sample name of d.
func (o *owned) writes(d *prom.Desc) bool {
	if o.families[d.Name] || o.samples[d.Name] {
		return true
	}
	for _, n := range d.SampleNames() {
		if o.samples[n] {
			return true
		}
	}
	return false
}

// ownFamilies returns what the other collectors of the registry write under the names of the
// gathered families: a collection of the registry restricted to those names, into an encoder
// that keeps the names. Collectors of the registry that describe none of these names are not
// called; bridges return at once.
func (c *Collector) ownFamilies(ctx context.Context, mfs []*dto.MetricFamily) *owned {
	names := make([]string, 0, len(mfs))
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	o := &owned{families: make(map[string]bool), samples: make(map[string]bool)}
	// The errors of this collection are those the outer one reports again; they are dropped.
	_ = c.owner.Collect(context.WithValue(ctx, nestedKey{}, true), (*ownedEncoder)(o), names...)
	return o
}

// ownedEncoder is an Encoder that records the families written and their sample names.
type ownedEncoder owned

func (e *ownedEncoder) Family(d *prom.Desc) {
	e.families[d.Name] = true
	for _, n := range d.SampleNames() {
		e.samples[n] = true
	}
}

func (e *ownedEncoder) Series(*prom.Desc, *prom.Series) {}

// release drops what the converter points to, so that a pooled converter keeps no metric of
// a past collection alive.
func (c *converter) release() {
	clear(c.names)
	clear(c.values)
	clear(c.buckets)
	c.native = prom.NativeHistogram{PositiveSpans: c.native.PositiveSpans[:0], NegativeSpans: c.native.NegativeSpans[:0]}
	c.ex = prom.Exemplar{}
}
