package promhttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// A router's middleware records through Start and Finish into the families of Middleware.
func TestStartFinish(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, InFlight: true, Sizes: true})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/items/7", strings.NewReader("abcd"))
	s := m.Start()
	wantLines(t, scrape(t, reg), `http_server_requests_in_flight 1`)
	m.Finish(r, s, Served{Route: "/items/:id", Code: 201, RequestSize: -1, ResponseSize: 3})
	s = m.Start()
	m.Finish(httptest.NewRequest("BREW", "/x", nil), s, Served{})
	out := scrape(t, reg)
	wantLines(t, out,
		`http_server_requests_total{route="/items/:id",method="POST",code="201"} 1`,
		`http_server_request_size_bytes_sum{route="/items/:id",method="POST",code="201"} 4`,
		`http_server_response_size_bytes_sum{route="/items/:id",method="POST",code="201"} 3`,
		`http_server_requests_total{route="unmatched",method="OTHER",code="200"} 1`,
		`http_server_requests_in_flight 0`,
	)
}

func TestStartFinishAllocs(t *testing.T) {
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry(), InFlight: true, Sizes: true})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/items/7", nil)
	if n := testing.AllocsPerRun(1000, func() {
		m.Finish(r, m.Start(), Served{Route: "/items/:id", Code: 200, RequestSize: -1, ResponseSize: 10})
	}); n != 0 {
		t.Errorf("Start and Finish: %v allocations per request, want 0", n)
	}
}

// OTelSemConv writes OpenTelemetry's names and labels; the exemplar goes to the histogram.
func TestServerMiddlewareOTelSemConv(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, OTelSemConv: true, InFlight: true, Sizes: true,
		Exemplar: func(*http.Request) []prom.Label { return []prom.Label{{Name: "trace_id", Value: "abc"}} }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	h := m.Middleware(mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/1", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/items/1", nil))
	out := scrape(t, reg)
	wantLines(t, out,
		`http_server_request_duration_seconds_count{http_route="/items/{id}",http_request_method="GET",http_response_status_code="200"} 1`,
		`http_server_request_duration_seconds_bucket{http_route="/items/{id}",http_request_method="GET",http_response_status_code="200",le="0.075"} 1`,
		`http_server_request_duration_seconds_count{http_route="unmatched",http_request_method="_OTHER",http_response_status_code="405"} 1`,
		`http_server_response_body_size_bytes_sum{http_route="/items/{id}",http_request_method="GET",http_response_status_code="200"} 2`,
		`http_server_request_body_size_bytes_count{http_route="/items/{id}",http_request_method="GET",http_response_status_code="200"} 1`,
		`http_server_active_requests 0`,
	)
	if strings.Contains(out, "http_server_requests_total") {
		t.Errorf("a request counter beside the OpenTelemetry histogram:\n%s", out)
	}
	om := body(t, get(t, Handler(reg), "/metrics", "Accept", acceptProm242))
	if !strings.Contains(om, `# {trace_id="abc"}`) {
		t.Errorf("no exemplar on the histogram:\n%s", om)
	}
}

// A panicking handler is counted under PanicCode and the panic goes on.
func TestServerMiddlewarePanic(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, InFlight: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the handler's panic", v)
			}
		}()
		m.Middleware(mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
	}()
	wantLines(t, scrape(t, reg),
		`http_server_requests_total{route="/boom",method="GET",code="500"} 1`,
		`http_server_requests_in_flight 0`,
	)
}

// NativeFactor reaches the duration histogram: without Buckets it has native buckets only, so
// the text exposition lacks the classic bounds.
func TestServerMiddlewareNative(t *testing.T) {
	for _, tc := range []struct {
		factor  float64
		classic bool
	}{{0, true}, {1.1, false}} {
		reg := prom.NewRegistry()
		m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, NativeFactor: tc.factor})
		if err != nil {
			t.Fatal(err)
		}
		m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		out := scrape(t, reg)
		if got := strings.Contains(out, `le="0.005"`); got != tc.classic {
			t.Errorf("NativeFactor %v: classic buckets %v, want %v:\n%s", tc.factor, got, tc.classic, out)
		}
	}
}
