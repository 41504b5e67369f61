package promgin_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/internal/routertest"
	"github.com/prom-go/prom/promgin"
	"github.com/prom-go/prom/promhttp"
	"github.com/prom-go/prom/promotel"
	"go.opentelemetry.io/otel/trace"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// routes registers the routes of the routertest scenario.
func routes(r *gin.Engine, s *routertest.Scenario) {
	r.GET("/items/:id", func(c *gin.Context) { c.String(200, "item %s", c.Param("id")) })
	r.POST("/items", func(c *gin.Context) { io.Copy(io.Discard, c.Request.Body); c.Status(201) })
	r.GET("/boom", func(*gin.Context) { panic("boom") })
	r.GET("/slow", func(c *gin.Context) { s.Slow(c.Request.Context()) })
}

// The real gin on 127.0.0.1, the middleware inside gin's Recovery, outside it, and without
// it: the same series in each (the panic counted with code 500), route templates only.
func TestGin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		use      func(m *promhttp.ServerMetrics) []gin.HandlerFunc
		boomCode int
	}{
		{"inside-recovery", func(m *promhttp.ServerMetrics) []gin.HandlerFunc {
			return []gin.HandlerFunc{gin.RecoveryWithWriter(io.Discard), promgin.Middleware(m)}
		}, 500},
		{"outside-recovery", func(m *promhttp.ServerMetrics) []gin.HandlerFunc {
			return []gin.HandlerFunc{promgin.Middleware(m), gin.RecoveryWithWriter(io.Discard)}
		}, 500},
		{"no-recovery", func(m *promhttp.ServerMetrics) []gin.HandlerFunc {
			return []gin.HandlerFunc{promgin.Middleware(m)}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prom.NewRegistry()
			m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InFlight: true, Sizes: true})
			if err != nil {
				t.Fatal(err)
			}
			s := routertest.New(t)
			r := gin.New()
			r.Use(tc.use(m)...)
			routes(r, s)
			out := s.Run(r, reg, tc.boomCode)
			golden.Check(t, "testdata/"+tc.name+".golden", []byte(out))
		})
	}
}

// OTelSemConv and exemplars from the trace context, through promotel.
func TestGinOTelExemplar(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, OTelSemConv: true,
		Exemplar: promotel.ExemplarFromRequest})
	if err != nil {
		t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{0xab, 1}, SpanID: trace.SpanID{0xcd, 2}, TraceFlags: trace.FlagsSampled})
	r := gin.New()
	r.Use(func(c *gin.Context) { // what a tracing middleware does
		c.Request = c.Request.WithContext(trace.ContextWithSpanContext(c.Request.Context(), sc))
	}, promgin.Middleware(m))
	r.GET("/items/:id", func(c *gin.Context) { c.Status(204) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/9", nil))
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0")
	rec := httptest.NewRecorder()
	promhttp.Handler(reg).ServeHTTP(rec, req)
	out := rec.Body.String()
	for _, want := range []string{
		`http_server_request_duration_seconds_count{http_route="/items/:id",http_request_method="GET",http_response_status_code="204"} 1`,
		`# {trace_id="ab010000000000000000000000000000",span_id="cd02000000000000"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %s:\n%s", want, out)
		}
	}
}

// Once the series exist, the middleware adds no allocation to a request.
func TestGinAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: prom.NewRegistry(), InFlight: true, Sizes: true})
	if err != nil {
		t.Fatal(err)
	}
	bare, instrumented := gin.New(), gin.New()
	instrumented.Use(promgin.Middleware(m))
	for _, r := range []*gin.Engine{bare, instrumented} {
		r.GET("/items/:id", func(c *gin.Context) { c.Status(200) })
	}
	req := httptest.NewRequest("GET", "/items/1", nil)
	w := &discard{h: http.Header{}}
	allocs := func(r *gin.Engine) float64 { return testing.AllocsPerRun(1000, func() { r.ServeHTTP(w, req) }) }
	if b, i := allocs(bare), allocs(instrumented); i > b {
		t.Errorf("%v allocations per request with the middleware, %v without", i, b)
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }

var _ = context.Background
