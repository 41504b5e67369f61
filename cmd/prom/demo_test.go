package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// recorder is an Encoder that keeps what a collection wrote: each family's type, and the value
// of each series (or its count, for histograms and summaries) under "name{values}".
type recorder struct {
	types  map[string]prom.Type
	values map[string]float64
	series map[string]*prom.Series // a copy of the last series of each family
}

func (r *recorder) Family(d *prom.Desc) { r.types[d.Name] = d.Type }
func (r *recorder) Series(d *prom.Desc, s *prom.Series) {
	v := s.Value
	if d.Type == prom.HistogramType || d.Type == prom.SummaryType {
		v = float64(s.Count)
	}
	r.values[d.Name+"{"+strings.Join(s.LabelValues, ",")+"}"] = v
	c := *s
	c.Buckets = append([]prom.Bucket(nil), s.Buckets...)
	c.Quantiles = append([]prom.Quantile(nil), s.Quantiles...)
	c.States = append([]prom.State(nil), s.States...)
	r.series[d.Name] = &c
}

func collect(t *testing.T, reg *prom.Registry) *recorder {
	t.Helper()
	r := &recorder{types: map[string]prom.Type{}, values: map[string]float64{}, series: map[string]*prom.Series{}}
	if err := reg.Collect(context.Background(), r); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return r
}

func newTestDemo(t *testing.T, seed uint64) (*demo, *prom.Registry) {
	t.Helper()
	reg := prom.NewRegistry()
	d, err := newDemo(reg, seed)
	if err != nil {
		t.Fatalf("newDemo: %v", err)
	}
	return d, reg
}

// TestDemoFamilies checks that the demo exposes each of its families with the right type, and
// so every metric type it promises.
func TestDemoFamilies(t *testing.T) {
	d, reg := newTestDemo(t, 1)
	for range 3 {
		d.step()
	}
	got := collect(t, reg)
	for _, f := range demoFamilies {
		typ, ok := got.types[f.name]
		if !ok {
			t.Errorf("family %s (%s) is missing", f.name, f.typ)
			continue
		}
		if typ != f.typ {
			t.Errorf("family %s is a %s, want %s", f.name, typ, f.typ)
		}
	}
	if len(got.types) != len(demoFamilies) {
		t.Errorf("collected %d families, the test knows %d: %v", len(got.types), len(demoFamilies), got.types)
	}
}

// TestDemoMetricsEndpoint scrapes /metrics over HTTP and looks for a sample of every family.
func TestDemoMetricsEndpoint(t *testing.T) {
	d, _ := newTestDemo(t, 1)
	d.step()
	srv := httptest.NewServer(d.handler())
	defer srv.Close()
	body, ctype := get(t, srv.URL+"/metrics")
	if !strings.HasPrefix(ctype, "text/plain") {
		t.Errorf("Content-Type %q, want text/plain for a scraper that sends no Accept", ctype)
	}
	for _, f := range demoFamilies {
		if !hasSample(body, f.sample) {
			t.Errorf("no %s sample in /metrics:\n%s", f.sample, body)
		}
	}
	if !hasSample(body, "promhttp_metric_handler_requests_total") {
		t.Errorf("the handler's own metrics are missing from /metrics")
	}
	if page, _ := get(t, srv.URL+"/"); !strings.Contains(page, `href="/metrics"`) {
		t.Errorf("home page does not link to /metrics:\n%s", page)
	}
}

func hasSample(body, name string) bool {
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			return true
		}
	}
	return false
}

func get(t *testing.T, url string) (body, contentType string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	return string(b), resp.Header.Get("Content-Type")
}

// TestDemoDeterministic checks that equal seeds move the metrics the same way and different
// seeds do not, apart from the metrics that follow the clock.
func TestDemoDeterministic(t *testing.T) {
	run := func(seed uint64) map[string]float64 {
		d, reg := newTestDemo(t, seed)
		for range 50 {
			d.step()
		}
		v := collect(t, reg).values
		for k := range v {
			if clockFamilies[strings.Split(k, "{")[0]] {
				delete(v, k)
			}
		}
		return v
	}
	a, b, c := run(7), run(7), run(8)
	if len(a) == 0 {
		t.Fatal("no values collected")
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("seed 7 twice: %s = %v then %v", k, v, b[k])
		}
	}
	same := true
	for k, v := range a {
		if c[k] != v {
			same = false
		}
	}
	if same {
		t.Error("seeds 7 and 8 gave the same values")
	}
}

// TestDemoMoves checks that each step moves the counters and the fake traffic.
func TestDemoMoves(t *testing.T) {
	d, reg := newTestDemo(t, 1)
	d.step()
	before := collect(t, reg).values
	for range 10 {
		d.step()
	}
	after := collect(t, reg).values
	for _, k := range []string{"demo_ticks{}", "demo_jobs_processed{}", "demo_read_bytes{}"} {
		if !(after[k] > before[k]) {
			t.Errorf("%s did not grow over 10 steps: %v then %v", k, before[k], after[k])
		}
	}
	if got := after["demo_ticks{}"]; got != 11 {
		t.Errorf("demo_ticks = %v after 11 steps", got)
	}
	var reqs float64
	for k, v := range after {
		if strings.HasPrefix(k, "demo_http_requests{") {
			reqs += v
		}
	}
	if reqs < 11 {
		t.Errorf("%v fake requests over 11 steps; want at least one per step", reqs)
	}
}

// TestServeDemo runs the whole service on a free port, scrapes it, and checks that it stops
// cleanly, leaving no goroutine behind, when its context is cancelled.
func TestServeDemo(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveDemo(ctx, demoConfig{addr: "127.0.0.1:0", tick: time.Millisecond, seed: 1,
			registry: prom.NewRegistry(), ready: func(a net.Addr) { addrc <- a }})
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serveDemo returned before serving: %v", err)
	}
	body, _ := get(t, "http://"+addr.String()+"/metrics")
	if !hasSample(body, "demo_ticks_total") {
		t.Fatalf("no demo_ticks_total in /metrics:\n%s", body)
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveDemo after cancel: %v", err)
		}
	case <-time.After(time.Minute): // it returns within milliseconds of cancel
		t.Fatal("serveDemo did not return within a minute of cancel")
	}
	if _, err := net.DialTimeout("tcp", addr.String(), time.Second); err == nil {
		t.Error("the listener is still open after shutdown")
	}
	if leak := goroutinesLeft(goroutines); leak != "" {
		t.Fatal(leak)
	}
}

// goroutinesLeft waits up to a minute (they end within milliseconds) for the number of
// goroutines to fall back to before, and returns "" when it does, or else the counts and every
// goroutine's stack.
func goroutinesLeft(before int) string {
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			return fmt.Sprintf("%d goroutines before, %d after shutdown:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}

// TestRunUsage checks the exit codes and messages of the command line for usage mistakes.
func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string // in stderr
	}{
		{nil, 2, "Usage: prom <command>"},
		{[]string{"help"}, 0, "demo"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"demo", "-h"}, 0, "-tick"},
		{[]string{"demo", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"demo", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"demo", "--tick", "0s"}, 2, "must be positive"},
		{[]string{"demo", "--addr", "127.0.0.1:-1"}, 1, "prom demo:"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
			t.Errorf("prom %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.msg)
		}
	}
}

// TestDemoFixedDistribution checks the known distribution integration tests rely on: after n
// ticks, bucket le=k/10 holds k*n observations, the count is 10n and the sum 5n.
func TestDemoFixedDistribution(t *testing.T) {
	const n = 7
	d, reg := newTestDemo(t, 1)
	for range n {
		d.step()
	}
	s := collect(t, reg).series["demo_fixed_observations"]
	if s == nil {
		t.Fatal("demo_fixed_observations not collected")
	}
	if s.Count != 10*n || math.Abs(s.Sum-5*n) > 1e-9 {
		t.Errorf("count %v, sum %v; want %v and %v", s.Count, s.Sum, 10*n, 5*n)
	}
	if len(s.Buckets) != len(fixedBuckets)+1 {
		t.Fatalf("%d buckets, want %d and +Inf: %+v", len(s.Buckets), len(fixedBuckets), s.Buckets)
	}
	for k, b := range s.Buckets {
		want := uint64(n * (k + 1))
		if k == len(fixedBuckets) {
			want = 10 * n
			if !math.IsInf(b.UpperBound, 1) {
				t.Errorf("last bucket le=%v, want +Inf", b.UpperBound)
			}
		} else if b.UpperBound != fixedBuckets[k] {
			t.Errorf("bucket %d le=%v, want %v", k, b.UpperBound, fixedBuckets[k])
		}
		if b.Count != float64(want) {
			t.Errorf("bucket le=%v holds %v, want %v", b.UpperBound, b.Count, want)
		}
	}
}

// TestDemoWorkerState checks that the state set moves through its states every 10 ticks and
// that exactly one state is set.
func TestDemoWorkerState(t *testing.T) {
	d, reg := newTestDemo(t, 1)
	for tick := 1; tick <= 35; tick++ {
		d.step()
		s := collect(t, reg).series["demo_worker_state"]
		want := workerStates[(tick/10)%len(workerStates)]
		var on []string
		for _, st := range s.States {
			if st.Enabled {
				on = append(on, st.Name)
			}
		}
		if len(s.States) != len(workerStates) || len(on) != 1 || on[0] != want {
			t.Fatalf("tick %d: states %+v, want only %q set", tick, s.States, want)
		}
	}
}

// TestDemoOpenMetrics checks that the demo negotiates OpenMetrics, where info and stateset
// keep their types.
func TestDemoOpenMetrics(t *testing.T) {
	d, _ := newTestDemo(t, 1)
	d.step()
	srv := httptest.NewServer(d.handler())
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text; version=1.0.0") {
		t.Errorf("Content-Type %q, want OpenMetrics 1.0.0", ct)
	}
	for _, want := range []string{"# TYPE demo_build info\n", "# TYPE demo_worker_state stateset\n", "# TYPE demo_ticks counter\n", "\n# EOF\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("OpenMetrics body lacks %q:\n%s", want, body)
		}
	}
	// As client_golang: no _created samples, which Prometheus would store as series of their
	// own (prom.SetCreatedSamples turns them on).
	if strings.Contains(body, "_created") {
		t.Errorf("OpenMetrics body has _created samples:\n%s", body)
	}
}

func TestDisplayAddr(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8000}, "localhost:8000"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "localhost:80"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, "127.0.0.1:9"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "[::1]:9"},
	}
	for _, tt := range tests {
		if got := displayAddr(tt.addr); got != tt.want {
			t.Errorf("displayAddr(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestDemoFakeTraffic checks that every fake request goes through the instrumented routes:
// the middleware counts as many requests, under the route patterns, as the demo's own counter.
func TestDemoFakeTraffic(t *testing.T) {
	d, reg := newTestDemo(t, 3)
	for range 20 {
		d.step()
	}
	v := collect(t, reg).values
	var own, mw float64
	for k, n := range v {
		switch {
		case strings.HasPrefix(k, "demo_http_requests{"):
			own += n
		case strings.HasPrefix(k, "http_server_requests{"):
			mw += n
		}
	}
	if own == 0 || own != mw {
		t.Errorf("demo_http_requests_total sums to %v, http_server_requests_total to %v; want equal and > 0", own, mw)
	}
	for _, k := range []string{"http_server_requests{/items/{id},GET,200}", "http_server_requests{/items,GET,200}"} {
		if v[k] == 0 {
			t.Errorf("no %s after 20 steps; collected %v", k, v)
		}
	}
}

// TestDemoFixedQuantiles checks the summary of the known distribution: its q quantile is
// within the rank error of q.
func TestDemoFixedQuantiles(t *testing.T) {
	d, reg := newTestDemo(t, 1)
	for range 30 {
		d.step()
	}
	s := collect(t, reg).series["demo_fixed_quantiles"]
	if s == nil || s.Count != 300 || len(s.Quantiles) != 3 {
		t.Fatalf("demo_fixed_quantiles: %+v; want 300 observations and 3 quantiles", s)
	}
	for _, q := range s.Quantiles {
		// The values are 0.05 apart around q, and the rank error is 1%.
		if math.Abs(q.Value-q.Quantile) > 0.051 {
			t.Errorf("quantile %v = %v, want within 0.05 of %v", q.Quantile, q.Value, q.Quantile)
		}
	}
}

func TestConcretePath(t *testing.T) {
	for path, want := range map[string]string{
		"/items/{id}": "/items/42",
		"/items":      "/items",
		"/healthz":    "/healthz",
	} {
		if got := concretePath(path, 42); got != want {
			t.Errorf("concretePath(%q, 42) = %q, want %q", path, got, want)
		}
	}
}
