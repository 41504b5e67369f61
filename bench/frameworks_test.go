package bench

import (
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo-contrib/echoprometheus"
	"github.com/labstack/echo/v4"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promchi"
	"github.com/prom-go/prom/promecho"
	"github.com/prom-go/prom/promgin"
	prompkg "github.com/prom-go/prom/promhttp"
	cg "github.com/prometheus/client_golang/prometheus"
	cghttp "github.com/prometheus/client_golang/prometheus/promhttp"
	ginprometheus "github.com/zsais/go-gin-prometheus"
)

// Workload 10: the middleware of gin, echo and chi, on a route with a path parameter
// (GET /items/{id}) whose handler only writes its status. Each case is the whole router
// serving one request, so the time a middleware adds is its row minus the bare router's.
//
// Every instrumented case counts requests and observes their duration, request size and
// response size, by route, method and code where the middleware knows them:
//   - prom: promgin, promecho, promchi into promhttp.ServerMetrics with Sizes.
//   - client_golang: the generic alternative, its InstrumentHandlerCounter, …Duration,
//     …RequestSize and …ResponseSize wrappers around the router (handler label curried to
//     the route: they cannot see a router's route).
//   - gin-prometheus: github.com/zsais/go-gin-prometheus, its label mapping set to
//     c.FullPath() so that it does not label by raw path.
//   - echoprometheus: github.com/labstack/echo-contrib/echoprometheus, the middleware echo's
//     maintainers ship.

const (
	frameworkBare = "baseline-bare"
	libGinProm    = "gin-prometheus"
	libEchoProm   = "echoprometheus"
)

func okHandler(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }

// clientGolangWrap is the generic client_golang alternative around h, registered in a new
// registry.
func clientGolangWrap(h http.Handler) http.Handler {
	reg := cg.NewRegistry()
	labels := []string{"handler", "method", "code"}
	cnt := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "Requests."}, labels)
	dur := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency."}, labels)
	req := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_size_bytes", Help: "Request sizes.", Buckets: cg.ExponentialBuckets(64, 4, 10)}, labels)
	resp := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_response_size_bytes", Help: "Response sizes.", Buckets: cg.ExponentialBuckets(64, 4, 10)}, labels)
	reg.MustRegister(cnt, dur, req, resp)
	route := cg.Labels{"handler": "/items/{id}"}
	return cghttp.InstrumentHandlerCounter(cnt.MustCurryWith(route),
		cghttp.InstrumentHandlerDuration(dur.MustCurryWith(route),
			cghttp.InstrumentHandlerRequestSize(req.MustCurryWith(route),
				cghttp.InstrumentHandlerResponseSize(resp.MustCurryWith(route), h))))
}

func serverMetrics(b testing.TB) *prompkg.ServerMetrics {
	m, err := prompkg.NewServerMetrics(prompkg.ServerMetricsOpts{Registry: prom.NewRegistry(), Sizes: true})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func runRouters(b *testing.B, order []string, hs map[string]http.Handler) {
	for _, lib := range order {
		h := hs[lib]
		b.Run(lib, func(b *testing.B) {
			req, _ := http.NewRequest("GET", "/items/42", nil)
			w := newDiscardResponse()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}

// ginProm is one go-gin-prometheus middleware for all runs: it registers in client_golang's
// default registry, where a second one would be refused.
var ginProm = sync.OnceValue(func() gin.HandlerFunc {
	p := ginprometheus.NewPrometheus("gin")
	p.ReqCntURLLabelMappingFn = func(c *gin.Context) string { return c.FullPath() }
	return p.HandlerFunc()
})

func BenchmarkGin(b *testing.B) {
	runRouters(b, []string{frameworkBare, libProm, libCG, libGinProm}, ginCases(b))
}

func ginCases(b testing.TB) map[string]http.Handler {
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultWriter = io.Discard
	newEngine := func(mw ...gin.HandlerFunc) *gin.Engine {
		r := gin.New()
		r.Use(mw...)
		r.GET("/items/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
		return r
	}
	hs := map[string]http.Handler{
		frameworkBare: newEngine(),
		libProm:       newEngine(promgin.Middleware(serverMetrics(b))),
		libCG:         clientGolangWrap(newEngine()),
		libGinProm:    newEngine(ginProm()),
	}
	return hs
}

func BenchmarkEcho(b *testing.B) {
	runRouters(b, []string{frameworkBare, libProm, libCG, libEchoProm}, echoCases(b))
}

func echoCases(b testing.TB) map[string]http.Handler {
	newEcho := func(mw ...echo.MiddlewareFunc) *echo.Echo {
		e := echo.New()
		e.Use(mw...)
		e.GET("/items/:id", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
		return e
	}
	ep, err := echoprometheus.MiddlewareConfig{Registerer: cg.NewRegistry()}.ToMiddleware()
	if err != nil {
		b.Fatal(err)
	}
	hs := map[string]http.Handler{
		frameworkBare: newEcho(),
		libProm:       newEcho(promecho.Middleware(serverMetrics(b))),
		libCG:         clientGolangWrap(newEcho()),
		libEchoProm:   newEcho(ep),
	}
	return hs
}

func BenchmarkChi(b *testing.B) {
	runRouters(b, []string{frameworkBare, libProm, libCG}, chiCases(b))
}

func chiCases(b testing.TB) map[string]http.Handler {
	newChi := func(mw ...func(http.Handler) http.Handler) *chi.Mux {
		r := chi.NewRouter()
		r.Use(mw...)
		r.Get("/items/{id}", okHandler)
		return r
	}
	hs := map[string]http.Handler{
		frameworkBare: newChi(),
		libProm:       newChi(promchi.Middleware(serverMetrics(b))),
		libCG:         clientGolangWrap(newChi()),
	}
	return hs
}
