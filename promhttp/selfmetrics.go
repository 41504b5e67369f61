package promhttp

import (
	"strconv"
	"time"

	"github.com/prom-go/prom"
)

// The causes of the errors counted in promhttp_metric_handler_errors_total.
const (
	causeCollect = "collect" // a collector reported an error
	causeTimeout = "timeout" // the collection ran out of time
	causeWrite   = "write"   // the response could not be written (the client went away)
	causeLimit   = "limit"   // MaxRequestsInFlight was reached
)

// selfMetrics are a handler's own metrics. A nil *selfMetrics counts nothing.
type selfMetrics struct {
	requests *prom.CounterVec
	inFlight *prom.Gauge
	errors   *prom.CounterVec
	duration *prom.Histogram
}

func newSelfMetrics(reg *prom.Registry, log Logger) *selfMetrics {
	o := prom.Opts{Registry: reg}
	m := &selfMetrics{
		requests: reuse(prom.NewCounterVec("promhttp_metric_handler_requests_total",
			"Scrapes served by the metrics handler, by HTTP status code.", []string{"code"}, o)),
		inFlight: reuse(prom.NewGauge("promhttp_metric_handler_requests_in_flight",
			"Scrapes being served by the metrics handler.", o)),
		errors: reuse(prom.NewCounterVec("promhttp_metric_handler_errors_total",
			"Errors of the metrics handler, by cause: collect, timeout, write, limit.", []string{"cause"}, o)),
		duration: reuse(prom.NewHistogram("promhttp_metric_handler_scrape_duration_seconds",
			"Time the metrics handler took to serve a scrape.",
			prom.Opts{Registry: reg, Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}})),
	}
	if m.requests == nil || m.inFlight == nil || m.errors == nil || m.duration == nil {
		log.Error("promhttp: the handler's own metrics could not be registered; they are off")
		return nil
	}
	for _, c := range []string{"200", "500", "503"} {
		m.requests.With(c)
	}
	for _, c := range []string{causeCollect, causeTimeout, causeWrite, causeLimit} {
		m.errors.With(c)
	}
	return m
}

// reuse returns the metric, or the identical one already registered (several handlers may
// share a registry), or nil on another error.
func reuse[T any](m T, err error) T {
	// A type assertion rather than errors.As, which would link internal/reflectlite into every
	// program serving metrics: Register returns the error itself.
	if are, ok := err.(*prom.AlreadyRegisteredError); ok {
		if e, ok := are.Existing.(T); ok {
			return e
		}
	}
	if err != nil {
		var zero T
		return zero
	}
	return m
}

func (m *selfMetrics) start() {
	if m != nil {
		m.inFlight.Inc()
	}
}

func (m *selfMetrics) done(code int, d time.Duration) {
	if m != nil {
		m.inFlight.Dec()
		m.duration.Observe(d.Seconds())
		m.request(code)
	}
}

func (m *selfMetrics) request(code int) {
	if m != nil {
		m.requests.With(strconv.Itoa(code)).Inc()
	}
}

func (m *selfMetrics) error(cause string) {
	if m != nil {
		m.errors.With(cause).Inc()
	}
}
