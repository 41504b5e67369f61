package promhttp

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
)

// ServerMetricsOpts are the options of NewServerMetrics. The zero value counts requests and
// times them, in prom.Default.
type ServerMetricsOpts struct {
	// Registry is where the metrics register. Nil means prom.Default.
	Registry *prom.Registry
	// Namespace prefixes the metric names: namespace_http_server_….
	Namespace string
	// Buckets are the bounds of the duration and time-to-first-byte histograms, in seconds.
	// Nil means prom.DefBuckets.
	Buckets []float64

	// InFlight adds http_server_requests_in_flight, the requests being served.
	InFlight bool
	// Sizes adds http_server_request_size_bytes and http_server_response_size_bytes. A
	// request of unknown length has its body counted as the handler reads it, which costs an
	// allocation.
	Sizes bool
	// SizeBuckets are the bounds of the size histograms, in bytes. Nil means powers of 4
	// from 64 B to 16 MiB.
	SizeBuckets []float64
	// TimeToFirstByte adds http_server_time_to_first_byte_seconds, the time until the status
	// line was written.
	TimeToFirstByte bool

	// Route returns the route label of a request. Nil means the pattern of the Go 1.22+
	// http.ServeMux that served it (r.Pattern, without its method), and "unmatched" when no
	// pattern matched. Never return the raw path: every distinct value is a new series. For
	// chi: func(r *http.Request) string { return chi.RouteContext(r.Context()).RoutePattern() }.
	Route func(r *http.Request) string
	// Exemplar, when not nil, returns the exemplar labels of a request, such as its trace ID
	// from the request context ({"trace_id": "…"}), or nil for none. They are attached to the
	// request counter, which exposes them in OpenMetrics.
	Exemplar func(r *http.Request) []prom.Label

	// InstrumentHandler, when not nil, replaces the families above with the ones of
	// client_golang's InstrumentHandler* wrappers, with the names and labels it gives and
	// client_golang's label values (method "get"), so that a port keeps its series. Registry
	// still applies; every other option above is ignored.
	InstrumentHandler *InstrumentOpts
}

// ServerMetrics instruments net/http servers: requests by route, method and status code, their
// duration, and optionally the requests in flight, request and response sizes and time to
// first byte. Create one per registry with NewServerMetrics and wrap any number of handlers
// with Middleware.
type ServerMetrics struct {
	opts     ServerMetricsOpts
	requests *prom.CounterVec
	duration *prom.HistogramVec
	inFlight *prom.Gauge
	reqSize  *prom.HistogramVec
	respSize *prom.HistogramVec
	ttfb     *prom.HistogramVec

	ih *instrumented // InstrumentHandler mode

	cache atomic.Pointer[map[seriesKey]*serverSeries]
	mu    sync.Mutex
}

type seriesKey struct {
	route, method string
	code          int
}

// serverSeries are the children of one (route, method, code), looked up once.
type serverSeries struct {
	requests *prom.Counter
	duration *prom.Histogram
	reqSize  *prom.Histogram
	respSize *prom.Histogram
	ttfb     *prom.Histogram
}

// NewServerMetrics creates and registers the metrics of the options. It returns an error when
// they cannot be registered, such as when another ServerMetrics uses the same registry and
// namespace.
func NewServerMetrics(opts ServerMetricsOpts) (*ServerMetrics, error) {
	m := &ServerMetrics{opts: opts}
	if opts.InstrumentHandler != nil {
		ih, err := newInstrumented(opts.Registry, opts.InstrumentHandler)
		if err != nil {
			return nil, err
		}
		m.ih = ih
		return m, nil
	}
	o := prom.Opts{Registry: opts.Registry, Namespace: opts.Namespace}
	ho := o
	ho.Buckets = opts.Buckets
	so := o
	so.Buckets = opts.SizeBuckets
	if so.Buckets == nil {
		so.Buckets = sizeBuckets
	}
	var err error
	labels := []string{"route", "method", "code"}
	if m.requests, err = prom.NewCounterVec("http_server_requests_total",
		"HTTP requests served, by route, method and status code.", labels, o); err != nil {
		return nil, err
	}
	if m.duration, err = prom.NewHistogramVec("http_server_request_duration_seconds",
		"Time to serve HTTP requests, by route, method and status code.", labels, ho); err != nil {
		return nil, err
	}
	if opts.InFlight {
		if m.inFlight, err = prom.NewGauge("http_server_requests_in_flight", "HTTP requests being served.", o); err != nil {
			return nil, err
		}
	}
	if opts.Sizes {
		if m.reqSize, err = prom.NewHistogramVec("http_server_request_size_bytes",
			"Sizes of HTTP request bodies, by route, method and status code.", labels, so); err != nil {
			return nil, err
		}
		if m.respSize, err = prom.NewHistogramVec("http_server_response_size_bytes",
			"Sizes of HTTP response bodies, by route, method and status code.", labels, so); err != nil {
			return nil, err
		}
	}
	if opts.TimeToFirstByte {
		if m.ttfb, err = prom.NewHistogramVec("http_server_time_to_first_byte_seconds",
			"Time until the status of HTTP responses was written, by route, method and status code.", labels, ho); err != nil {
			return nil, err
		}
	}
	m.cache.Store(&map[seriesKey]*serverSeries{})
	return m, nil
}

var sizeBuckets = []float64{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20}

// Middleware returns next instrumented. The request counter and duration histogram cost one
// allocation per request and a small fraction of a request's own handling
// (BenchmarkServerMiddleware, against BenchmarkServerBaseline; bench/ BenchmarkMiddleware
// compares client_golang).
//
// The route label is read after next returns, so Middleware may wrap a whole http.ServeMux
// (which sets r.Pattern on the request it is given) or single handlers registered in one.
func (m *ServerMetrics) Middleware(next http.Handler) http.Handler {
	if m.ih != nil {
		return m.ih.middleware(next)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := monotonic()
		if m.inFlight != nil {
			m.inFlight.Inc()
			defer m.inFlight.Dec()
		}
		rw := &responseWriter{ResponseWriter: w, ttfb: m.ttfb != nil}
		var body *countingBody
		if m.reqSize != nil && r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			body = &countingBody{ReadCloser: r.Body}
			r.Body = body
		}
		next.ServeHTTP(rw, r)
		d := monotonic() - start
		code := rw.code
		if code == 0 {
			code = http.StatusOK
		}
		s := m.series(m.route(r), foldMethod(r.Method), code)
		if ex := m.exemplar(r); ex != nil {
			s.requests.AddWithExemplar(1, ex...)
		} else {
			s.requests.Inc()
		}
		s.duration.Observe(d.Seconds())
		if s.reqSize != nil {
			n := r.ContentLength
			if body != nil {
				n = body.n
			}
			s.reqSize.Observe(float64(max(n, 0)))
			s.respSize.Observe(float64(rw.written))
		}
		if s.ttfb != nil && rw.firstByte != 0 {
			s.ttfb.Observe((rw.firstByte - start).Seconds())
		}
	})
}

func (m *ServerMetrics) exemplar(r *http.Request) []prom.Label {
	if m.opts.Exemplar == nil {
		return nil
	}
	return m.opts.Exemplar(r)
}

func (m *ServerMetrics) route(r *http.Request) string {
	if m.opts.Route != nil {
		return m.opts.Route(r)
	}
	p := r.Pattern
	if p == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(p, ' '); i >= 0 {
		for i < len(p) && (p[i] == ' ' || p[i] == '\t') {
			i++
		}
		p = p[i:]
	}
	return p
}

// epoch is the origin of monotonic. Durations measured from it read only the monotonic clock,
// which costs half of what time.Now does (it reads the wall clock too).
var epoch = time.Now()

func monotonic() time.Duration { return time.Since(epoch) }

// series returns the children of (route, method, code), from a copy-on-write map that readers
// consult without a lock.
func (m *ServerMetrics) series(route, method string, code int) *serverSeries {
	k := seriesKey{route, method, code}
	if s, ok := (*m.cache.Load())[k]; ok {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.cache.Load()
	if s, ok := old[k]; ok {
		return s
	}
	k.route = strings.Clone(route)
	c := codeString(code)
	s := &serverSeries{requests: m.requests.With(k.route, method, c), duration: m.duration.With(k.route, method, c)}
	if m.reqSize != nil {
		s.reqSize = m.reqSize.With(k.route, method, c)
		s.respSize = m.respSize.With(k.route, method, c)
	}
	if m.ttfb != nil {
		s.ttfb = m.ttfb.With(k.route, method, c)
	}
	next := make(map[seriesKey]*serverSeries, len(old)+1)
	for k2, v := range old {
		next[k2] = v
	}
	next[k] = s
	m.cache.Store(&next)
	return s
}

// foldMethod returns the standard methods as they are and every other as "OTHER", so that a
// client inventing methods cannot create series.
func foldMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "OTHER"
}

func codeString(code int) string {
	if code < 100 || code > 999 {
		return "unknown"
	}
	return strconv.Itoa(code)
}
