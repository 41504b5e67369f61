package promhttp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

func ExampleHandler() {
	reg := prom.NewRegistry()
	jobs := prom.Must(prom.NewCounter("jobs_total", "Jobs done.", prom.Opts{Registry: reg}))
	jobs.Add(3)
	reg.SetCreatedSeries(false)

	srv := httptest.NewServer(promhttp.Handler(reg))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=0.0.4;q=0.3")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Header.Get("Content-Type"))
	fmt.Print(string(body))
	// Output:
	// application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8
	// # HELP jobs Jobs done.
	// # TYPE jobs counter
	// jobs_total 3.0
	// # EOF
}

func ExampleServerMetrics_Middleware() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	h := m.Middleware(mux)
	for _, path := range []string{"/items/1", "/items/2", "/nothing"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}

	rec := httptest.NewRecorder()
	promhttp.Handler(reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics?name[]=http_server_requests_total", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// # HELP http_server_requests_total HTTP requests served, by route, method and status code.
	// # TYPE http_server_requests_total counter
	// http_server_requests_total{route="/items/{id}",method="GET",code="200"} 2
	// http_server_requests_total{route="unmatched",method="GET",code="404"} 1
}

// A service moving from client_golang keeps the series of its InstrumentHandler* wrappers:
// the names and labels it gave its metrics, and client_golang's label values.
func ExampleInstrumentOpts() {
	reg := prom.NewRegistry()
	m := prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{Registry: reg, InstrumentHandler: &promhttp.InstrumentOpts{
		Counter: promhttp.InstrumentFamily{Name: "api_requests_total", Help: "Requests to the API.",
			Labels: []string{"method", "code"}, ConstLabels: map[string]string{"handler": "/api"}},
	}}))
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("DELETE", "/api", nil))

	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	promhttp.Handler(reg).ServeHTTP(rec, req)
	fmt.Print(rec.Body.String())
	// Output:
	// # HELP api_requests_total Requests to the API.
	// # TYPE api_requests_total counter
	// api_requests_total{handler="/api",method="get",code="200"} 1
	// api_requests_total{handler="/api",method="delete",code="200"} 1
}
