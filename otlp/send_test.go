package otlp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/testcerts"
	"github.com/prom-go/prom/otlp"
)

// scripted is a receiver answering each request with the next of its answers (200 after
// them), recording the headers of what it got.
type scripted struct {
	mu      sync.Mutex
	answers []answer
	got     []http.Header
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	i := len(s.got)
	s.got = append(s.got, r.Header.Clone())
	a := answer{status: 200}
	if i < len(s.answers) {
		a = s.answers[i]
	}
	s.mu.Unlock()
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

func (s *scripted) requests() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// startScripted returns an Exporter of an empty registry to a scripted receiver, with o's
// options and waits recorded rather than slept.
func startScripted(t *testing.T, s *scripted, o otlp.Options) (*otlp.Exporter, *otlp.Waits) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	o.URL = srv.URL
	w := &otlp.Waits{}
	otlp.FakeWaits(&o, w)
	e, err := otlp.New(prom.NewRegistry(), o)
	if err != nil {
		t.Fatal(err)
	}
	return e, w
}

// TestOptionsReachTheWire checks that each header and authentication option is on the
// request the receiver gets.
func TestOptionsReachTheWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    otlp.Options
		want map[string]string
	}{
		{"tenant and headers", otlp.Options{Tenant: "team-a", Header: http.Header{"X-Api-Key": {"k1"}}},
			map[string]string{"X-Scope-OrgID": "team-a", "X-Api-Key": "k1", "Content-Type": "application/x-protobuf", "User-Agent": "prom-go-otlp"}},
		{"basic auth", otlp.Options{Username: "ann", Password: "pw"},
			map[string]string{"Authorization": "Basic YW5uOnB3"}},
		{"bearer token", otlp.Options{BearerToken: "t0k"},
			map[string]string{"Authorization": "Bearer t0k"}},
		{"authorization header", otlp.Options{Header: http.Header{"Authorization": {"Api-Key abc"}}},
			map[string]string{"Authorization": "Api-Key abc"}},
		{"gzip", otlp.Options{Gzip: true}, map[string]string{"Content-Encoding": "gzip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{}
			e, _ := startScripted(t, s, tc.o)
			defer e.Close(context.Background())
			if err := e.Push(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := s.requests()[0]
			for k, v := range tc.want {
				if got.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, got.Get(k), v)
				}
			}
		})
	}
}

// TestBearerTokenFileIsReread checks that a rotated token file is read at the next push.
func TestBearerTokenFileIsReread(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &scripted{}
	e, _ := startScripted(t, s, otlp.Options{BearerTokenFile: file})
	defer e.Close(context.Background())
	if err := e.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := s.requests()
	if a, b := got[0].Get("Authorization"), got[1].Get("Authorization"); a != "Bearer first" || b != "Bearer second" {
		t.Errorf("Authorization %q then %q, want the token of the file at each push", a, b)
	}
}

// TestRetries checks which answers are retried, with the waits Retry-After asks for, and that
// the self-metrics count pushes, failures and retries.
func TestRetries(t *testing.T) {
	status := append([]byte{0x08, 0x0e, 0x12, 4}, "busy"...) // google.rpc.Status{code: 14, message: "busy"}
	pb := http.Header{"Content-Type": {"application/x-protobuf"}}
	reg := prom.NewRegistry()
	s := &scripted{answers: []answer{
		{status: 503, header: http.Header{"Retry-After": {"7"}}},
		{status: 429, header: http.Header{"Retry-After": {"3"}}},
		{status: 502},
		{status: 200}, // the first push succeeds at its fourth attempt
		{status: 400, header: pb, body: status[:0]},                // not retried
		{status: 500, header: pb, body: status},                    // not retried: OTLP retries 429, 502, 503, 504 only
		{status: 504}, {status: 504}, {status: 504}, {status: 504}, // retries exhausted
	}}
	e, waits := startScripted(t, s, otlp.Options{Metrics: reg, Backoff: time.Second})
	defer e.Close(context.Background())
	if err := e.Push(context.Background()); err != nil {
		t.Fatalf("push retried past 503, 429, 502: %v", err)
	}
	if w := waits.Get(); !slices.Equal(w, []time.Duration{7 * time.Second, 3 * time.Second, 2 * time.Second}) {
		t.Errorf("waits %v, want Retry-After's 7s and 3s, then the third backoff, 1s doubled twice, less its jitter half", w)
	}
	var oe *otlp.Error
	if err := e.Push(context.Background()); !errors.As(err, &oe) || oe.StatusCode != 400 || len(s.requests()) != 5 {
		t.Errorf("a 400: %v after %d requests, want an *otlp.Error after one", err, len(s.requests())-4)
	}
	if err := e.Push(context.Background()); !errors.As(err, &oe) || oe.StatusCode != 500 || oe.Message != "busy" || len(s.requests()) != 6 {
		t.Errorf("a 500: %v after %d requests, want an *otlp.Error saying busy after one", err, len(s.requests())-5)
	}
	if err := e.Push(context.Background()); !errors.As(err, &oe) || oe.StatusCode != 504 || len(s.requests()) != 10 {
		t.Errorf("504s: %v after %d requests, want an *otlp.Error after four", err, len(s.requests())-6)
	}
	var text strings.Builder
	enc := expfmt.NewEncoder(&text, expfmt.TextFormat, expfmt.Underscores)
	if err := reg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	for _, want := range []string{
		"prom_otlp_pushes_total 4\n",
		"prom_otlp_failures_total 3\n",
		"prom_otlp_retries_total 6\n",
		"prom_otlp_last_success_timestamp_seconds ",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("self-metrics lack %q:\n%s", want, text.String())
		}
	}
}

// TestPartialSuccessIsNotRetried checks that a 2xx answer rejecting some points is returned
// as a *PartialError at once.
func TestPartialSuccessIsNotRetried(t *testing.T) {
	partial := []byte{0x0a, 7, 0x08, 0x02, 0x12, 3, 'd', 'u', 'p'}
	s := &scripted{answers: []answer{{status: 200, header: http.Header{"Content-Type": {"application/x-protobuf"}}, body: partial}}}
	e, _ := startScripted(t, s, otlp.Options{})
	defer e.Close(context.Background())
	var pe *otlp.PartialError
	if err := e.Push(context.Background()); !errors.As(err, &pe) || pe.Rejected != 2 || pe.Message != "dup" || len(s.requests()) != 1 {
		t.Errorf("got %v after %d requests, want a *PartialError after one", err, len(s.requests()))
	}
}

// TestMutualTLS checks that CAFile, CertFile and KeyFile reach the TLS handshake.
func TestMutualTLS(t *testing.T) {
	ca := testcerts.New(t)
	var mu sync.Mutex
	var peer string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		peer = r.TLS.PeerCertificates[0].Subject.CommonName
		mu.Unlock()
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}, ClientCAs: ca.Roots, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()
	e, err := otlp.New(prom.NewRegistry(), otlp.Options{URL: srv.URL, CAFile: ca.CA, CertFile: ca.ClientCert, KeyFile: ca.ClientKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatalf("push with a client certificate: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if peer != "client" {
		t.Errorf("the receiver saw client %q", peer)
	}
	noCert, err := otlp.New(prom.NewRegistry(), otlp.Options{URL: srv.URL, CAFile: ca.CA, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := noCert.Close(context.Background()); err == nil {
		t.Error("a push without a client certificate succeeded")
	}
}

// TestSendOptionErrors checks that New refuses contradictory sending options, naming them.
func TestSendOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    otlp.Options
		want string
	}{
		{otlp.Options{BearerToken: "a", Username: "u"}, "exclude each other"},
		{otlp.Options{BearerTokenFile: filepath.Join(t.TempDir(), "missing")}, "reading the bearer token file"},
		{otlp.Options{CertFile: "c.pem"}, "must be set together"},
		{otlp.Options{CAFile: "ca.pem", Client: http.DefaultClient}, "cannot be combined"},
		{otlp.Options{Metrics: prom.NewRegistry(), Header: http.Header{"Authorization": {"x"}}, BearerToken: "t"}, "Authorization header"},
	} {
		tc.o.URL = "http://127.0.0.1:1"
		if _, err := otlp.New(nil, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "otlp: ") {
			t.Errorf("New(%+v) = %v, want an otlp error containing %q", tc.o, err, tc.want)
		}
	}
}
