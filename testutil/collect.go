package testutil

import (
	"context"

	"github.com/prom-go/prom"
)

// FromRegistry returns a Collector that writes every family registry r writes, so the
// functions of this package, which take a prom.Collector, can read a whole registry:
//
//	err := testutil.Compare(testutil.FromRegistry(reg), expected)
//
// The collector describes no families; each collection collects r, applying r's own switch
// for the "_created" series.
func FromRegistry(r *prom.Registry) prom.Collector { return registryCollector{r} }

type registryCollector struct{ r *prom.Registry }

func (rc registryCollector) Describe() []*prom.Desc { return nil }

func (rc registryCollector) Collect(w *prom.Writer) {
	w.Error(rc.r.Collect(w.Context(), forwarder{w}))
}

// forwarder hands the families of one collection to the Writer of another.
type forwarder struct{ w *prom.Writer }

func (f forwarder) Family(d *prom.Desc)                 { f.w.Family(d) }
func (f forwarder) Series(_ *prom.Desc, s *prom.Series) { f.w.Emit(s) }

// collectorOnly hides every method of a collector but Describe and Collect, so registering
// it in a scratch registry does not tie the metric to that registry: a metric created with
// prom.Opts{Unregistered: true} keeps reporting its run-time errors where it did.
type collectorOnly struct{ prom.Collector }

// created says what a collection does with the "_created" series.
type created uint8

const (
	createdAsConfigured created = iota // the global switch (prom.SetCreatedSeries)
	createdOff                         // never: their values change from run to run
)

// collect writes the families of c into enc through a scratch registry of its own, so c is
// validated as registration would (descriptions, conflicts between its own families) and
// filtered by names as a scrape would. The error joins a registration error and the errors
// the collection reported.
func collect(c prom.Collector, enc prom.Encoder, cr created, names []string) error {
	r := prom.NewRegistry()
	r.SetErrorHandler(func(error) {}) // the errors come back from Collect
	if _, ok := c.(registryCollector); ok && cr == createdAsConfigured {
		r.SetCreatedSeries(true) // the inner registry has already applied its own switch
	} else if cr == createdOff {
		r.SetCreatedSeries(false)
	}
	// A pointer, because Register uses collectors as map keys and c may be of a slice type.
	if err := r.Register(&collectorOnly{c}); err != nil {
		return err
	}
	return r.Collect(context.Background(), enc, names...)
}
