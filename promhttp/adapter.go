package promhttp

import (
	"net/http"
	"time"
)

// Unmatched is the route label value of requests no route matched, in Middleware and in the
// middleware of other routers: one fixed value, so that scanners probing random paths add no
// series.
const Unmatched = "unmatched"

// PanicCode is the status code label value of a request whose handler panicked, as the
// recovery handlers of net/http servers and routers answer it (500). The panic goes on up
// unchanged after it is counted.
const PanicCode = http.StatusInternalServerError

// RequestStart is the start of a request being served, from ServerMetrics.Start; the zero
// value is not valid.
type RequestStart struct {
	t time.Duration // monotonic()
}

// Served is what the middleware of a router knows of a request once its handler returned, for
// ServerMetrics.Finish.
type Served struct {
	// Route is the template of the route that matched ("/items/:id", "/items/{id}"), never the
	// raw path, or "" for Unmatched.
	Route string
	// Code is the status code written; 0 means 200.
	Code int
	// RequestSize is the bytes of request body read; negative means unknown, and
	// r.ContentLength (or 0) is observed instead.
	RequestSize int64
	// ResponseSize is the bytes of response body written.
	ResponseSize int64
}

// Start marks the start of a request an adapter serves: it reads the clock and counts the
// request in flight. Every Start must be followed by one Finish, also when the handler panics.
//
// Start and Finish are how the middleware of a router that Middleware cannot see into (gin,
// echo, chi: see promgin, promecho and promchi) records into the same families as Middleware,
// with the same names, labels, options and costs. They do not allocate once the series of a
// route, method and code exist.
func (m *ServerMetrics) Start() RequestStart {
	if m.ih != nil {
		if m.ih.inFlight != nil {
			m.ih.inFlight.Inc()
		}
	} else if m.inFlight != nil {
		m.inFlight.Inc()
	}
	return RequestStart{monotonic()}
}

// Finish records the request r that began at start: its count and duration by route, method
// and status code, its sizes when the options ask for them, and the exemplar of
// ServerMetricsOpts.Exemplar; and ends its time in flight.
func (m *ServerMetrics) Finish(r *http.Request, start RequestStart, s Served) {
	m.finish(r, start, s.Route, s.Code, s.RequestSize, s.ResponseSize, 0)
}

// finish is Finish with the time of the first byte (0: unknown).
func (m *ServerMetrics) finish(r *http.Request, start RequestStart, route string, code int, reqSize, respSize int64, firstByte time.Duration) {
	if m.ih != nil {
		m.ih.finish(r, start.t, code, respSize, firstByte)
		return
	}
	d := monotonic() - start.t
	if m.inFlight != nil {
		m.inFlight.Dec()
	}
	if code == 0 {
		code = http.StatusOK
	}
	if route == "" {
		route = Unmatched
	}
	other := serverNames.otherMethod
	if m.opts.OTelSemConv {
		other = serverNamesOTel.otherMethod
	}
	method, mi := foldMethodIndex(r.Method, other)
	s := m.series(route, method, mi, code)
	ex := m.exemplar(r)
	switch {
	case ex == nil:
		if s.requests != nil {
			s.requests.Inc()
		}
		s.duration.Observe(d.Seconds())
	case s.requests != nil:
		s.requests.AddWithExemplar(1, ex...)
		s.duration.Observe(d.Seconds())
	default:
		s.duration.ObserveWithExemplar(d.Seconds(), ex...)
	}
	if s.reqSize != nil {
		n := reqSize
		if n < 0 {
			n = r.ContentLength
		}
		s.reqSize.Observe(float64(max(n, 0)))
		s.respSize.Observe(float64(respSize))
	}
	if s.ttfb != nil && firstByte != 0 {
		s.ttfb.Observe((firstByte - start.t).Seconds())
	}
}
