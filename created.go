package prom

import (
	"os"
	"strings"
	"sync/atomic"
)

// Creation times travel in two ways. Protobuf has a field for them (created_timestamp), which
// Prometheus reads as the start of the series without storing a series of its own. OpenMetrics
// text has only samples: a counter x gets a sample x_created, which Prometheus stores as one
// more series per counter, histogram and summary child, unless it runs with
// created-timestamp-zero-ingestion. The text formats 0.0.4 and 1.0.0 carry creation times
// not at all.
//
// So there are two switches, from the coarsest:
//
//   - SetCreatedSeries (and PROMETHEUS_DISABLE_CREATED_SERIES=true, as in the Python client)
//     removes the creation times from every format, protobuf included. They are on by
//     default.
//   - SetCreatedSamples adds the _created samples to OpenMetrics text. They are off by
//     default, as in client_golang (HandlerOpts.EnableOpenMetricsTextCreatedSamples), so a
//     service moving to prom stores no series it did not store before.

// createdSamples is the global default of SetCreatedSamples; each registry's own choice wins
// over it (Registry.samples: 0 follow it, 1 on, 2 off).
var createdSamples atomic.Bool

// SetCreatedSamples turns the "_created" samples of OpenMetrics text on or off for every
// registry that has not chosen for itself (Registry.SetCreatedSamples). They are off by
// default: the creation times of counters, histograms and summaries then reach Prometheus
// only through protobuf's created_timestamp fields, which cost no series. Turn them on for a
// scraper that reads creation times from OpenMetrics text (Prometheus with
// created-timestamp-zero-ingestion and scrape_protocols set to OpenMetrics, or a store that
// wants the x_created series): each counter, histogram and summary series then costs one more
// line per scrape, and a Prometheus without that feature stores it as a series of its own.
// SetCreatedSeries(false) and PROMETHEUS_DISABLE_CREATED_SERIES=true win over it: without
// creation times there is nothing to write.
func SetCreatedSamples(on bool) { createdSamples.Store(on) }

// SetCreatedSamples turns the "_created" samples of OpenMetrics text on or off for this
// registry, whatever the global switch (SetCreatedSamples) says.
func (r *Registry) SetCreatedSamples(on bool) {
	if on {
		r.samples.Store(1)
	} else {
		r.samples.Store(2)
	}
}

func (r *Registry) createdSamplesOn() bool {
	switch r.samples.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	return createdSamples.Load()
}

// createdSampleEncoder is an Encoder of a format that can write creation times as samples of
// their own (package expfmt's Encoder). A collection tells it at its start whether to, from
// the registry's SetCreatedSamples.
type createdSampleEncoder interface {
	SetCreatedSamples(on bool)
}

// tellCreatedSamples passes the registry's choice of "_created" samples to enc.
func (r *Registry) tellCreatedSamples(enc Encoder) {
	if e, ok := enc.(createdSampleEncoder); ok {
		e.SetCreatedSamples(r.createdSamplesOn())
	}
}

// createdByDefault switches the "_created" series on or off for the registries that have not
// chosen for themselves with Registry.SetCreatedSeries.
var createdByDefault atomic.Bool

func init() { createdByDefault.Store(createdFromEnv(os.Getenv)) }

// createdFromEnv reads the Python client's switch, PROMETHEUS_DISABLE_CREATED_SERIES=true.
func createdFromEnv(getenv func(string) string) bool {
	return !strings.EqualFold(getenv("PROMETHEUS_DISABLE_CREATED_SERIES"), "true")
}

// SetCreatedSeries turns the creation times of counters, histograms and summaries on or off in
// every format, for every registry that has not chosen for itself: protobuf's created
// timestamps, and the "_created" samples of OpenMetrics when SetCreatedSamples asks for them.
// They are on unless the environment variable PROMETHEUS_DISABLE_CREATED_SERIES is "true"
// when the program starts, as in the Python client. Turn them off for a scraper that
// mishandles them, or for output that must not depend on when the program started.
func SetCreatedSeries(on bool) { createdByDefault.Store(on) }

// SetCreatedSeries turns the creation times on or off in every format for this registry,
// whatever the global switch (SetCreatedSeries) says.
func (r *Registry) SetCreatedSeries(on bool) {
	if on {
		r.created.Store(1)
	} else {
		r.created.Store(2)
	}
}

func (r *Registry) createdOn() bool {
	switch r.created.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	return createdByDefault.Load()
}
