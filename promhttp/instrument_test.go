package promhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// TestInstrumentHandler: the families of client_golang's InstrumentHandler* wrappers, with its
// label values: method lowercased or "unknown", code "200" when the handler wrote no status,
// const labels kept, names exactly as given.
func TestInstrumentHandler(t *testing.T) {
	reg := prom.NewRegistry()
	both := []string{"method", "code"}
	handler := map[string]string{"handler": "/api"}
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, InstrumentHandler: &InstrumentOpts{
		Counter:           InstrumentFamily{Name: "http_requests_total", Help: "Requests.", Labels: both, ConstLabels: handler},
		Duration:          InstrumentFamily{Name: "http_request_duration_seconds", Help: "Latency.", Labels: []string{"code"}, Buckets: []float64{0.1, 1}},
		RequestSize:       InstrumentFamily{Name: "http_request_size_bytes", Help: "Request sizes.", Labels: both, Summary: true},
		ResponseSize:      InstrumentFamily{Name: "http_response_size_bytes", Help: "Response sizes.", Labels: []string{"method"}, Summary: true},
		TimeToWriteHeader: InstrumentFamily{Name: "http_ttwh_seconds", Help: "Time to write header.", Buckets: []float64{1}},
		InFlight:          InstrumentFamily{Name: "http_in_flight", Help: "In flight."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/silent":
		default:
			io.WriteString(w, "hello")
		}
	}))
	for _, rq := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/missing"}, {"POST", "/silent"}, {"BREW", "/"},
	} {
		r := httptest.NewRequest(rq.method, rq.path, nil)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	out := scrape(t, reg)
	wantLines(t, out,
		`# TYPE http_requests_total counter`,
		`http_requests_total{handler="/api",method="get",code="200"} 1`,
		`http_requests_total{handler="/api",method="get",code="404"} 1`,
		`http_requests_total{handler="/api",method="post",code="200"} 1`,
		`http_requests_total{handler="/api",method="unknown",code="200"} 1`,
		`http_request_duration_seconds_count{code="200"} 3`,
		`http_request_duration_seconds_bucket{code="404",le="+Inf"} 1`,
		`# TYPE http_request_size_bytes summary`,
		`http_request_size_bytes_count{method="get",code="200"} 1`,
		// GET, "/", HTTP/1.1 and example.com, as httptest.NewRequest makes it: 3+1+8+11.
		`http_request_size_bytes_sum{method="get",code="200"} 23`,
		`http_response_size_bytes_sum{method="get"} 5`,
		`http_response_size_bytes_count{method="get"} 2`,
		`http_response_size_bytes_sum{method="post"} 0`,
		// The silent POST wrote no header: three of four requests are observed.
		`http_ttwh_seconds_count 3`,
		`http_in_flight 0`,
	)
	if strings.Contains(out, "http_server_") {
		t.Errorf("ServerMetrics' own families written in InstrumentHandler mode:\n%s", out)
	}
}

func TestInstrumentHandlerErrors(t *testing.T) {
	for _, tc := range []struct {
		opts InstrumentOpts
		want string
	}{
		{InstrumentOpts{Counter: InstrumentFamily{Name: "x_total", Labels: []string{"path"}}}, `InstrumentOpts.Counter: label "path"`},
		{InstrumentOpts{Duration: InstrumentFamily{Name: "d", Labels: []string{"route"}}}, `InstrumentOpts.Duration: label "route"`},
		{InstrumentOpts{InFlight: InstrumentFamily{Name: "f", Labels: []string{"code"}}}, `InstrumentOpts.InFlight: labels ["code"]`},
		{InstrumentOpts{Duration: InstrumentFamily{Name: "d"}, RequestSize: InstrumentFamily{Name: "d"}}, `"d"`},
	} {
		_, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry(), InstrumentHandler: &tc.opts})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.opts, err, tc.want)
		}
	}
}

func TestClientGolangLabelValues(t *testing.T) {
	for in, want := range map[string]string{"GET": "get", "get": "get", "PATCH": "patch", "NOTIFY": "notify", "Get": "unknown", "BREW": "unknown"} {
		if got := clientGolangMethod(in); got != want {
			t.Errorf("method %q: %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int]string{0: "200", 200: "200", 404: "404", 599: "599"} {
		if got := clientGolangCode(in); got != want {
			t.Errorf("code %d: %q, want %q", in, got, want)
		}
	}
}

// TestInstrumentHandlerAllocs: a request to an instrumented handler costs what ServerMetrics'
// own middleware costs, one allocation (the recording ResponseWriter), with a counter, a
// histogram and a summary by code and method, once their children exist.
func TestInstrumentHandlerAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates; run without -race")
	}
	both := []string{"code", "method"}
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry(), InstrumentHandler: &InstrumentOpts{
		Counter:      InstrumentFamily{Name: "requests_total", Labels: both},
		Duration:     InstrumentFamily{Name: "duration_seconds", Labels: both},
		ResponseSize: InstrumentFamily{Name: "response_size_bytes", Labels: both, Summary: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if n := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) }); n > 1 {
		t.Errorf("%v allocations per request, want at most 1", n)
	}
}
