package promhttp

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testmetrics"
)

// funcCollector is a collector of one family whose Collect runs fn, counting its calls.
type funcCollector struct {
	desc  *prom.Desc
	calls atomic.Int32
	fn    func(w *prom.Writer)
}

func newFuncCollector(t testing.TB, reg *prom.Registry, name string, fn func(w *prom.Writer)) *funcCollector {
	t.Helper()
	d, err := prom.NewDesc(prom.GaugeType, name, "Test gauge "+name+".", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &funcCollector{desc: d, fn: fn}
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *funcCollector) Describe() []*prom.Desc { return []*prom.Desc{c.desc} }
func (c *funcCollector) Collect(w *prom.Writer) {
	c.calls.Add(1)
	if w.Family(c.desc) {
		if c.fn != nil {
			c.fn(w)
		} else {
			w.Emit(&prom.Series{Value: 1})
		}
	}
}

func get(t testing.TB, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	acceptProm242 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
	acceptProm3   = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
)

func TestHandlerContentType(t *testing.T) {
	reg := testmetrics.Registry(t)
	tests := []struct {
		name     string
		opts     HandlerOpts
		accept   string
		wantType string
		wantIn   []string
		wantEOF  bool
	}{
		{"prometheus 2.42", HandlerOpts{}, acceptProm242,
			"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores",
			[]string{"test_gauge 42.0\n", "test_utf8 1.0\n"}, true},
		{"prometheus 3", HandlerOpts{}, acceptProm3,
			"application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8",
			[]string{"test_gauge 42.0\n", `{"test.utf8"} 1.0` + "\n"}, true},
		{"prometheus 3, OpenMetrics off", HandlerOpts{DisableOpenMetrics: true}, acceptProm3,
			"text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8",
			[]string{"test_gauge 42\n", `{"test.utf8"} 1` + "\n"}, false},
		{"no Accept", HandlerOpts{}, "",
			"text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
			[]string{"# TYPE test_gauge gauge\n", "test_gauge 42\n", "test_utf8 1\n"}, false},
		{"unsatisfiable", HandlerOpts{}, "application/json",
			"text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
			[]string{"test_gauge 42\n"}, false},
		{"values escaping", HandlerOpts{}, "text/plain;version=1.0.0;escaping=values",
			"text/plain; version=1.0.0; charset=utf-8; escaping=values",
			[]string{"test_gauge 42\n", "U__test_2e_utf8 1\n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, NewHandler(tt.opts, reg), "/metrics", "Accept", tt.accept)
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			if got := r.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type\n got %s\nwant %s", got, tt.wantType)
			}
			b := body(t, r)
			for _, s := range tt.wantIn {
				if !strings.Contains(b, s) {
					t.Errorf("body lacks %q:\n%s", s, b)
				}
			}
			if got := strings.HasSuffix(b, "# EOF\n"); got != tt.wantEOF {
				t.Errorf("ends with # EOF: %v, want %v:\n%s", got, tt.wantEOF, b)
			}
		})
	}
}

func TestHandlerGzip(t *testing.T) {
	reg := testmetrics.Registry(t)
	plain := body(t, get(t, Handler(reg), "/metrics"))
	tests := []struct {
		acceptEncoding string
		opts           HandlerOpts
		gzip           bool
	}{
		{"gzip", HandlerOpts{}, true},
		{"deflate, gzip;q=0.5", HandlerOpts{}, true},
		{"*", HandlerOpts{}, true},
		{"gzip;q=0", HandlerOpts{}, false},
		{"identity", HandlerOpts{}, false},
		{"", HandlerOpts{}, false},
		{"gzip", HandlerOpts{DisableCompression: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.acceptEncoding, func(t *testing.T) {
			r := get(t, NewHandler(tt.opts, reg), "/metrics", "Accept-Encoding", tt.acceptEncoding)
			gz := r.Header.Get("Content-Encoding") == "gzip"
			if gz != tt.gzip {
				t.Fatalf("gzip %v, want %v", gz, tt.gzip)
			}
			// Caches must key on what negotiation read: Accept always, Accept-Encoding unless
			// compression is off.
			wantVary := "Accept, Accept-Encoding"
			if tt.opts.DisableCompression {
				wantVary = "Accept"
			}
			if vary := strings.Join(r.Header.Values("Vary"), ", "); vary != wantVary {
				t.Errorf("Vary %q, want %q", vary, wantVary)
			}
			rd := io.Reader(r.Body)
			if gz {
				zr, err := gzip.NewReader(r.Body)
				if err != nil {
					t.Fatal(err)
				}
				rd = zr
			}
			b, err := io.ReadAll(rd)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != plain {
				t.Errorf("body after round trip\n%s\nwant\n%s", b, plain)
			}
		})
	}
}

func TestHandlerNameFilter(t *testing.T) {
	reg := prom.NewRegistry()
	a := newFuncCollector(t, reg, "a", nil)
	b := newFuncCollector(t, reg, "b", nil)
	c := newFuncCollector(t, reg, "c", nil)
	out := body(t, get(t, Handler(reg), "/metrics?name[]=a&name[]=c"))
	if a.calls.Load() != 1 || c.calls.Load() != 1 {
		t.Errorf("requested collectors called %d and %d times, want 1", a.calls.Load(), c.calls.Load())
	}
	if n := b.calls.Load(); n != 0 {
		t.Errorf("collector b was called %d times though not requested", n)
	}
	if !strings.Contains(out, "a 1\n") || !strings.Contains(out, "c 1\n") || strings.Contains(out, "b 1") {
		t.Errorf("body:\n%s", out)
	}
}

func TestHandlerMethods(t *testing.T) {
	h := Handler(testmetrics.Registry(t))
	tests := []struct {
		method, path string
		code         int
		allow        string
		emptyBody    bool
	}{
		{http.MethodGet, "/metrics", 200, "", false},
		{http.MethodHead, "/metrics", 200, "", true},
		{http.MethodOptions, "/metrics", 200, "GET, HEAD, OPTIONS", true},
		{http.MethodPost, "/metrics", 405, "GET, HEAD, OPTIONS", false},
		{http.MethodDelete, "/metrics", 405, "GET, HEAD, OPTIONS", false},
		{http.MethodGet, "/favicon.ico", 200, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.code {
				t.Errorf("status %d, want %d", rec.Code, tt.code)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if (rec.Body.Len() == 0) != tt.emptyBody {
				t.Errorf("body %q, want empty: %v", rec.Body.String(), tt.emptyBody)
			}
		})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("HEAD Content-Type %q", ct)
	}
}

func TestHandlerMaxRequestsInFlight(t *testing.T) {
	reg := prom.NewRegistry()
	entered, release := make(chan struct{}), make(chan struct{})
	newFuncCollector(t, reg, "slow", func(w *prom.Writer) {
		entered <- struct{}{}
		<-release
		w.Emit(&prom.Series{Value: 1})
	})
	self := prom.NewRegistry()
	h := NewHandler(HandlerOpts{MaxRequestsInFlight: 1, Metrics: self}, reg)
	done := make(chan int)
	go func() { done <- get(t, h, "/metrics").StatusCode }()
	<-entered
	if r := get(t, h, "/metrics"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second scrape: status %d, want 503", r.StatusCode)
	}
	close(release)
	if code := <-done; code != 200 {
		t.Errorf("first scrape: status %d", code)
	}
	go func() { <-entered }()
	if r := get(t, h, "/metrics"); r.StatusCode != 200 {
		t.Errorf("scrape after the first ended: status %d", r.StatusCode)
	}
	out := body(t, get(t, Handler(self), "/metrics"))
	for _, s := range []string{
		`promhttp_metric_handler_requests_total{code="200"} 2`,
		`promhttp_metric_handler_requests_total{code="503"} 1`,
		`promhttp_metric_handler_errors_total{cause="limit"} 1`,
		`promhttp_metric_handler_requests_in_flight 0`,
		`promhttp_metric_handler_scrape_duration_seconds_count 2`,
	} {
		if !strings.Contains(out, s+"\n") {
			t.Errorf("self-metrics lack %q:\n%s", s, out)
		}
	}
}

func TestHandlerTimeout(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   HandlerOpts
		header string
	}{
		{"option", HandlerOpts{Timeout: 20 * time.Millisecond}, ""},
		{"prometheus header", HandlerOpts{Timeout: time.Hour}, "0.02"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := prom.NewRegistry()
			var sawDone atomic.Bool
			newFuncCollector(t, reg, "waits", func(w *prom.Writer) {
				select {
				case <-w.Context().Done():
					sawDone.Store(true)
				case <-time.After(10 * time.Second):
				}
			})
			after := newFuncCollector(t, reg, "zz_after", nil)
			r := get(t, NewHandler(tt.opts, reg), "/metrics", "X-Prometheus-Scrape-Timeout-Seconds", tt.header)
			if r.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d, want 503", r.StatusCode)
			}
			if !sawDone.Load() {
				t.Error("the collector's context was not cancelled")
			}
			if after.calls.Load() != 0 {
				t.Error("a collector ran after the timeout")
			}
		})
	}
}

func TestHandlerErrors(t *testing.T) {
	failing := func(t *testing.T, size int) *prom.Registry {
		reg := prom.NewRegistry()
		big := prom.Must(prom.NewDesc(prom.GaugeType, "big", "Many series.", []string{"i"}))
		reg.MustRegister(&funcCollector{desc: big, fn: func(w *prom.Writer) {
			for i := range size {
				w.Emit(&prom.Series{Value: float64(i), LabelValues: []string{fmt.Sprint(i)}})
			}
		}})
		newFuncCollector(t, reg, "broken", func(w *prom.Writer) { w.Error(errors.New("disk on fire")) })
		return reg
	}
	t.Run("500 when nothing was sent", func(t *testing.T) {
		r := get(t, Handler(failing(t, 0)), "/metrics")
		if r.StatusCode != 500 {
			t.Fatalf("status %d, want 500", r.StatusCode)
		}
		if b := body(t, r); !strings.Contains(b, "disk on fire") {
			t.Errorf("body %q lacks the error", b)
		}
	})
	t.Run("continue", func(t *testing.T) {
		r := get(t, NewHandler(HandlerOpts{ErrorHandling: ContinueOnError}, failing(t, 0)), "/metrics", "Accept", acceptProm242)
		if r.StatusCode != 200 {
			t.Fatalf("status %d, want 200", r.StatusCode)
		}
		if b := body(t, r); !strings.HasSuffix(b, "# EOF\n") {
			t.Errorf("body does not end with # EOF:\n%s", b)
		}
	})
	t.Run("panic", func(t *testing.T) {
		defer func() {
			if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "disk on fire") {
				t.Errorf("recovered %v, want the collection error", p)
			}
		}()
		get(t, NewHandler(HandlerOpts{ErrorHandling: PanicOnError}, failing(t, 0)), "/metrics")
	})
	t.Run("cut after streaming", func(t *testing.T) {
		srv := httptest.NewServer(Handler(failing(t, 20000)))
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.Header.Set("Accept", acceptProm242)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("status %d: the body was expected to start streaming", r.StatusCode)
		}
		b, err := io.ReadAll(r.Body)
		if err == nil {
			t.Errorf("the body of a failed scrape was read to its end without error (%d bytes)", len(b))
		}
		if strings.Contains(string(b), "# EOF") {
			t.Error("a failed OpenMetrics body contains # EOF")
		}
		if len(b) < holdBack {
			t.Errorf("only %d bytes arrived; the test wants a body longer than the held-back part", len(b))
		}
	})
}

func TestHandlerSeveralSources(t *testing.T) {
	r1, r2 := prom.NewRegistry(), prom.NewRegistry()
	newFuncCollector(t, r1, "one", nil)
	newFuncCollector(t, r2, "two", nil)
	newFuncCollector(t, r2, "one", func(w *prom.Writer) { w.Emit(&prom.Series{Value: 2}) })
	out := body(t, get(t, NewHandler(HandlerOpts{DetectDuplicates: true, ErrorHandling: ContinueOnError}, r1, r2), "/metrics"))
	if !strings.Contains(out, "one 1\n") || !strings.Contains(out, "two 1\n") {
		t.Errorf("families missing:\n%s", out)
	}
	if strings.Contains(out, "one 2") || strings.Count(out, "# TYPE one ") != 1 {
		t.Errorf("the duplicate family was written:\n%s", out)
	}
	r := get(t, NewHandler(HandlerOpts{DetectDuplicates: true}, r1, r2), "/metrics")
	if r.StatusCode != 500 {
		t.Errorf("duplicate with HTTPErrorOnError: status %d, want 500", r.StatusCode)
	}
	if r := get(t, Handler(r1, r2), "/metrics?name[]=two"); body(t, r) != "# HELP two Test gauge two.\n# TYPE two gauge\ntwo 1\n" {
		t.Errorf("filtered several sources: %q", body(t, r))
	}
}

func TestHandlerClientGone(t *testing.T) {
	reg := prom.NewRegistry()
	newFuncCollector(t, reg, "x", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	Handler(reg).ServeHTTP(rec, req)
	if rec.Code != 500 {
		t.Errorf("status %d for a request whose client left, want 500", rec.Code)
	}
}

func TestLandingPage(t *testing.T) {
	p := LandingPage{Title: "Demo <exporter>", Version: "v1.2.3", MetricsPath: "/m"}
	r := get(t, p, "/")
	b := body(t, r)
	for _, s := range []string{"<title>Demo &lt;exporter&gt;</title>", "v1.2.3", `href="/m"`} {
		if !strings.Contains(b, s) {
			t.Errorf("landing page lacks %q:\n%s", s, b)
		}
	}
	if r := get(t, p, "/other"); r.StatusCode != 404 {
		t.Errorf("/other: status %d, want 404", r.StatusCode)
	}
}

func TestHandlerProtobuf(t *testing.T) {
	const accept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,*/*;q=0.1"
	reg := testmetrics.Registry(t)
	r := get(t, Handler(reg), "/metrics", "Accept", accept)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited") {
		t.Errorf("Content-Type %q", ct)
	}
	r = get(t, NewHandler(HandlerOpts{DisableProtobuf: true}, reg), "/metrics", "Accept", accept)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text") {
		t.Errorf("DisableProtobuf: Content-Type %q", ct)
	}
}

// A scrape allocates the same whatever the number of series.
func TestHandlerAllocsIndependentOfSeries(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under -race; .ci/run runs this without it")
	}
	allocs := func(n int) float64 {
		reg := prom.NewRegistry()
		v := prom.Must(prom.NewCounterVec("c_total", "C.", []string{"i"}, prom.Opts{Registry: reg}))
		for i := range n {
			v.With(fmt.Sprint(i)).Inc()
		}
		h := Handler(reg)
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", acceptProm3)
		req.Header.Set("Accept-Encoding", "gzip")
		w := &nopWriter{h: http.Header{}}
		return testing.AllocsPerRun(50, func() {
			clear(w.h)
			h.ServeHTTP(w, req)
		})
	}
	small, large := allocs(10), allocs(2000)
	if large > small+2 {
		t.Errorf("a scrape of 2000 series allocates %v times, of 10 series %v: allocations grow with series", large, small)
	}
	t.Logf("allocations per scrape: %v (10 series), %v (2000 series)", small, large)
}

func BenchmarkHandler(b *testing.B) {
	reg := prom.NewRegistry()
	v := prom.Must(prom.NewCounterVec("c_total", "C.", []string{"i"}, prom.Opts{Registry: reg}))
	for i := range 1000 {
		v.With(fmt.Sprint(i)).Inc()
	}
	for _, gz := range []string{"identity", "gzip"} {
		b.Run("1000 series/"+gz, func(b *testing.B) {
			h := Handler(reg)
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept", acceptProm3)
			req.Header.Set("Accept-Encoding", gz)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}
