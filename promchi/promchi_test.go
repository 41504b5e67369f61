package promchi_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/internal/routertest"
	"github.com/prom-go/prom/promchi"
	"github.com/prom-go/prom/promhttp"
	"github.com/prom-go/prom/promotel"
	"go.opentelemetry.io/otel/trace"
)

// routes registers the routes of the routertest scenario.
func routes(r chi.Router, s *routertest.Scenario) {
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "item "+chi.URLParam(r, "id")) })
	r.Post("/items", func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); w.WriteHeader(201) })
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	r.Get("/slow", func(w http.ResponseWriter, r *http.Request) { s.Slow(r.Context()) })
}

func recoverer(next http.Handler) http.Handler {
	log.SetOutput(io.Discard) // Recoverer prints the panic's stack through the standard logger
	return middleware.Recoverer(next)
}

// The real chi on 127.0.0.1, the middleware inside chi's Recoverer, outside it, and without
// it: the same series in each (the panic counted with code 500), route patterns only.
func TestChi(t *testing.T) {
	defer log.SetOutput(log.Writer())
	for _, tc := range []struct {
		name     string
		use      func(m *promhttp.ServerMetrics) []func(http.Handler) http.Handler
		boomCode int
	}{
		{"inside-recoverer", func(m *promhttp.ServerMetrics) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{recoverer, promchi.Middleware(m)}
		}, 500},
		{"outside-recoverer", func(m *promhttp.ServerMetrics) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{promchi.Middleware(m), recoverer}
		}, 500},
		{"no-recoverer", func(m *promhttp.ServerMetrics) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{promchi.Middleware(m)}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prom.NewRegistry()
			m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InFlight: true, Sizes: true})
			if err != nil {
				t.Fatal(err)
			}
			s := routertest.New(t)
			r := chi.NewRouter()
			r.Use(tc.use(m)...)
			routes(r, s)
			out := s.Run(r, reg, tc.boomCode)
			golden.Check(t, "testdata/"+tc.name+".golden", []byte(out))
		})
	}
}

// Subrouters: the route is the whole pattern, read once chi has routed through all of them.
func TestChiSubrouter(t *testing.T) {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))
	r := chi.NewRouter()
	r.Use(promchi.Middleware(m))
	r.Route("/api", func(r chi.Router) {
		r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	})
	for _, p := range []string{"/api/items/1", "/api/items/2", "/elsewhere"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	out := routertest.Scrape(t, reg)
	for _, want := range []string{
		`http_server_requests_total{route="/api/items/{id}",method="GET",code="200"} 2`,
		`http_server_requests_total{route="unmatched",method="GET",code="404"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("exposition lacks %s:\n%s", want, out)
		}
	}
}

// OTelSemConv and exemplars from the trace context, through promotel.
func TestChiOTelExemplar(t *testing.T) {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, OTelSemConv: true,
		Exemplar: promotel.ExemplarFromRequest}))
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{0xab, 1}, SpanID: trace.SpanID{0xcd, 2}, TraceFlags: trace.FlagsSampled})
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler { // what a tracing middleware does
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(trace.ContextWithSpanContext(r.Context(), sc)))
		})
	}, promchi.Middleware(m))
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/9", nil))
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0")
	rec := httptest.NewRecorder()
	promhttp.Handler(reg).ServeHTTP(rec, req)
	out := rec.Body.String()
	for _, want := range []string{
		`http_server_request_duration_seconds_count{http_route="/items/{id}",http_request_method="GET",http_response_status_code="204"} 1`,
		`# {trace_id="ab010000000000000000000000000000",span_id="cd02000000000000"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %s:\n%s", want, out)
		}
	}
}

// Once the series exist, the middleware adds one allocation to a request: its writer.
func TestChiAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: prom.NewRegistry(), InFlight: true, Sizes: true}))
	bare, instrumented := chi.NewRouter(), chi.NewRouter()
	instrumented.Use(promchi.Middleware(m))
	for _, r := range []*chi.Mux{bare, instrumented} {
		r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	}
	req := httptest.NewRequest("GET", "/items/1", nil)
	w := &discard{h: http.Header{}}
	allocs := func(r *chi.Mux) float64 { return testing.AllocsPerRun(1000, func() { r.ServeHTTP(w, req) }) }
	if b, i := allocs(bare), allocs(instrumented); i > b+1 {
		t.Errorf("%v allocations per request with the middleware, %v without", i, b)
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
