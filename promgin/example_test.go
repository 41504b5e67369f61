package promgin_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promgin"
	"github.com/prom-go/prom/promhttp"
)

func ExampleMiddleware() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))

	r := gin.New()
	r.Use(gin.Recovery(), promgin.Middleware(m))
	r.GET("/items/:id", func(c *gin.Context) { c.String(200, "item %s", c.Param("id")) })
	r.GET("/metrics", gin.WrapH(promhttp.Handler(reg)))

	for _, path := range []string{"/items/1", "/items/2", "/no/such/page"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "http_server_requests_total") {
			fmt.Println(l)
		}
	}
	// Output:
	// http_server_requests_total{route="/items/:id",method="GET",code="200"} 2
	// http_server_requests_total{route="unmatched",method="GET",code="404"} 1
}
