package bench

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	prompkg "github.com/prom-go/prom/promhttp"
	cg "github.com/prometheus/client_golang/prometheus"
	cghttp "github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Workload 9: HTTP server middleware that counts requests and times them, by route, method and
// status code, around a handler that only writes its status. baseline-nethttp is the handler
// alone; the figures include it.
//
// prom uses promhttp.ServerMetrics; client_golang chains InstrumentHandlerCounter and
// InstrumentHandlerDuration with the handler label curried to the route. VictoriaMetrics and
// OpenTelemetry are written by hand the way their documentation shows, since neither ships
// net/http middleware in the modules measured here (OpenTelemetry's otelhttp lives in another
// module and also starts a span): VictoriaMetrics formats the series name and calls
// GetOrCreateCounter and GetOrCreateHistogram; OpenTelemetry adds to a counter and records to a
// histogram with three attributes.

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) { s.code = code; s.ResponseWriter.WriteHeader(code) }

func middlewareCases(b *testing.B, next http.Handler) map[string]http.Handler {
	hs := map[string]http.Handler{"baseline-nethttp": next}

	sm, err := prompkg.NewServerMetrics(prompkg.ServerMetricsOpts{Registry: prom.NewRegistry(), Route: func(*http.Request) string { return "/items" }})
	if err != nil {
		b.Fatal(err)
	}
	hs[libProm] = sm.Middleware(next)

	reg := cg.NewRegistry()
	cnt := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"handler", "method", "code"})
	dur := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency."}, []string{"handler", "method", "code"})
	reg.MustRegister(cnt, dur)
	route := cg.Labels{"handler": "/items"}
	hs[libCG] = cghttp.InstrumentHandlerCounter(cnt.MustCurryWith(route),
		cghttp.InstrumentHandlerDuration(dur.MustCurryWith(route), next))

	set := metrics.NewSet()
	hs[libVM] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		lbl := `{route="/items",method="` + r.Method + `",code="` + strconv.Itoa(sw.code) + `"}`
		set.GetOrCreateCounter("http_requests_total" + lbl).Inc()
		set.GetOrCreateHistogram("http_request_duration_seconds" + lbl).UpdateDuration(start)
	})

	mp, _ := otelSetup(b)
	m := mp.Meter("bench")
	oc, err := m.Int64Counter("http.server.requests")
	if err != nil {
		b.Fatal(err)
	}
	oh, err := m.Float64Histogram("http.server.request.duration", metric.WithUnit("s"), otelDefBuckets())
	if err != nil {
		b.Fatal(err)
	}
	hs[libOtel] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		o := metric.WithAttributes(attribute.String("http.route", "/items"), attribute.String("http.request.method", r.Method), attribute.Int("http.response.status_code", sw.code))
		oc.Add(r.Context(), 1, o)
		oh.Record(r.Context(), time.Since(start).Seconds(), o)
	})
	return hs
}

func BenchmarkMiddleware(b *testing.B) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	hs := middlewareCases(b, next)
	for _, lib := range []string{"baseline-nethttp", libProm, libCG, libVM, libOtel} {
		h := hs[lib]
		b.Run(lib, func(b *testing.B) {
			req, _ := http.NewRequest("GET", "/items", nil)
			w := newDiscardResponse()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}
