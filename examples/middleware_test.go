package examples

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/examples/middleware/httpmiddleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestInstrumentHandlerMatchesClientGolang wraps one handler with client_golang's six
// InstrumentHandler* wrappers and with prom's ServerMetrics in InstrumentHandler mode, sends
// both the same requests (methods client_golang knows and one it does not, statuses written,
// implied and never written, bodies of known and unknown length), and compares the
// expositions: every series, and every value the clock does not decide (counts, sizes,
// the in-flight gauge).
func TestInstrumentHandlerMatchesClientGolang(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/fail":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "failed")
		case "/silent":
		default:
			io.WriteString(w, "hello, world")
		}
	})
	handlerLabel := map[string]string{"handler": "/api"}

	// client_golang, as a service instruments with it.
	reg := prometheus.NewRegistry()
	counter := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "Requests.", ConstLabels: handlerLabel}, []string{"code", "method"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency.", Buckets: []float64{1e3}}, []string{"method"})
	reqSize := prometheus.NewSummaryVec(prometheus.SummaryOpts{Name: "http_request_size_bytes", Help: "Request sizes."}, []string{"code"})
	respSize := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_response_size_bytes", Help: "Response sizes.", Buckets: []float64{1, 10, 100}}, []string{})
	ttwh := prometheus.NewSummaryVec(prometheus.SummaryOpts{Name: "http_time_to_write_header_seconds", Help: "Time to write header."}, []string{"code", "method"})
	inFlight := prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_in_flight_requests", Help: "In flight."})
	reg.MustRegister(counter, duration, reqSize, respSize, ttwh, inFlight)
	cg := promhttp.InstrumentHandlerInFlight(inFlight,
		promhttp.InstrumentHandlerCounter(counter,
			promhttp.InstrumentHandlerDuration(duration,
				promhttp.InstrumentHandlerRequestSize(reqSize,
					promhttp.InstrumentHandlerResponseSize(respSize,
						promhttp.InstrumentHandlerTimeToWriteHeader(ttwh, handler))))))

	// prom, with the same names, labels and types.
	preg := prom.NewRegistry()
	m := prom.Must(prompromhttp.NewServerMetrics(prompromhttp.ServerMetricsOpts{Registry: preg, InstrumentHandler: &prompromhttp.InstrumentOpts{
		Counter:           prompromhttp.InstrumentFamily{Name: "http_requests_total", Help: "Requests.", Labels: []string{"code", "method"}, ConstLabels: handlerLabel},
		Duration:          prompromhttp.InstrumentFamily{Name: "http_request_duration_seconds", Help: "Latency.", Labels: []string{"method"}, Buckets: []float64{1e3}},
		RequestSize:       prompromhttp.InstrumentFamily{Name: "http_request_size_bytes", Help: "Request sizes.", Labels: []string{"code"}, Summary: true},
		ResponseSize:      prompromhttp.InstrumentFamily{Name: "http_response_size_bytes", Help: "Response sizes.", Buckets: []float64{1, 10, 100}},
		TimeToWriteHeader: prompromhttp.InstrumentFamily{Name: "http_time_to_write_header_seconds", Help: "Time to write header.", Labels: []string{"code", "method"}, Summary: true},
		InFlight:          prompromhttp.InstrumentFamily{Name: "http_in_flight_requests", Help: "In flight."},
	}}))
	pm := m.Middleware(handler)

	requests := []func() *http.Request{
		func() *http.Request { return httptest.NewRequest("GET", "/", nil) },
		func() *http.Request { return httptest.NewRequest("GET", "/missing?q=1", nil) },
		func() *http.Request { return httptest.NewRequest("POST", "/fail", strings.NewReader("a body")) },
		func() *http.Request { return httptest.NewRequest("DELETE", "/silent", nil) },
		func() *http.Request { return httptest.NewRequest("BREW", "/", nil) },
		func() *http.Request {
			r := httptest.NewRequest("PUT", "/", io.NopCloser(strings.NewReader("of unknown length")))
			r.ContentLength = -1
			r.Header.Set("X-Trace", "abc")
			return r
		},
		func() *http.Request { return httptest.NewRequest("PATCH", "/silent", strings.NewReader("{}")) },
	}
	for _, mk := range requests {
		cg.ServeHTTP(httptest.NewRecorder(), mk())
		pm.ServeHTTP(httptest.NewRecorder(), mk())
	}

	scrapeText := func(h http.Handler) exposition {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Accept", "text/plain;version=0.0.4")
		h.ServeHTTP(rec, req)
		e, err := parse(rec.Body.String())
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Body.String())
		}
		return e
	}
	o := scrapeText(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	p := scrapeText(prompromhttp.Handler(preg))
	if missing, extra := diff(o.types, p.types); len(missing)+len(extra) > 0 {
		t.Errorf("series of client_golang missing in prom:\n%s\nonly in prom:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
	for k, v := range o.values {
		// Durations are the clock's; everything else is decided by the requests.
		if strings.HasPrefix(k, "http_time_to_write_header_seconds_sum") || strings.HasPrefix(k, "http_request_duration_seconds_sum") {
			continue
		}
		if p.values[k] != v {
			t.Errorf("%s: client_golang %s, prom %q", k, v, p.values[k])
		}
	}
}

// TestInstrumentHandlerSeveralHandlers: client_golang's middleware example wraps each handler
// with its own metrics of the same names and a "handler" label from WrapRegistererWith; prom
// does the same with one ServerMetrics per handler, whose families merge into one.
func TestInstrumentHandlerSeveralHandlers(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	reg := prometheus.NewRegistry()
	mw := httpmiddleware.New(reg, nil)
	cgA, cgB := mw.WrapHandler("/a", h), mw.WrapHandler("/b", h)

	preg := prom.NewRegistry()
	wrap := func(name string) http.Handler {
		labels := []string{"method", "code"}
		handler := map[string]string{"handler": name}
		m, err := prompromhttp.NewServerMetrics(prompromhttp.ServerMetricsOpts{Registry: preg, InstrumentHandler: &prompromhttp.InstrumentOpts{
			Counter:      prompromhttp.InstrumentFamily{Name: "http_requests_total", Help: "Tracks the number of HTTP requests.", Labels: labels, ConstLabels: handler},
			Duration:     prompromhttp.InstrumentFamily{Name: "http_request_duration_seconds", Help: "Tracks the latencies for HTTP requests.", Labels: labels, ConstLabels: handler, Buckets: prom.Must(prom.ExponentialBuckets(0.1, 1.5, 5))},
			RequestSize:  prompromhttp.InstrumentFamily{Name: "http_request_size_bytes", Help: "Tracks the size of HTTP requests.", Labels: labels, ConstLabels: handler, Summary: true},
			ResponseSize: prompromhttp.InstrumentFamily{Name: "http_response_size_bytes", Help: "Tracks the size of HTTP responses.", Labels: labels, ConstLabels: handler, Summary: true},
		}})
		if err != nil {
			t.Fatalf("second ServerMetrics of the same names: %v", err)
		}
		return m.Middleware(h)
	}
	pA, pB := wrap("/a"), wrap("/b")
	for _, hs := range [][2]http.Handler{{cgA, pA}, {cgB, pB}, {cgB, pB}} {
		hs[0].ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		hs[1].ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	scrapeText := func(h http.Handler) exposition {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		e, err := parse(rec.Body.String())
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Body.String())
		}
		return e
	}
	o := scrapeText(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	p := scrapeText(prompromhttp.Handler(preg))
	if missing, extra := diff(o.types, p.types); len(missing)+len(extra) > 0 {
		t.Errorf("series of client_golang missing in prom:\n%s\nonly in prom:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
	for _, k := range []string{`http_requests_total{code="200",handler="/a",method="get"}`, `http_requests_total{code="200",handler="/b",method="get"}`} {
		if o.values[k] != p.values[k] {
			t.Errorf("%s: client_golang %s, prom %q", k, o.values[k], p.values[k])
		}
	}
}
