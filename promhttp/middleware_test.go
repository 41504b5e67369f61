package promhttp

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testcerts"
)

func scrape(t testing.TB, reg *prom.Registry) string {
	t.Helper()
	return body(t, get(t, Handler(reg), "/metrics"))
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l+"\n") {
			t.Errorf("exposition lacks %q:\n%s", l, out)
		}
	}
}

func TestServerMiddleware(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, InFlight: true, Sizes: true, TimeToFirstByte: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "item "+r.PathValue("id"))
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	})
	h := m.Middleware(mux)
	do := func(method, target, body string, chunked bool) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, target, rd)
		if chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(strings.NewReader(body))
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	for _, id := range []string{"1", "2", "3"} {
		do("GET", "/items/"+id, "", false)
	}
	do("POST", "/items", "0123456789", false)
	do("POST", "/items", "01234567890123456789", true)
	do("GET", "/nowhere/at/all", "", false)
	do("BREW", "/items/1", "", false)

	out := scrape(t, reg)
	wantLines(t, out,
		`http_server_requests_total{route="/items/{id}",method="GET",code="200"} 3`,
		`http_server_requests_total{route="/items",method="POST",code="201"} 2`,
		`http_server_requests_total{route="unmatched",method="GET",code="404"} 1`,
		`http_server_requests_total{route="unmatched",method="OTHER",code="405"} 1`,
		`http_server_request_duration_seconds_count{route="/items/{id}",method="GET",code="200"} 3`,
		`http_server_request_size_bytes_sum{route="/items",method="POST",code="201"} 30`,
		`http_server_response_size_bytes_sum{route="/items/{id}",method="GET",code="200"} 18`,
		`http_server_time_to_first_byte_seconds_count{route="/items/{id}",method="GET",code="200"} 3`,
		`http_server_requests_in_flight 0`,
	)
	if strings.Contains(out, "/items/1") || strings.Contains(out, "nowhere") {
		t.Errorf("a raw path became a label value:\n%s", out)
	}
}

func TestServerMiddlewareRouteOption(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, Route: func(*http.Request) string { return "custom" }})
	if err != nil {
		t.Fatal(err)
	}
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	wantLines(t, scrape(t, reg), `http_server_requests_total{route="custom",method="GET",code="404"} 1`)
	if _, err := NewServerMetrics(ServerMetricsOpts{Registry: reg}); err == nil {
		t.Error("a second ServerMetrics in the same registry and namespace registered")
	}
}

func TestServerMiddlewareExemplar(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: reg, Exemplar: func(r *http.Request) []prom.Label {
		return []prom.Label{{Name: "trace_id", Value: r.Header.Get("Trace")}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Trace", "abc123")
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), req)
	out := body(t, get(t, Handler(reg), "/metrics", "Accept", acceptProm242))
	if !strings.Contains(out, `# {trace_id="abc123"} 1`) {
		t.Errorf("no exemplar:\n%s", out)
	}
}

// The wrapped writer keeps the optional interfaces handlers rely on.
func TestResponseWriterInterfaces(t *testing.T) {
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through ResponseController: %v", err)
		}
		if _, ok := w.(http.Hijacker); !ok {
			t.Error("not a Hijacker")
		}
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through Unwrap: %v", err)
		}
	})))
	defer srv.Close()
	r, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
}

func TestClientMetrics(t *testing.T) {
	p := testcerts.New(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey})
	reg := prom.NewRegistry()
	m, err := NewClientMetrics(ClientMetricsOpts{Registry: reg, Phases: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: m.RoundTripper(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}})}
	for _, path := range []string{"/metrics", "/metrics", "/missing"} {
		r, err := c.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	if _, err := c.Get("http://127.0.0.1:1/"); err == nil {
		t.Fatal("port 1 answered")
	}
	out := scrape(t, reg)
	wantLines(t, out,
		`http_client_requests_total{method="GET",code="200"} 2`,
		`http_client_requests_total{method="GET",code="404"} 1`,
		`http_client_requests_total{method="GET",code="error"} 1`,
		`http_client_request_duration_seconds_count{method="GET",code="200"} 2`,
		`http_client_requests_in_flight 0`,
		`http_client_phase_duration_seconds_count{phase="tls"} 1`,
		`http_client_phase_duration_seconds_count{phase="first_byte"} 3`,
	)
	// One connection served all three requests; the refused one has no successful connect.
	wantLines(t, out, `http_client_phase_duration_seconds_count{phase="connect"} 1`)
}

// nopWriter is a ResponseWriter that does nothing, so the benchmarks measure the middleware.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

func benchRequest() (*http.Request, http.ResponseWriter, http.Handler) {
	req := httptest.NewRequest("GET", "/items/1", nil)
	req.Pattern = "GET /items/{id}"
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	return req, &nopWriter{h: http.Header{}}, ok
}

// BenchmarkServerMiddleware measures the request counter and duration histogram around a
// handler that does nothing (compare BenchmarkServerBaseline).
func BenchmarkServerMiddleware(b *testing.B) {
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	req, w, ok := benchRequest()
	h := m.Middleware(ok)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

func BenchmarkServerMiddlewareParallel(b *testing.B) {
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	_, _, ok := benchRequest()
	h := m.Middleware(ok)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req, w, _ := benchRequest()
		for pb.Next() {
			h.ServeHTTP(w, req)
		}
	})
}

func BenchmarkServerBaseline(b *testing.B) {
	req, w, ok := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		ok.ServeHTTP(w, req)
	}
}

func TestServerMiddlewareAllocs(t *testing.T) {
	m, err := NewServerMetrics(ServerMetricsOpts{Registry: prom.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	req, w, ok := benchRequest()
	h := m.Middleware(ok)
	h.ServeHTTP(w, req)
	if n := testing.AllocsPerRun(1000, func() { h.ServeHTTP(w, req) }); n > 1 {
		t.Errorf("the middleware allocates %v times per request; the promise is at most 1", n)
	}
}
