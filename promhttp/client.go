package promhttp

import (
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/prom-go/prom"
)

// ClientMetricsOpts are the options of NewClientMetrics. The zero value counts requests, times
// them and counts those in flight, in prom.Default.
type ClientMetricsOpts struct {
	// Registry is where the metrics register. Nil means prom.Default.
	Registry *prom.Registry
	// Namespace prefixes the metric names: namespace_http_client_….
	Namespace string
	// Buckets are the bounds of the duration histograms, in seconds. Nil means
	// prom.DefBuckets.
	Buckets []float64
	// Phases adds http_client_phase_duration_seconds{phase}, the time of the phases of a
	// request as net/http/httptrace reports them: "dns", "connect", "tls" (handshake) and
	// "first_byte" (from the request written to the first response byte). It costs a few
	// allocations per request for the trace.
	Phases bool
}

// ClientMetrics instruments HTTP clients: requests by method and status code, their duration
// (until the response headers arrive, which is when RoundTrip returns), requests in flight,
// and optionally the phases of each request. Create one per registry and wrap any number of
// transports with RoundTripper.
type ClientMetrics struct {
	requests                           *prom.CounterVec
	duration                           *prom.HistogramVec
	inFlight                           *prom.Gauge
	phases                             *prom.HistogramVec
	dns, connect, handshake, firstByte *prom.Histogram
}

// NewClientMetrics creates and registers the metrics of the options.
func NewClientMetrics(opts ClientMetricsOpts) (*ClientMetrics, error) {
	o := prom.Opts{Registry: opts.Registry, Namespace: opts.Namespace}
	ho := o
	ho.Buckets = opts.Buckets
	m := &ClientMetrics{}
	var err error
	if m.requests, err = prom.NewCounterVec("http_client_requests_total",
		`HTTP requests sent, by method and status code ("error" when no response came).`, []string{"method", "code"}, o); err != nil {
		return nil, err
	}
	if m.duration, err = prom.NewHistogramVec("http_client_request_duration_seconds",
		"Time until the response headers of HTTP requests arrived, by method and status code.", []string{"method", "code"}, ho); err != nil {
		return nil, err
	}
	if m.inFlight, err = prom.NewGauge("http_client_requests_in_flight", "HTTP requests waiting for a response.", o); err != nil {
		return nil, err
	}
	if opts.Phases {
		if m.phases, err = prom.NewHistogramVec("http_client_phase_duration_seconds",
			"Time of the phases of HTTP requests: dns, connect, tls, first_byte.", []string{"phase"}, ho); err != nil {
			return nil, err
		}
		m.dns, m.connect, m.handshake, m.firstByte = m.phases.With("dns"), m.phases.With("connect"), m.phases.With("tls"), m.phases.With("first_byte")
	}
	return m, nil
}

// RoundTripper returns next instrumented; nil next means http.DefaultTransport.
//
//	client := &http.Client{Transport: m.RoundTripper(nil)}
func (m *ClientMetrics) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		if m.phases != nil {
			r = r.WithContext(httptrace.WithClientTrace(r.Context(), m.trace()))
		}
		start := time.Now()
		resp, err := next.RoundTrip(r)
		d := time.Since(start).Seconds()
		code := "error"
		if err == nil {
			code = codeString(resp.StatusCode)
		}
		method := http.MethodGet // what net/http sends for ""
		if r.Method != "" {
			method = foldMethod(r.Method, "OTHER")
		}
		m.requests.With(method, code).Inc()
		m.duration.With(method, code).Observe(d)
		return resp, err
	})
}

// trace returns the httptrace hooks that time the phases of one request.
func (m *ClientMetrics) trace() *httptrace.ClientTrace {
	var dnsStart, connStart, tlsStart, wrote time.Time
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone: func(httptrace.DNSDoneInfo) {
			if !dnsStart.IsZero() {
				m.dns.Observe(time.Since(dnsStart).Seconds())
			}
		},
		ConnectStart: func(string, string) { connStart = time.Now() },
		ConnectDone: func(_, _ string, err error) {
			if err == nil && !connStart.IsZero() {
				m.connect.Observe(time.Since(connStart).Seconds())
			}
		},
		TLSHandshakeStart: func() { tlsStart = time.Now() },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil && !tlsStart.IsZero() {
				m.handshake.Observe(time.Since(tlsStart).Seconds())
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote = time.Now() },
		GotFirstResponseByte: func() {
			if !wrote.IsZero() {
				m.firstByte.Observe(time.Since(wrote).Seconds())
			}
		},
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
