package promhttp

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prom-go/prom"
)

// InstrumentOpts make ServerMetrics write the families of client_golang's
// promhttp.InstrumentHandler* wrappers instead of its own, for a service that moves from
// client_golang to prom and must keep the series its dashboards read: the names, help texts,
// types and labels the service gave its client_golang metrics, with the label values
// client_golang writes (method "get", code "200"). Each field is the metric one wrapper
// observed; a family with an empty Name is not written.
//
// A request costs what ServerMetrics' own middleware costs: one allocation, once the series of
// its code and method exist (TestInstrumentHandlerAllocs), and a label lookup per family.
//
//	// client_golang
//	promhttp.InstrumentHandlerCounter(requestsTotal, promhttp.InstrumentHandlerDuration(requestDuration, h))
//	// prom
//	m, _ := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InstrumentHandler: &promhttp.InstrumentOpts{
//		Counter:  promhttp.InstrumentFamily{Name: "http_requests_total", Help: "…", Labels: []string{"method", "code"}},
//		Duration: promhttp.InstrumentFamily{Name: "http_request_duration_seconds", Help: "…", Labels: []string{"method", "code"}},
//	}})
//	m.Middleware(h)
type InstrumentOpts struct {
	// Counter counts requests, as InstrumentHandlerCounter: a counter.
	Counter InstrumentFamily
	// Duration observes the seconds from the start of the request until the handler returned,
	// as InstrumentHandlerDuration: a histogram, or a summary when Summary is set.
	Duration InstrumentFamily
	// RequestSize observes client_golang's approximate request size in bytes, as
	// InstrumentHandlerRequestSize: the lengths of the URL, method, protocol, header names and
	// values and host, plus the Content-Length when known (not the bytes read).
	RequestSize InstrumentFamily
	// ResponseSize observes the bytes of the response body written, as
	// InstrumentHandlerResponseSize.
	ResponseSize InstrumentFamily
	// TimeToWriteHeader observes the seconds until the status was written, as
	// InstrumentHandlerTimeToWriteHeader; requests whose handler wrote nothing are not observed.
	TimeToWriteHeader InstrumentFamily
	// InFlight is the gauge of requests being served, as InstrumentHandlerInFlight; it takes no
	// Labels.
	InFlight InstrumentFamily
}

// InstrumentFamily is one family of InstrumentOpts: what the client_golang metric given to an
// InstrumentHandler* wrapper was.
type InstrumentFamily struct {
	// Name and Help are the metric's, exactly: a counter's Name ends in "_total" if it did.
	Name, Help string
	// Labels are the variable labels, "code" and "method" or either or none, as the
	// client_golang vector had them. code is the status code ("200"; "200" when the handler
	// wrote none), method the lowercased standard method ("get") or "unknown".
	Labels []string
	// ConstLabels are labels with fixed values, such as those prometheus.WrapRegistererWith or
	// currying added ({"handler": "/metrics"}).
	ConstLabels map[string]string
	// Summary observes into a summary (count and sum, the default of client_golang's
	// SummaryOpts) instead of a histogram. Observing families only.
	Summary bool
	// Buckets are the histogram's bounds; nil means prom.DefBuckets, as client_golang's.
	Buckets []float64
}

// instrumented are the metrics of InstrumentOpts, nil where not asked for.
type instrumented struct {
	counter                     *prom.CounterVec
	counterLabels               []string
	duration, reqSize, respSize observer
	ttwh                        observer
	inFlight                    *prom.Gauge
}

// observer is a histogram or summary vector and the label names of its values.
type observer struct {
	h      *prom.HistogramVec
	s      *prom.SummaryVec
	labels []string
}

func (o *observer) on() bool { return o.h != nil || o.s != nil }

func (o *observer) observe(v float64, code, method string) {
	var buf [2]string
	vals := labelValues(&buf, o.labels, code, method)
	if o.h != nil {
		o.h.With(vals...).Observe(v)
	} else {
		o.s.With(vals...).Observe(v)
	}
}

// labelValues fills buf with the values of labels ("code" or "method") and returns them.
func labelValues(buf *[2]string, labels []string, code, method string) []string {
	for i, l := range labels {
		if l == "code" {
			buf[i] = code
		} else {
			buf[i] = method
		}
	}
	return buf[:len(labels)]
}

func newInstrumented(reg *prom.Registry, io *InstrumentOpts) (*instrumented, error) {
	m := &instrumented{}
	opts := func(f InstrumentFamily) prom.Opts {
		return prom.Opts{Registry: reg, ConstLabels: f.ConstLabels, Buckets: f.Buckets}
	}
	check := func(field string, f InstrumentFamily) error {
		for _, l := range f.Labels {
			if l != "code" && l != "method" {
				return fmt.Errorf("promhttp: InstrumentOpts.%s: label %q: the labels of an instrumented family are \"code\" and \"method\"", field, l)
			}
		}
		return nil
	}
	var err error
	if f := io.Counter; f.Name != "" {
		if err = check("Counter", f); err != nil {
			return nil, err
		}
		if m.counter, err = prom.NewCounterVec(f.Name, f.Help, f.Labels, opts(f)); err != nil {
			return nil, err
		}
		m.counterLabels = f.Labels
	}
	for _, x := range []struct {
		field string
		f     InstrumentFamily
		dst   *observer
	}{
		{"Duration", io.Duration, &m.duration},
		{"RequestSize", io.RequestSize, &m.reqSize},
		{"ResponseSize", io.ResponseSize, &m.respSize},
		{"TimeToWriteHeader", io.TimeToWriteHeader, &m.ttwh},
	} {
		if x.f.Name == "" {
			continue
		}
		if err = check(x.field, x.f); err != nil {
			return nil, err
		}
		x.dst.labels = x.f.Labels
		if x.f.Summary {
			x.dst.s, err = prom.NewSummaryVec(x.f.Name, x.f.Help, x.f.Labels, opts(x.f))
		} else {
			x.dst.h, err = prom.NewHistogramVec(x.f.Name, x.f.Help, x.f.Labels, opts(x.f))
		}
		if err != nil {
			return nil, err
		}
	}
	if f := io.InFlight; f.Name != "" {
		if len(f.Labels) > 0 {
			return nil, fmt.Errorf("promhttp: InstrumentOpts.InFlight: labels %q: the in-flight gauge has no variable labels", f.Labels)
		}
		if m.inFlight, err = prom.NewGauge(f.Name, f.Help, opts(f)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// middleware instruments next as the InstrumentHandler* wrappers of client_golang do.
func (m *instrumented) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.inFlight != nil {
			m.inFlight.Inc()
		}
		start := monotonic()
		rw := &responseWriter{ResponseWriter: w, ttfb: m.ttwh.on()}
		next.ServeHTTP(rw, r)
		m.finish(r, start, rw.code, rw.written, rw.firstByte)
	})
}

// finish records a request that started at start (monotonic) and ends its time in flight.
// firstByte is 0 when unknown.
func (m *instrumented) finish(r *http.Request, start time.Duration, code int, respSize int64, firstByte time.Duration) {
	d := monotonic() - start
	if m.inFlight != nil {
		m.inFlight.Dec()
	}
	c, method := clientGolangCode(code), clientGolangMethod(r.Method)
	if m.counter != nil {
		var buf [2]string
		m.counter.With(labelValues(&buf, m.counterLabels, c, method)...).Inc()
	}
	if m.duration.on() {
		m.duration.observe(d.Seconds(), c, method)
	}
	if m.reqSize.on() {
		m.reqSize.observe(float64(approximateRequestSize(r)), c, method)
	}
	if m.respSize.on() {
		m.respSize.observe(float64(respSize), c, method)
	}
	if m.ttwh.on() && firstByte != 0 {
		m.ttwh.observe((firstByte - start).Seconds(), c, method)
	}
}

// approximateRequestSize is the request size client_golang's InstrumentHandlerRequestSize
// observes: the lengths of the URL, method, protocol, header names and values and host, and the
// Content-Length when known.
func approximateRequestSize(r *http.Request) int {
	n := len(r.Method) + len(r.Proto) + len(r.Host)
	if r.URL != nil {
		n += len(r.URL.String())
	}
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	if r.ContentLength != -1 {
		n += int(r.ContentLength)
	}
	return n
}

// clientGolangMethod is the method label value of client_golang: the standard methods (and
// NOTIFY) lowercased, every other "unknown".
func clientGolangMethod(m string) string {
	switch m {
	case "GET", "get":
		return "get"
	case "PUT", "put":
		return "put"
	case "HEAD", "head":
		return "head"
	case "POST", "post":
		return "post"
	case "DELETE", "delete":
		return "delete"
	case "CONNECT", "connect":
		return "connect"
	case "OPTIONS", "options":
		return "options"
	case "NOTIFY", "notify":
		return "notify"
	case "TRACE", "trace":
		return "trace"
	case "PATCH", "patch":
		return "patch"
	}
	return "unknown"
}

// clientGolangCode is the code label value of client_golang: the status in decimal, "200" when
// the handler wrote none.
func clientGolangCode(c int) string {
	switch c {
	case 0, 200:
		return "200"
	case 201:
		return "201"
	case 204:
		return "204"
	case 301:
		return "301"
	case 302:
		return "302"
	case 304:
		return "304"
	case 400:
		return "400"
	case 401:
		return "401"
	case 403:
		return "403"
	case 404:
		return "404"
	case 500:
		return "500"
	case 502:
		return "502"
	case 503:
		return "503"
	}
	return strconv.Itoa(c) // allocates: the rarer codes
}
