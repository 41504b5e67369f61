package promecho_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promecho"
	"github.com/prom-go/prom/promhttp"
)

func ExampleMiddleware() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))

	e := echo.New()
	e.Use(middleware.Recover(), promecho.Middleware(m))
	e.GET("/items/:id", func(c echo.Context) error { return c.String(200, "item "+c.Param("id")) })
	e.GET("/metrics", echo.WrapHandler(promhttp.Handler(reg)))

	for _, path := range []string{"/items/1", "/items/2", "/no/such/page"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "http_server_requests_total") {
			fmt.Println(l)
		}
	}
	// Output:
	// http_server_requests_total{route="/items/:id",method="GET",code="200"} 2
	// http_server_requests_total{route="unmatched",method="GET",code="404"} 1
}
