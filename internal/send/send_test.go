package send

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testcerts"
)

// script is a receiver answering each request with the next status of a list (and 200 after
// it), recording what it got.
type script struct {
	mu       sync.Mutex
	statuses []int
	headers  []http.Header // Retry-After and others, per answer
	got      []*http.Request
	bodies   []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, r.ContentLength)
	_, _ = r.Body.Read(b)
	s.bodies = append(s.bodies, string(b))
	i := len(s.got)
	s.got = append(s.got, r)
	code := 200
	if i < len(s.statuses) {
		code = s.statuses[i]
	}
	if i < len(s.headers) {
		for k, v := range s.headers[i] {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(code)
	if code != 200 {
		w.Write([]byte("answer " + http.StatusText(code)))
	}
}

// fakeWaits records the waits of a Sender instead of sleeping, with no jitter.
type fakeWaits struct{ waits []time.Duration }

func (f *fakeWaits) config(c Config) Config {
	c.Sleep = func(ctx context.Context, d time.Duration) error { f.waits = append(f.waits, d); return ctx.Err() }
	c.Jitter = func(max time.Duration) time.Duration { return max } // the top of the range
	return c
}

func newTest(t *testing.T, s *script, c Config, f *fakeWaits) *Sender {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	snd, err := New(f.config(c))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(snd.Close)
	return snd
}

func TestRetriesWithBackoff(t *testing.T) {
	s := &script{statuses: []int{500, 503, 429}}
	f := &fakeWaits{}
	snd := newTest(t, s, Config{Backoff: time.Second, MaxBackoff: 3 * time.Second}, f)
	if _, err := snd.Send(context.Background(), []byte("body"), nil); err != nil {
		t.Fatalf("Send after three retryable failures: %v", err)
	}
	if len(s.got) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(s.got))
	}
	// Doubling from 1s, capped at 3s; jitter at the top of its half.
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if !equalDurations(f.waits, want) {
		t.Errorf("waits %v, want %v", f.waits, want)
	}
	for i, b := range s.bodies {
		if b != "body" {
			t.Errorf("request %d carried %q, want the same body each time", i, b)
		}
	}
}

func TestJitterIsHalfTheBackoff(t *testing.T) {
	snd, err := New(Config{URL: "http://x", Backoff: 8 * time.Second, Jitter: func(max time.Duration) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	if got := snd.backoff(0); got != 4*time.Second {
		t.Errorf("backoff with no jitter = %v, want half of 8s", got)
	}
}

func TestGivesUpAfterRetries(t *testing.T) {
	s := &script{statuses: []int{502, 502, 502}}
	f := &fakeWaits{}
	snd := newTest(t, s, Config{Retries: 2}, f)
	_, err := snd.Send(context.Background(), []byte("b"), nil)
	if !IsStatus(err, 502) {
		t.Fatalf("Send = %v, want the last 502", err)
	}
	if len(s.got) != 3 || len(f.waits) != 2 {
		t.Errorf("%d requests and %d waits, want 3 and 2", len(s.got), len(f.waits))
	}
	if !strings.Contains(err.Error(), "answer Bad Gateway") {
		t.Errorf("error %q does not carry the receiver's answer", err)
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 413, 415} {
		s := &script{statuses: []int{code}}
		f := &fakeWaits{}
		snd := newTest(t, s, Config{}, f)
		_, err := snd.Send(context.Background(), []byte("b"), nil)
		if !IsStatus(err, code) {
			t.Errorf("%d: Send = %v", code, err)
		}
		if len(s.got) != 1 || len(f.waits) != 0 {
			t.Errorf("%d: %d requests, %d waits; a 4xx other than 429 must not be retried", code, len(s.got), len(f.waits))
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &script{
		statuses: []int{429, 503},
		headers: []http.Header{
			{"Retry-After": {"7"}},
			{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}},
		},
	}
	f := &fakeWaits{}
	snd := newTest(t, s, Config{Now: func() time.Time { return now }}, f)
	if _, err := snd.Send(context.Background(), []byte("b"), nil); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{7 * time.Second, 90 * time.Second}
	if !equalDurations(f.waits, want) {
		t.Errorf("waits %v, want %v (what Retry-After asked)", f.waits, want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 120 * time.Second},
		{" 3 ", 3 * time.Second},
		{"-1", 0},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"99999999999999999999", 0}, // checked below
	} {
		got := ParseRetryAfter(c.v, now)
		if c.v == "99999999999999999999" {
			if got <= 0 {
				t.Errorf("ParseRetryAfter(%q) = %v, want a long positive wait, not an overflow", c.v, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestWaitPastDeadlineIsNotStarted(t *testing.T) {
	now := time.Now()
	s := &script{statuses: []int{503}, headers: []http.Header{{"Retry-After": {"3600"}}}}
	f := &fakeWaits{}
	snd := newTest(t, s, Config{Now: func() time.Time { return now }}, f)
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(time.Minute))
	defer cancel()
	_, err := snd.Send(ctx, []byte("b"), nil)
	if !IsStatus(err, 503) || !strings.Contains(err.Error(), "would pass the deadline") {
		t.Errorf("Send = %v, want the 503 and why it was not retried", err)
	}
	if len(f.waits) != 0 {
		t.Errorf("waited %v", f.waits)
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	f := &fakeWaits{}
	var retried []error
	snd, err := New(f.config(Config{URL: addr, Retries: 2, OnRetry: func(err error, _ time.Duration) { retried = append(retried, err) }}))
	if err != nil {
		t.Fatal(err)
	}
	defer snd.Close()
	_, err = snd.Send(context.Background(), []byte("b"), nil)
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("Send to a closed port = %v", err)
	}
	if len(retried) != 2 || len(f.waits) != 2 {
		t.Errorf("%d retries, %d waits; want 2 of each", len(retried), len(f.waits))
	}
}

func TestHeadersAndAuth(t *testing.T) {
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "token")
	os.WriteFile(tokFile, []byte("first\n"), 0o600)
	s := &script{}
	f := &fakeWaits{}
	snd := newTest(t, s, Config{
		Header:          http.Header{"X-Scope-OrgID": {"tenant-1"}, "x-custom": {"a"}},
		BearerTokenFile: tokFile,
	}, f)
	if _, err := snd.Send(context.Background(), []byte("b"), http.Header{"Content-Type": {"application/x-protobuf"}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tokFile, []byte("second"), 0o600)
	if _, err := snd.Send(context.Background(), []byte("b"), nil); err != nil {
		t.Fatal(err)
	}
	r0, r1 := s.got[0], s.got[1]
	if r0.Header.Get("X-Scope-OrgID") != "tenant-1" || r0.Header.Get("X-Custom") != "a" || r0.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("headers %v", r0.Header)
	}
	if r0.Header.Get("Authorization") != "Bearer first" || r1.Header.Get("Authorization") != "Bearer second" {
		t.Errorf("Authorization %q then %q, want the token file read at each send", r0.Header.Get("Authorization"), r1.Header.Get("Authorization"))
	}

	s2 := &script{}
	snd2 := newTest(t, s2, Config{Username: "u", Password: "p"}, f)
	if _, err := snd2.Send(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if u, p, ok := s2.got[0].BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "URL is empty"},
		{Config{URL: "http://x", Username: "u", BearerToken: "t"}, "exclude each other"},
		{Config{URL: "http://x", BearerToken: "t", Header: http.Header{"Authorization": {"x"}}}, "Authorization header"},
		{Config{URL: "http://x", BearerTokenFile: filepath.Join(dir, "none")}, "reading the bearer token file"},
		{Config{URL: "http://x", BearerTokenFile: empty}, "is empty"},
		{Config{URL: "http://x", CertFile: "c"}, "must be set together"},
		{Config{URL: "http://x", CAFile: "x", Client: http.DefaultClient}, "cannot be combined"},
		{Config{URL: "http://x", CAFile: filepath.Join(dir, "none")}, "reading CAFile"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.cfg, err, c.want)
		}
	}
}

func TestMutualTLS(t *testing.T) {
	ca := testcerts.New(t)
	var peer string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer = r.TLS.PeerCertificates[0].Subject.CommonName
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}, ClientCAs: ca.Roots, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()
	srv.Config.ErrorLog = nil

	snd, err := New(Config{URL: srv.URL, CAFile: ca.CA, CertFile: ca.ClientCert, KeyFile: ca.ClientKey})
	if err != nil {
		t.Fatal(err)
	}
	defer snd.Close()
	if _, err := snd.Send(context.Background(), []byte("b"), nil); err != nil {
		t.Fatalf("Send with a client certificate: %v", err)
	}
	if peer != "client" {
		t.Errorf("server saw client %q", peer)
	}
	noCert, err := New(Config{URL: srv.URL, CAFile: ca.CA, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer noCert.Close()
	if _, err := noCert.Send(context.Background(), []byte("b"), nil); err == nil {
		t.Error("Send without a client certificate succeeded")
	}
}

func TestContextEndsTheWait(t *testing.T) {
	s := &script{statuses: []int{503, 503, 503, 503}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	snd, err := New(Config{URL: srv.URL, Backoff: time.Hour, OnRetry: func(error, time.Duration) { cancel() }})
	if err != nil {
		t.Fatal(err)
	}
	defer snd.Close()
	_, err = snd.Send(ctx, []byte("b"), nil)
	if !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "gave up waiting") {
		t.Errorf("Send = %v, want it to stop waiting when the context ends", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResponseCarriesTheAnswer(t *testing.T) {
	s := &script{statuses: []int{204}, headers: []http.Header{{"X-Prometheus-Remote-Write-Samples-Written": {"3"}}}}
	snd := newTest(t, s, Config{}, &fakeWaits{})
	resp, err := snd.Send(context.Background(), []byte("b"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 204 || resp.Header.Get("X-Prometheus-Remote-Write-Samples-Written") != "3" {
		t.Errorf("response %d %v", resp.StatusCode, resp.Header)
	}
}

// TestTransportHooks checks the hooks a transport keeps its own rules with: the method, which
// answers are retried, the wait before each retry, and the error of a refusal.
func TestTransportHooks(t *testing.T) {
	s := &script{statuses: []int{502, 500, 503}, headers: []http.Header{{"Retry-After": {"9"}}}}
	f := &fakeWaits{}
	var asked []time.Duration
	snd := newTest(t, s, Config{
		What:      "hooked",
		Retryable: func(code int) bool { return code == 502 },
		RetryWait: func(attempt int, after time.Duration) time.Duration {
			asked = append(asked, after)
			return time.Duration(attempt+1) * time.Minute
		},
		Refused: func(se *StatusError) error {
			return fmt.Errorf("refused %d by %s %s", se.StatusCode, se.Method, se.URL)
		},
	}, f)
	_, err := snd.Do(context.Background(), http.MethodDelete, nil, nil)
	if err == nil || err.Error() != "refused 500 by DELETE "+snd.URL() {
		t.Errorf("got %v, want the 500 (not retryable here) as Refused made it", err)
	}
	if len(s.got) != 2 || s.got[0].Method != http.MethodDelete || s.bodies[0] != "" {
		t.Errorf("%d requests, the first %s with body %q; want 2 DELETEs without a body", len(s.got), s.got[0].Method, s.bodies[0])
	}
	if !equalDurations(f.waits, []time.Duration{time.Minute}) || !equalDurations(asked, []time.Duration{9 * time.Second}) {
		t.Errorf("waits %v after Retry-After %v, want RetryWait's 1m, told of the 9s", f.waits, asked)
	}
}
