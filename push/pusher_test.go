package push

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testmetrics"
	"github.com/prom-go/prom/internal/testnet"
)

// request is what a fake gateway saw.
type request struct {
	method, path, contentType, encoding, auth string
	body                                      []byte
}

// fakeGateway records the requests it gets and answers each with the next status of answers
// (the last one repeated), with body as the answer's text.
type fakeGateway struct {
	mu      sync.Mutex
	reqs    []request
	answers []int
	body    string
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.reqs = append(g.reqs, request{r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"),
		r.Header.Get("Content-Encoding"), r.Header.Get("Authorization"), b})
	status := http.StatusOK
	if len(g.answers) > 0 {
		status = g.answers[0]
		if len(g.answers) > 1 {
			g.answers = g.answers[1:]
		}
	}
	g.mu.Unlock()
	w.WriteHeader(status)
	io.WriteString(w, g.body)
}

func (g *fakeGateway) requests() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.reqs...)
}

func newGateway(t *testing.T, answers ...int) (*fakeGateway, string) {
	g := &fakeGateway{answers: answers}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

func TestPushAddDelete(t *testing.T) {
	g, url := newGateway(t)
	p := &Pusher{URL: url, Job: "backup", Grouping: map[string]string{"path": "/var/tmp", "host": "db1"}, Text: true}
	ctx := context.Background()
	reg := testmetrics.Registry(t)
	if err := p.Push(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := g.requests()
	wantPath := "/metrics/job/backup/host/db1/path@base64/L3Zhci90bXA"
	for i, m := range []string{"PUT", "POST", "DELETE"} {
		if reqs[i].method != m || reqs[i].path != wantPath {
			t.Errorf("request %d: %s %s, want %s %s", i, reqs[i].method, reqs[i].path, m, wantPath)
		}
	}
	body := string(reqs[0].body)
	for _, want := range []string{"jobs_done_total 3\n", `queue_length{queue="high"} 7` + "\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("PUT body lacks %q:\n%s", want, body)
		}
	}
	if !strings.HasPrefix(reqs[0].contentType, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q, want text 0.0.4", reqs[0].contentType)
	}
	if len(reqs[2].body) != 0 || reqs[2].contentType != "" {
		t.Errorf("DELETE sent a body (%q) or Content-Type %q", reqs[2].body, reqs[2].contentType)
	}
}

func TestPushProtobufByDefaultAndGzip(t *testing.T) {
	g, url := newGateway(t)
	reg := testmetrics.Registry(t)
	for _, gz := range []bool{false, true} {
		if err := (&Pusher{URL: url, Job: "j", Gzip: gz}).Push(context.Background(), reg); err != nil {
			t.Fatal(err)
		}
	}
	reqs := g.requests()
	plain, zipped := reqs[0], reqs[1]
	for _, r := range reqs {
		if !strings.HasPrefix(r.contentType, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited") {
			t.Errorf("Content-Type %q, want delimited protobuf", r.contentType)
		}
	}
	if plain.encoding != "" || zipped.encoding != "gzip" {
		t.Errorf("Content-Encoding %q and %q, want none and gzip", plain.encoding, zipped.encoding)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.body) || len(plain.body) == 0 {
		t.Errorf("gzip body decompresses to %d bytes that differ from the plain body's %d", len(unzipped), len(plain.body))
	}
	if !bytes.Contains(plain.body, []byte("jobs_done_total")) {
		t.Errorf("protobuf body lacks the counter's name: %q", plain.body)
	}
}

func TestPushAuthHeaders(t *testing.T) {
	g, url := newGateway(t)
	ctx := context.Background()
	reg := prom.NewRegistry()
	if err := (&Pusher{URL: url, Job: "j", Username: "alice", Password: "s3cret"}).Push(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if err := (&Pusher{URL: url, Job: "j", BearerToken: "tok"}).Push(ctx, reg); err != nil {
		t.Fatal(err)
	}
	reqs := g.requests()
	if reqs[0].auth != "Basic YWxpY2U6czNjcmV0" {
		t.Errorf("basic auth header %q", reqs[0].auth)
	}
	if reqs[1].auth != "Bearer tok" {
		t.Errorf("bearer header %q", reqs[1].auth)
	}
}

func TestPushRefusesReservedLabels(t *testing.T) {
	g, url := newGateway(t)
	tests := []struct {
		name     string
		build    func(reg *prom.Registry)
		grouping map[string]string
		want     string
	}{
		{"variable job label", func(reg *prom.Registry) {
			prom.Must(prom.NewGaugeVec("g", "h", []string{"job"}, prom.Opts{Registry: reg})).With("x").Set(1)
		}, nil, `metric "g" already has the label "job"`},
		{"const grouping label", func(reg *prom.Registry) {
			prom.Must(prom.NewGauge("g", "h", prom.Opts{Registry: reg, ConstLabels: map[string]string{"instance": "a"}})).Set(1)
		}, map[string]string{"instance": "b"}, `metric "g" already has the label "instance"`},
		{"per-series label names", func(reg *prom.Registry) {
			d := prom.Must(prom.NewDesc(prom.InfoType, "build", "h", nil))
			reg.MustRegister(familyCollector{&prom.Family{Desc: *d,
				Series: []prom.Series{{LabelNames: []string{"job"}, LabelValues: []string{"x"}}}}})
		}, nil, `metric "build" already has the label "job"`},
	}
	for _, tt := range tests {
		reg := prom.NewRegistry()
		tt.build(reg)
		err := (&Pusher{URL: url, Job: "j", Grouping: tt.grouping}).Push(context.Background(), reg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("the gateway got %d requests; refused pushes must send nothing", n)
	}
}

type familyCollector struct{ f *prom.Family }

func (c familyCollector) Describe() []*prom.Desc { return nil }
func (c familyCollector) Collect(w *prom.Writer) {
	w.Family(&c.f.Desc)
	for i := range c.f.Series {
		w.Emit(&c.f.Series[i])
	}
}

func TestPush400IsNotRetried(t *testing.T) {
	g, url := newGateway(t, http.StatusBadRequest)
	g.body = "pushed metrics are invalid or inconsistent with existing metrics: collected metric \"y\" is not a GAUGE\n"
	err := (&Pusher{URL: url, Job: "j", Backoff: time.Millisecond}).Push(context.Background(), testmetrics.Registry(t))
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want *Error", err, err)
	}
	if pe.StatusCode != 400 || pe.Method != "PUT" || !strings.HasSuffix(pe.URL, "/metrics/job/j") ||
		pe.Body != strings.TrimSpace(g.body) {
		t.Errorf("Error = %+v", pe)
	}
	if !strings.Contains(err.Error(), "400 Bad Request: pushed metrics are invalid") {
		t.Errorf("message %q lacks the status and the gateway's explanation", err)
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d attempts, want 1: a 4xx must not be retried", n)
	}
}

func TestPush5xxIsRetried(t *testing.T) {
	g, url := newGateway(t, 503, 502, 200)
	if err := (&Pusher{URL: url, Job: "j", Backoff: time.Millisecond}).Push(context.Background(), testmetrics.Registry(t)); err != nil {
		t.Fatalf("push failed after two 5xx and a 200: %v", err)
	}
	if n := len(g.requests()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}

	g, url = newGateway(t, 500)
	g.body = "boom"
	err := (&Pusher{URL: url, Job: "j", Retries: 3, Backoff: time.Millisecond}).Push(context.Background(), testmetrics.Registry(t))
	var pe *Error
	if !errors.As(err, &pe) || pe.StatusCode != 500 || pe.Body != "boom" {
		t.Errorf("error %v, want *Error 500 boom", err)
	}
	if n := len(g.requests()); n != 4 {
		t.Errorf("%d attempts with Retries 3, want 4", n)
	}

	g, url = newGateway(t, 500)
	(&Pusher{URL: url, Job: "j", Retries: -1}).Delete(context.Background())
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d attempts with Retries -1, want 1", n)
	}
}

// closingGateway accepts connections and closes them at once, counting them: a gateway that
// is up but broken, where every attempt is a connection error.
func closingGateway(t *testing.T) (string, *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return "http://" + ln.Addr().String(), &n
}

func TestPushConnectionErrors(t *testing.T) {
	url, n := closingGateway(t)
	err := (&Pusher{URL: url, Job: "j", Backoff: time.Millisecond}).Push(context.Background(), testmetrics.Registry(t))
	if err == nil || !strings.Contains(err.Error(), "push: PUT "+url+"/metrics/job/j") {
		t.Errorf("error %v, want one naming the request", err)
	}
	if n.Load() != 3 {
		t.Errorf("%d connections, want 3 (the default 2 retries)", n.Load())
	}

	// A gateway that is down: nothing listens on the port.
	down := testnet.FreeAddr(t)
	err = (&Pusher{URL: down, Job: "j", Backoff: time.Millisecond}).Delete(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "http://"+down) {
		t.Errorf("gateway down: error %v, want connection refused with the URL", err)
	}
}

func TestPushTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	err := (&Pusher{URL: srv.URL, Job: "j", Timeout: 20 * time.Millisecond, Retries: 1, Backoff: time.Millisecond}).
		Push(context.Background(), testmetrics.Registry(t))
	if err == nil || !strings.Contains(err.Error(), "no answer within 20ms") {
		t.Errorf("error %v, want a timeout naming the limit", err)
	}

	// The context bounds the whole call, retries included.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err = (&Pusher{URL: srv.URL, Job: "j", Retries: 100, Backoff: time.Hour}).Push(ctx, testmetrics.Registry(t))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
}

func TestPusherConfigErrors(t *testing.T) {
	reg := prom.NewRegistry()
	tests := []struct {
		p    Pusher
		want string
	}{
		{Pusher{Job: "j"}, "Pusher.URL is empty"},
		{Pusher{URL: "http://x", Job: ""}, "job name is empty"},
		{Pusher{URL: "http://x", Job: "j", Client: http.DefaultClient, CAFile: "ca.pem"}, "cannot be combined"},
		{Pusher{URL: "http://x", Job: "j", CertFile: "c.pem"}, "must be set together"},
		{Pusher{URL: "http://x", Job: "j", CAFile: "/does/not/exist.pem"}, "reading CAFile"},
		{Pusher{URL: "http://x", Job: "j", CertFile: "/no/c.pem", KeyFile: "/no/k.pem"}, "loading the client certificate"},
		{Pusher{URL: "http://x\x7f", Job: "j"}, "invalid control character"},
	}
	for _, tt := range tests {
		err := tt.p.Push(context.Background(), reg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want one containing %q", tt.p, err, tt.want)
		}
	}
}

func TestPushURLWithoutScheme(t *testing.T) {
	g, url := newGateway(t)
	if err := (&Pusher{URL: strings.TrimPrefix(url, "http://") + "/", Job: "j"}).Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := g.requests(); len(r) != 1 || r[0].path != "/metrics/job/j" {
		t.Errorf("requests %+v", r)
	}
}

func TestInstanceIPGroupingKey(t *testing.T) {
	for _, gw := range []string{"http://127.0.0.1:9091", "127.0.0.1:9091", ""} {
		key, err := InstanceIPGroupingKey(gw)
		if err != nil {
			t.Fatalf("%q: %v", gw, err)
		}
		if ip := net.ParseIP(key["instance"]); ip == nil || !ip.IsLoopback() || len(key) != 1 {
			t.Errorf("%q: key %v, want {instance: a loopback address}", gw, key)
		}
	}
	if _, err := InstanceIPGroupingKey("http://[::1"); err == nil {
		t.Error("a malformed URL gave no error")
	}
}
