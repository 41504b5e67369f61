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
	// Nil means prom.DefBuckets, or with OTelSemConv the bounds OpenTelemetry recommends.
	Buckets []float64
	// NativeFactor, when above 1, makes the duration and time-to-first-byte histograms
	// native histograms of that bucket growth factor as well (prom.Opts.NativeFactor; 1.1 is
	// usual), which a Prometheus scraping protobuf stores at a far finer resolution.
	NativeFactor float64
	// OTelSemConv names the metrics after OpenTelemetry's HTTP semantic conventions, as
	// OpenTelemetry's Prometheus exporter writes them, instead of prom's names:
	// http_server_request_duration_seconds{http_request_method, http_route,
	// http_response_status_code} (its _count counts the requests: there is no separate
	// counter, and Exemplar goes to the histogram), http_server_active_requests,
	// http_server_request_body_size_bytes and http_server_response_body_size_bytes; methods
	// outside the standard nine are "_OTHER". Time to first byte keeps its name, with these
	// labels. Ignored with InstrumentHandler.
	OTelSemConv bool

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
	// gin, echo and chi, use the middleware of modules promgin, promecho and promchi instead.
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
// with Middleware; the middleware of other routers (promgin, promecho, promchi) record into one
// through Start and Finish, so that every router of a service writes the same series.
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

// seriesKey is a route and the code and method index packed in one int: one string to hash.
type seriesKey struct {
	route string
	mc    int // code<<4 | method index
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
	ho.NativeFactor = opts.NativeFactor
	so := o
	so.Buckets = opts.SizeBuckets
	if so.Buckets == nil {
		so.Buckets = sizeBuckets
	}
	names := serverNames
	if opts.OTelSemConv {
		names = serverNamesOTel
		if ho.Buckets == nil {
			ho.Buckets = otelDurationBuckets
		}
	}
	var err error
	labels := names.labels[:]
	if names.requests != "" {
		if m.requests, err = prom.NewCounterVec(names.requests,
			"HTTP requests served, by route, method and status code.", labels, o); err != nil {
			return nil, err
		}
	}
	if m.duration, err = prom.NewHistogramVec(names.duration,
		"Time to serve HTTP requests, by route, method and status code.", labels, ho); err != nil {
		return nil, err
	}
	if opts.InFlight {
		if m.inFlight, err = prom.NewGauge(names.inFlight, "HTTP requests being served.", o); err != nil {
			return nil, err
		}
	}
	if opts.Sizes {
		if m.reqSize, err = prom.NewHistogramVec(names.reqSize,
			"Sizes of HTTP request bodies, by route, method and status code.", labels, so); err != nil {
			return nil, err
		}
		if m.respSize, err = prom.NewHistogramVec(names.respSize,
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

// otelDurationBuckets are the bounds OpenTelemetry's HTTP semantic conventions advise for
// http.server.request.duration.
var otelDurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// familyNames are the names and label names of one naming scheme; the labels are in the order
// route, method, code.
type familyNames struct {
	requests, duration, inFlight, reqSize, respSize string
	labels                                          [3]string
	otherMethod                                     string
}

var (
	serverNames = familyNames{
		requests: "http_server_requests_total", duration: "http_server_request_duration_seconds",
		inFlight: "http_server_requests_in_flight",
		reqSize:  "http_server_request_size_bytes", respSize: "http_server_response_size_bytes",
		labels: [3]string{"route", "method", "code"}, otherMethod: "OTHER",
	}
	serverNamesOTel = familyNames{
		duration: "http_server_request_duration_seconds", inFlight: "http_server_active_requests",
		reqSize: "http_server_request_body_size_bytes", respSize: "http_server_response_body_size_bytes",
		labels:      [3]string{"http_route", "http_request_method", "http_response_status_code"},
		otherMethod: "_OTHER",
	}
)

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
	return m.MiddlewareRoute(m.route, next)
}

// MiddlewareRoute is Middleware with the route label read by route, after next returned,
// instead of ServerMetricsOpts.Route: for a router that keeps the template of the route it
// matched in the request (chi's RouteContext; promchi uses it). An empty route counts as
// Unmatched. With ServerMetricsOpts.InstrumentHandler, which has no route label, it is
// Middleware.
func (m *ServerMetrics) MiddlewareRoute(route func(*http.Request) string, next http.Handler) http.Handler {
	if m.ih != nil {
		return m.ih.middleware(next)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := m.Start()
		rw := &responseWriter{ResponseWriter: w, ttfb: m.ttfb != nil}
		var body *countingBody
		if m.reqSize != nil && r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			body = &countingBody{ReadCloser: r.Body}
			r.Body = body
		}
		done := false
		defer func() {
			// A panic on its way up, left to unwind with its own stack.
			if !done {
				m.finish(r, start, route(r), PanicCode, -1, rw.written, 0)
			}
		}()
		next.ServeHTTP(rw, r)
		done = true
		reqSize := int64(-1)
		if body != nil {
			reqSize = body.n
		}
		m.finish(r, start, route(r), rw.code, reqSize, rw.written, rw.firstByte)
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
		return Unmatched
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
func (m *ServerMetrics) series(route, method string, mi, code int) *serverSeries {
	k := seriesKey{route, code<<4 | mi}
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
	vals := []string{k.route, method, codeString(code)}
	s := &serverSeries{duration: m.duration.With(vals...)}
	if m.requests != nil {
		s.requests = m.requests.With(vals...)
	}
	if m.reqSize != nil {
		s.reqSize = m.reqSize.With(vals...)
		s.respSize = m.respSize.With(vals...)
	}
	if m.ttfb != nil {
		s.ttfb = m.ttfb.With(vals...)
	}
	next := make(map[seriesKey]*serverSeries, len(old)+1)
	for k2, v := range old {
		next[k2] = v
	}
	next[k] = s
	m.cache.Store(&next)
	return s
}

// foldMethod returns the standard methods as they are and every other as other ("OTHER", or
// OpenTelemetry's "_OTHER"), so that a client inventing methods cannot create series.
func foldMethod(m, other string) string {
	s, _ := foldMethodIndex(m, other)
	return s
}

// foldMethodIndex is foldMethod and a distinct index below 16 for each result.
func foldMethodIndex(m, other string) (string, int) {
	switch m {
	case http.MethodGet:
		return m, 0
	case http.MethodHead:
		return m, 1
	case http.MethodPost:
		return m, 2
	case http.MethodPut:
		return m, 3
	case http.MethodPatch:
		return m, 4
	case http.MethodDelete:
		return m, 5
	case http.MethodConnect:
		return m, 6
	case http.MethodOptions:
		return m, 7
	case http.MethodTrace:
		return m, 8
	}
	return other, 9
}

func codeString(code int) string {
	if code < 100 || code > 999 {
		return "unknown"
	}
	return strconv.Itoa(code)
}
