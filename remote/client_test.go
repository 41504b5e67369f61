package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/snappy"
)

// receiver records the requests of a test, decompressed, and answers each with the next
// status of its script (200 when the script has run out).
type receiver struct {
	mu      sync.Mutex
	script  []int
	header  http.Header // sent with every answer
	v1Only  bool        // answers like a 1.0 receiver: no written-counts headers
	reqs    []*http.Request
	bodies  [][]byte
	arrived chan struct{}
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	raw, _ := io.ReadAll(req.Body)
	body, err := snappy.Decode(raw)
	r.mu.Lock()
	i := len(r.reqs)
	r.reqs = append(r.reqs, req)
	r.bodies = append(r.bodies, body)
	code := 200
	if err != nil {
		code = 400
	} else if i < len(r.script) {
		code = r.script[i]
	}
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if !r.v1Only && req.Header.Get("X-Prometheus-Remote-Write-Version") == "2.0.0" {
		w.Header().Set("X-Prometheus-Remote-Write-Samples-Written", "1")
	}
	r.mu.Unlock()
	w.WriteHeader(code)
	if r.arrived != nil {
		select {
		case r.arrived <- struct{}{}:
		default:
		}
	}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func fixtureRegistry(t *testing.T) *prom.Registry {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(err error) { t.Errorf("collection error: %v", err) })
	reg.MustRegister(families(fixture()))
	return reg
}

// start returns a Client of the fixture pushing to rcv, whose waits are recorded, not slept.
func start(t *testing.T, rcv *receiver, o Options) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	var waits []time.Duration
	if o.Registries == nil {
		o.Registries = []*prom.Registry{fixtureRegistry(t)}
	}
	o.now = func() time.Time { return time.UnixMilli(fixNow) }
	o.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	o.jitter = func(max time.Duration) time.Duration { return 0 }
	c, err := New(srv.URL+"/api/v1/write", o)
	if err != nil {
		t.Fatal(err)
	}
	return c, &waits
}

func TestPushBothVersions(t *testing.T) {
	for _, v := range []Version{V1, V2} {
		rcv := &receiver{}
		c, _ := start(t, rcv, Options{Version: v, ExternalLabels: map[string]string{"region": "eu"}, Tenant: "team-a",
			Header: http.Header{"X-Extra": {"1"}}})
		if err := c.Push(context.Background()); err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if err := c.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rcv.count() != 2 {
			t.Fatalf("%v: %d requests, want the push and the one of Close", v, rcv.count())
		}
		var want encoder
		want.ext = []prom.Label{{Name: "region", Value: "eu"}}
		if !bytes.Equal(rcv.bodies[0], encodeFixture(&want, v == V2)) {
			t.Errorf("%v: the request pushed from the registry differs from the fixture encoded directly", v)
		}
		h := rcv.reqs[0].Header
		wantType, wantVersion := "application/x-protobuf", "0.1.0"
		if v == V2 {
			wantType, wantVersion = "application/x-protobuf;proto=io.prometheus.write.v2.Request", "2.0.0"
		}
		for k, w := range map[string]string{"Content-Type": wantType, "X-Prometheus-Remote-Write-Version": wantVersion,
			"Content-Encoding": "snappy", "X-Scope-OrgID": "team-a", "X-Extra": "1"} {
			if got := h.Get(k); got != w {
				t.Errorf("%v: %s = %q, want %q", v, k, got, w)
			}
		}
		if rcv.reqs[0].URL.Path != "/api/v1/write" || rcv.reqs[0].Method != http.MethodPost {
			t.Errorf("%s %s", rcv.reqs[0].Method, rcv.reqs[0].URL.Path)
		}
		if err := c.Push(context.Background()); !errors.Is(err, ErrClosed) {
			t.Errorf("Push after Close = %v, want ErrClosed", err)
		}
	}
}

func TestNegotiationFallsBackOn415(t *testing.T) {
	rcv := &receiver{script: []int{415}}
	c, _ := start(t, rcv, Options{})
	defer c.Close(context.Background())
	if c.Version() != V2 {
		t.Fatalf("a new negotiating client speaks %v, want 2.0 first", c.Version())
	}
	if err := c.Push(context.Background()); err != nil {
		t.Fatalf("push with fallback: %v", err)
	}
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range rcv.reqs {
		got = append(got, r.Header.Get("X-Prometheus-Remote-Write-Version"))
	}
	if strings.Join(got, " ") != "2.0.0 0.1.0 0.1.0" {
		t.Errorf("versions sent %v, want 2.0.0 refused, then 1.0 at once and for good", got)
	}
	if c.Version() != V1 {
		t.Errorf("Version() = %v after the fallback", c.Version())
	}
	// A client told to speak 2.0 does not fall back.
	rcv2 := &receiver{script: []int{415}}
	c2, _ := start(t, rcv2, Options{Version: V2})
	defer c2.Close(context.Background())
	if err := c2.Push(context.Background()); err == nil || rcv2.count() != 1 {
		t.Errorf("V2 client on a 415: %v after %d requests, want the error after one", err, rcv2.count())
	}
}

// A 1.0 receiver answers a 2.0 request with success, having written nothing; without the
// written-counts headers the negotiating client sends the push again in 1.0.
func TestNegotiationFallsBackOnUnconfirmedSuccess(t *testing.T) {
	rcv := &receiver{v1Only: true}
	c, _ := start(t, rcv, Options{})
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close(context.Background())
	var got []string
	for _, r := range rcv.reqs {
		got = append(got, r.Header.Get("X-Prometheus-Remote-Write-Version"))
	}
	if strings.Join(got, " ") != "2.0.0 0.1.0 0.1.0" {
		t.Errorf("versions sent %v, want 2.0.0 unconfirmed, then 1.0 for good", got)
	}
	rcv2 := &receiver{v1Only: true}
	c2, _ := start(t, rcv2, Options{Version: V2})
	defer c2.Close(context.Background())
	if err := c2.Push(context.Background()); !errors.Is(err, errUnconfirmed) {
		t.Errorf("V2 push to a 1.0 receiver: %v, want errUnconfirmed", err)
	}
}

func TestRetriesAndStats(t *testing.T) {
	reg := prom.NewRegistry()
	rcv := &receiver{script: []int{503, 429, 200, 400}, header: http.Header{"Retry-After": {"2"}}}
	c, waits := start(t, rcv, Options{Version: V1, Metrics: reg})
	defer c.Close(context.Background())
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rcv.count() != 3 {
		t.Errorf("%d requests, want 3 (503 and 429 retried)", rcv.count())
	}
	if len(*waits) != 2 || (*waits)[0] != 2*time.Second || (*waits)[1] != 2*time.Second {
		t.Errorf("waits %v, want Retry-After's 2s twice", *waits)
	}
	err := c.Push(context.Background())
	if err == nil || !strings.Contains(err.Error(), "400") || rcv.count() != 4 {
		t.Errorf("a 400: %v after %d requests, want it returned, not retried", err, rcv.count())
	}
	st := c.Stats()
	if st.Retries != 2 || st.Failures != 1 || st.Samples != 22 || st.LastOK.IsZero() {
		t.Errorf("Stats %+v, want 2 retries, 1 failure, 22 samples, a last success", st)
	}
	var text strings.Builder
	for _, want := range []string{
		"prom_remote_write_samples_sent_total 22",
		"prom_remote_write_failures_total 1",
		"prom_remote_write_retries_total 2",
		"prom_remote_write_last_success_timestamp_seconds ",
		"prom_remote_write_pushes_total 2",
	} {
		text.Reset()
		writeText(t, reg, &text)
		if !strings.Contains(text.String(), want) {
			t.Errorf("self-metrics lack %q:\n%s", want, text.String())
		}
	}
}

func TestClashSendsNothing(t *testing.T) {
	rcv := &receiver{}
	c, _ := start(t, rcv, Options{ExternalLabels: map[string]string{"path": "x"}})
	err := c.Push(context.Background())
	if err == nil || !strings.Contains(err.Error(), `external label path="x" clashes with label path="/a" of metric "latency_seconds"`) {
		t.Errorf("Push = %v", err)
	}
	c.Close(context.Background())
	if rcv.count() != 0 {
		t.Errorf("%d requests sent despite the clash", rcv.count())
	}
	if c.Stats().Failures != 2 {
		t.Errorf("failures %d, want 2 (the push and Close's)", c.Stats().Failures)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{ExternalLabels: map[string]string{"__tenant": "x"}}, `external label "__tenant"`},
		{Options{ExternalLabels: map[string]string{"x": ""}}, "has an empty value"},
		{Options{Version: 9}, "unknown Version 9"},
		{Options{BearerToken: "a", Username: "u"}, "exclude each other"},
	} {
		if _, err := New("http://x/", c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want %q", c.o, err, c.want)
		}
	}
}

func TestPeriodicPushesAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	rcv := &receiver{arrived: make(chan struct{}, 1)}
	var errs []error
	var mu sync.Mutex
	c, _ := start(t, rcv, Options{Interval: 5 * time.Millisecond, OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	for i := 0; i < 3; i++ {
		select {
		case <-rcv.arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("no periodic push arrived")
		}
	}
	n := rcv.count()
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := rcv.count(); got < n+1 {
		t.Errorf("Close made no final push (%d requests before, %d after)", n, got)
	}
	after := rcv.count()
	mu.Lock()
	if len(errs) != 0 {
		t.Errorf("periodic errors: %v", errs)
	}
	mu.Unlock()
	// No goroutine of the client survives Close: the count returns to what it was (the test
	// server's are closed by its Cleanup, so compare after closing its connections).
	waitGoroutines(t, before+2) // the httptest server's listener and one idle conn at most
	if rcv.count() != after {
		t.Errorf("a push arrived after Close")
	}
}

func waitGoroutines(t *testing.T, max int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > max {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines remain, want at most %d:\n%s", runtime.NumGoroutine(), max, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeText(t *testing.T, reg *prom.Registry, w io.Writer) {
	t.Helper()
	enc := expfmt.NewEncoder(w, expfmt.TextFormat, expfmt.Underscores)
	if err := reg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNamesFilter(t *testing.T) {
	rcv := &receiver{}
	c, _ := start(t, rcv, Options{Version: V1, Names: []string{"door", "requests_total"}})
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close(context.Background())
	body := string(rcv.bodies[0])
	for _, in := range []string{"door", "requests_total"} {
		if !strings.Contains(body, in) {
			t.Errorf("the push lacks %s, which the filter names", in)
		}
	}
	for _, out := range []string{"latency_seconds", "temperature_celsius", "mystery"} {
		if strings.Contains(body, out) {
			t.Errorf("the push holds %s, which the filter leaves out", out)
		}
	}
	if c.Stats().Samples != 2*(2+2) { // two pushes (Push, Close) of 2 door + 2 requests samples
		t.Errorf("samples %d", c.Stats().Samples)
	}
}
