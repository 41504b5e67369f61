package promecho_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/internal/routertest"
	"github.com/prom-go/prom/promecho"
	"github.com/prom-go/prom/promhttp"
	"github.com/prom-go/prom/promotel"
	"go.opentelemetry.io/otel/trace"
)

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	return e
}

// routes registers the routes of the routertest scenario.
func routes(e *echo.Echo, s *routertest.Scenario) {
	e.GET("/items/:id", func(c echo.Context) error { return c.String(200, "item "+c.Param("id")) })
	e.POST("/items", func(c echo.Context) error { io.Copy(io.Discard, c.Request().Body); return c.NoContent(201) })
	e.GET("/boom", func(echo.Context) error { panic("boom") })
	e.GET("/slow", func(c echo.Context) error { s.Slow(c.Request().Context()); return nil })
}

var recover = middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})

// The real echo on 127.0.0.1, the middleware inside echo's Recover, outside it, and without
// it: the same series in each (the panic counted with code 500), route templates only.
func TestEcho(t *testing.T) {
	for _, tc := range []struct {
		name     string
		use      func(m *promhttp.ServerMetrics) []echo.MiddlewareFunc
		boomCode int
	}{
		{"inside-recover", func(m *promhttp.ServerMetrics) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{recover, promecho.Middleware(m)}
		}, 500},
		{"outside-recover", func(m *promhttp.ServerMetrics) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{promecho.Middleware(m), recover}
		}, 500},
		{"no-recover", func(m *promhttp.ServerMetrics) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{promecho.Middleware(m)}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prom.NewRegistry()
			m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InFlight: true, Sizes: true})
			if err != nil {
				t.Fatal(err)
			}
			s := routertest.New(t)
			e := newEcho()
			e.Use(tc.use(m)...)
			routes(e, s)
			out := s.Run(e, reg, tc.boomCode)
			golden.Check(t, "testdata/"+tc.name+".golden", []byte(out))
		})
	}
}

// A handler's error becomes the response after the middleware: its code is counted, under
// the route's template; the router's own 404 under "unmatched".
func TestEchoErrors(t *testing.T) {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))
	e := newEcho()
	e.Use(promecho.Middleware(m))
	e.GET("/items/:id", func(c echo.Context) error { return echo.NewHTTPError(http.StatusNotFound, "no item") })
	e.GET("/fail", func(c echo.Context) error { return io.ErrUnexpectedEOF })
	for _, p := range []string{"/items/1", "/fail", "/x"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	out := routertest.Scrape(t, reg)
	for _, want := range []string{
		`http_server_requests_total{route="/items/:id",method="GET",code="404"} 1`,
		`http_server_requests_total{route="/fail",method="GET",code="500"} 1`,
		`http_server_requests_total{route="unmatched",method="GET",code="404"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("exposition lacks %s:\n%s", want, out)
		}
	}
}

// OTelSemConv and exemplars from the trace context, through promotel.
func TestEchoOTelExemplar(t *testing.T) {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, OTelSemConv: true,
		Exemplar: promotel.ExemplarFromRequest}))
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{0xab, 1}, SpanID: trace.SpanID{0xcd, 2}, TraceFlags: trace.FlagsSampled})
	e := newEcho()
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc { // what a tracing middleware does
		return func(c echo.Context) error {
			c.SetRequest(c.Request().WithContext(trace.ContextWithSpanContext(c.Request().Context(), sc)))
			return next(c)
		}
	}, promecho.Middleware(m))
	e.GET("/items/:id", func(c echo.Context) error { return c.NoContent(204) })
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/9", nil))
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

// Once the series exist, the middleware allocates no more than any echo middleware: echo
// builds the chain of middleware closures anew for every request, one allocation each.
func TestEchoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: prom.NewRegistry(), InFlight: true, Sizes: true}))
	bare, instrumented := newEcho(), newEcho()
	bare.Use(func(next echo.HandlerFunc) echo.HandlerFunc { return func(c echo.Context) error { return next(c) } })
	instrumented.Use(promecho.Middleware(m))
	for _, e := range []*echo.Echo{bare, instrumented} {
		e.GET("/items/:id", func(c echo.Context) error { return c.NoContent(200) })
	}
	req := httptest.NewRequest("GET", "/items/1", nil)
	w := &discard{h: http.Header{}}
	allocs := func(e *echo.Echo) float64 { return testing.AllocsPerRun(1000, func() { e.ServeHTTP(w, req) }) }
	if b, i := allocs(bare), allocs(instrumented); i > b {
		t.Errorf("%v allocations per request with the middleware, %v without", i, b)
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
