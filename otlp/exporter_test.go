package otlp_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/otlp"
)

// received is one request a test receiver got.
type received struct {
	method, path, contentType, tenant string
	body                              []byte
}

// receiver starts an HTTP server that records each request on the channel and answers with
// status and body (and the Content-Type ctype, when not empty).
func receiver(t *testing.T, status int, ctype string, answer []byte) (*httptest.Server, chan received) {
	t.Helper()
	got := make(chan received, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Scope-OrgID"), b}
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestPush(t *testing.T) {
	srv, got := receiver(t, http.StatusOK, "application/x-protobuf", nil)
	reg := newRegistry(t, allTypes())
	e, err := otlp.New(reg, otlp.Options{URL: srv.URL, Tenant: "team-a",
		Resource: map[string]string{"service.name": "checkout", "service.instance.id": "checkout-1", "region": "us-east"}})
	if err != nil {
		t.Fatal(err)
	}
	otlp.SetNow(e, func() time.Time { return testNow })
	if err := e.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.method != http.MethodPost || r.path != "/v1/metrics" || r.contentType != "application/x-protobuf" || r.tenant != "team-a" {
		t.Errorf("got %s %s Content-Type %q tenant %q, want POST /v1/metrics application/x-protobuf team-a", r.method, r.path, r.contentType, r.tenant)
	}
	want, _, _ := request(t, reg)
	if !bytes.Equal(r.body, want) {
		t.Errorf("the body differs from AppendRequest's")
	}
}

func TestPushRefused(t *testing.T) {
	// google.rpc.Status{code: 3, message: "bad metric"}
	status := append([]byte{0x08, 0x03, 0x12, 10}, "bad metric"...)
	// ExportMetricsServiceResponse{partial_success: {rejected_data_points: 2, error_message: "dup"}}
	partial := []byte{0x0a, 7, 0x08, 0x02, 0x12, 3, 'd', 'u', 'p'}
	for _, tc := range []struct {
		name, ctype string
		status      int
		answer      []byte
		want        string
	}{
		{"protobuf status", "application/x-protobuf", 400, status, "400 Bad Request: bad metric"},
		{"text", "text/plain", 503, []byte("overloaded\n"), "503 Service Unavailable: overloaded"},
		{"partial", "application/x-protobuf", 200, partial, "rejected 2 data points: dup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := receiver(t, tc.status, tc.ctype, tc.answer)
			e := newExporter(t, newRegistry(t, allTypes()), srv.URL+"/otlp/v1/metrics")
			err := e.Push(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), srv.URL+"/otlp/v1/metrics") {
				t.Fatalf("got %v, want an error with the URL and %q", err, tc.want)
			}
			var oe *otlp.Error
			var pe *otlp.PartialError
			if tc.status != 200 && (!errors.As(err, &oe) || oe.StatusCode != tc.status) {
				t.Errorf("got %T, want *otlp.Error with status %d", err, tc.status)
			}
			if tc.status == 200 && (!errors.As(err, &pe) || pe.Rejected != 2) {
				t.Errorf("got %#v, want *otlp.PartialError with 2 rejected", err)
			}
		})
	}
}

func TestPushUnreachable(t *testing.T) {
	e := newExporter(t, prom.NewRegistry(), "http://"+testnet.FreeAddr(t))
	if err := e.Push(context.Background()); err == nil || !strings.Contains(err.Error(), "otlp: POST http://") {
		t.Fatalf("got %v, want the connection error with the URL", err)
	}
}

func TestNewChecks(t *testing.T) {
	for _, tc := range []struct {
		o    otlp.Options
		want string
	}{
		{otlp.Options{}, "URL is empty"},
		{otlp.Options{URL: "localhost:4318"}, "want http:// or https://"},
		{otlp.Options{URL: "ftp://x/v1/metrics"}, "want http:// or https://"},
		{otlp.Options{URL: "http://x", Resource: map[string]string{"": "v"}}, "non-empty UTF-8"},
		{otlp.Options{URL: "http://x", Resource: map[string]string{"k": "\xff"}}, `"k"="\xff"`},
	} {
		if _, err := otlp.New(nil, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.o, err, tc.want)
		}
	}
}

// TestPeriodic checks that an Exporter with an Interval pushes by itself, that Close pushes a
// last time after the background pushes have ended, and that its goroutine ends.
func TestPeriodic(t *testing.T) {
	srv, got := receiver(t, http.StatusOK, "", nil)
	reg := prom.NewRegistry()
	ticks, err := prom.NewCounter("ticks_total", "Ticks.", prom.Opts{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{}} // its connections end with the test
	before := runtime.NumGoroutine()
	e, err := otlp.New(reg, otlp.Options{URL: srv.URL, Client: client, Interval: 10 * time.Millisecond, Resource: map[string]string{"service.name": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatal("no background push within 10s")
		}
	}
	ticks.Add(41)
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The last request is the final push: it carries the value set before Close.
	var last received
	for len(got) > 0 {
		last = <-got
	}
	text, err := dump(last.body)
	if err != nil || !strings.Contains(text, "as_double: 41") {
		t.Errorf("the last push does not carry 41 (%v):\n%s", err, text)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("a second Close pushed again")
	}
	client.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before New", n, before)
	}
}

// TestOnError checks that failed background pushes reach Options.OnError.
func TestOnError(t *testing.T) {
	srv, _ := receiver(t, http.StatusServiceUnavailable, "", []byte("down"))
	errs := make(chan error, 16)
	o := otlp.Options{URL: srv.URL, Interval: 10 * time.Millisecond,
		OnError: func(err error) {
			select {
			case errs <- err:
			default:
			}
		}}
	otlp.FakeWaits(&o, &otlp.Waits{}) // the push of Close retries without sleeping
	e, err := otlp.New(prom.NewRegistry(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(context.Background())
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "503") {
			t.Errorf("OnError got %v, want the 503", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OnError not called within 10s")
	}
}

// TestNames checks that Options.Names limits the metrics sent, and that target_info still
// makes the resource.
func TestNames(t *testing.T) {
	e, err := otlp.New(newRegistry(t, allTypes()), otlp.Options{URL: "http://127.0.0.1:1", Names: []string{"temperature_celsius", "build_info"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.AppendRequest(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := dump(b)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "name: ") {
			names = append(names, strings.TrimPrefix(l, "name: "))
		}
	}
	if got := strings.Join(names, " "); got != `"github.com/prom-go/prom" "temperature_celsius" "build_info"` {
		t.Errorf("metrics sent: %s", got)
	}
	if !containsLine(text, `attributes: env="prod"`) {
		t.Errorf("the resource lacks target_info's labels:\n%s", text)
	}
}

// TestTimeout checks that Options.Timeout bounds a push to a receiver that never answers.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	e, err := otlp.New(prom.NewRegistry(), otlp.Options{URL: srv.URL, Timeout: 50 * time.Millisecond, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Push(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the push to end at its deadline", err)
	}
}

// TestGzip checks that Options.Gzip sends the request compressed, with its
// Content-Encoding, and that it decompresses to the request.
func TestGzip(t *testing.T) {
	var enc string
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc = r.Header.Get("Content-Encoding")
		body, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	reg := newRegistry(t, allTypes())
	e, err := otlp.New(reg, otlp.Options{URL: srv.URL, Gzip: true,
		Resource: map[string]string{"service.name": "checkout", "service.instance.id": "checkout-1", "region": "us-east"}})
	if err != nil {
		t.Fatal(err)
	}
	otlp.SetNow(e, func() time.Time { return testNow })
	for i := 0; i < 2; i++ { // the second push reuses the writer
		if err := e.Push(context.Background()); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("Content-Encoding %q, body not gzip: %v", enc, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := request(t, reg)
		if enc != "gzip" || !bytes.Equal(got, want) {
			t.Errorf("push %d: Content-Encoding %q; decompressed body equal to the request: %v", i, enc, bytes.Equal(got, want))
		}
	}
}
