package promhttp

import (
	"math"
	"strconv"
	"sync"
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

// selfBounds are the upper bounds of promhttp_metric_handler_scrape_duration_seconds.
var selfBounds = [...]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// selfMetrics are a handler's own metrics: one collector writing the four families, in the
// order a registry sorts them, exactly as a CounterVec, a Gauge and a Histogram of package prom
// would (testdata/selfmetrics.*.golden). It keeps its few numbers under a mutex instead of
// using those types, so that a program serving metrics without HandlerOpts.Metrics, the usual
// case, links neither prom's histograms nor its label vectors: they would add about 100 KB to
// every such binary (bench/binsize_links_test.go). A handler updates them a few times per
// scrape, far from any hot path. A nil *selfMetrics counts nothing.
type selfMetrics struct {
	descs []*prom.Desc // errors, requests, in flight, duration

	mu       sync.Mutex
	errors   []selfCounter // by cause, in the order of creation
	requests []selfCounter // by code, in the order of creation
	inFlight int64
	buckets  [len(selfBounds) + 1]uint64 // not cumulative; the last is +Inf
	sum      float64
	created  int64 // of the histogram, nanoseconds since the Unix epoch

	// The series being written, reused under mu; Emit copies it.
	series prom.Series
	cum    [len(selfBounds) + 1]prom.Bucket
	value  [1]string
}

// selfCounter is one series of a counter family of selfMetrics.
type selfCounter struct {
	label   string
	code    int // the status code of a requests series
	n       float64
	created int64
}

func newSelfMetrics(reg *prom.Registry, log Logger) *selfMetrics {
	m := &selfMetrics{}
	for _, d := range []struct {
		t      prom.Type
		name   string
		help   string
		labels []string
	}{
		{prom.CounterType, "promhttp_metric_handler_errors_total", "Errors of the metrics handler, by cause: collect, timeout, write, limit.", []string{"cause"}},
		{prom.CounterType, "promhttp_metric_handler_requests_total", "Scrapes served by the metrics handler, by HTTP status code.", []string{"code"}},
		{prom.GaugeType, "promhttp_metric_handler_requests_in_flight", "Scrapes being served by the metrics handler.", nil},
		{prom.HistogramType, "promhttp_metric_handler_scrape_duration_seconds", "Time the metrics handler took to serve a scrape.", nil},
	} {
		desc, err := prom.NewDesc(d.t, d.name, d.help, d.labels)
		if err != nil {
			panic("promhttp: " + err.Error()) // the families above are valid
		}
		m.descs = append(m.descs, desc)
	}
	now := time.Now().UnixNano()
	m.created = now
	for _, c := range []int{200, 500, 503} {
		m.requests = append(m.requests, selfCounter{label: strconv.Itoa(c), code: c, created: now})
	}
	for _, c := range []string{causeCollect, causeTimeout, causeWrite, causeLimit} {
		m.errors = append(m.errors, selfCounter{label: c, created: now})
	}
	for i, b := range selfBounds {
		m.cum[i].UpperBound = b
	}
	m.cum[len(selfBounds)].UpperBound = math.Inf(1)

	// Several handlers may share a registry: they then share the metrics the first one
	// registered. A type assertion rather than errors.As, which would link
	// internal/reflectlite into every program serving metrics: Register returns the error
	// itself.
	err := reg.Register(m)
	if are, ok := err.(*prom.AlreadyRegisteredError); ok {
		if e, ok := are.Existing.(*selfMetrics); ok {
			return e
		}
	}
	if err != nil {
		log.Error("promhttp: the handler's own metrics could not be registered; they are off")
		return nil
	}
	return m
}

// Describe returns the descriptions of the four families.
func (m *selfMetrics) Describe() []*prom.Desc { return m.descs }

// Collect writes the four families.
func (m *selfMetrics) Collect(w *prom.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &m.series
	m.counter(w, m.descs[0], m.errors)
	m.counter(w, m.descs[1], m.requests)
	if w.Family(m.descs[2]) {
		*s = prom.Series{Value: float64(m.inFlight)}
		w.Emit(s)
	}
	if w.Family(m.descs[3]) {
		var n uint64
		for i, c := range m.buckets {
			n += c
			m.cum[i].Count = float64(n)
		}
		*s = prom.Series{Count: float64(n), Sum: m.sum, Created: m.created, Buckets: m.cum[:]}
		w.Emit(s)
	}
}

// counter writes one counter family of m; m.mu is held.
func (m *selfMetrics) counter(w *prom.Writer, d *prom.Desc, cs []selfCounter) {
	if !w.Family(d) {
		return
	}
	s := &m.series
	for _, c := range cs {
		m.value[0] = c.label
		*s = prom.Series{LabelValues: m.value[:], Value: c.n, Created: c.created}
		w.Emit(s)
	}
}

func (m *selfMetrics) start() {
	if m != nil {
		m.mu.Lock()
		m.inFlight++
		m.mu.Unlock()
	}
}

func (m *selfMetrics) done(code int, d time.Duration) {
	if m == nil {
		return
	}
	v := d.Seconds()
	i := 0
	for i < len(selfBounds) && v > selfBounds[i] {
		i++
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inFlight--
	m.buckets[i]++
	m.sum += v
	m.count(code)
}

func (m *selfMetrics) request(code int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.count(code)
}

// count counts a request answered with code; m.mu is held.
func (m *selfMetrics) count(code int) {
	for i := range m.requests {
		if m.requests[i].code == code {
			m.requests[i].n++
			return
		}
	}
	m.requests = append(m.requests, selfCounter{label: strconv.Itoa(code), code: code, n: 1, created: time.Now().UnixNano()})
}

func (m *selfMetrics) error(cause string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.errors {
		if m.errors[i].label == cause {
			m.errors[i].n++
			return
		}
	}
	m.errors = append(m.errors, selfCounter{label: cause, n: 1, created: time.Now().UnixNano()})
}
