package promchi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promchi"
	"github.com/prom-go/prom/promhttp"
)

func ExampleMiddleware() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))

	r := chi.NewRouter()
	r.Use(middleware.Recoverer, promchi.Middleware(m))
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "item "+chi.URLParam(r, "id")) })
	r.Handle("/metrics", promhttp.Handler(reg))

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
	// http_server_requests_total{route="/items/{id}",method="GET",code="200"} 2
	// http_server_requests_total{route="unmatched",method="GET",code="404"} 1
}
