package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testcerts"
	"github.com/prom-go/prom/promhttp"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startDemoFlags runs the demo in-process with the command-line flags given (and a registry
// of its own), on a free 127.0.0.1 port, and returns its address and what it logs. When the
// test ends the demo is stopped, and must return nil and leave no goroutine behind.
func startDemoFlags(t *testing.T, flags ...string) (string, *syncBuffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cfg, err := parseDemoFlags(append([]string{"--addr", "127.0.0.1:0", "--tick", "1ms"}, flags...), &stdout, &stderr)
	if err != nil {
		t.Fatalf("prom demo %v: %v\n%s", flags, err, stderr.String())
	}
	cfg.registry = prom.NewRegistry()
	log := &syncBuffer{}
	cfg.logger = slog.New(slog.NewTextHandler(log, nil))
	announce := cfg.ready
	addrc := make(chan net.Addr, 1)
	cfg.ready = func(a net.Addr) { announce(a); addrc <- a }
	goroutines := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveDemo(ctx, cfg) }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("serveDemo returned before serving: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveDemo after cancel: %v", err)
		}
		if leak := goroutinesLeft(goroutines); leak != "" {
			t.Error(leak)
		}
	})
	scheme := "http"
	for _, f := range flags {
		if f == "--tls-cert-file" {
			scheme = "https"
		}
	}
	if want := "serving metrics on " + scheme + "://" + addr.String() + "/metrics"; !strings.Contains(stdout.String(), want) {
		t.Errorf("the demo announced %q; want %q", stdout.String(), want)
	}
	return addr.String(), log
}

// tlsGet fetches url with a client trusting p's CA and presenting certs, and returns the
// status code, the body and the error.
func tlsGet(p testcerts.Files, url string, certs []tls.Certificate, user, password string) (int, string, error) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots, Certificates: certs}}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestDemoMutualTLS runs the demo with --tls-cert-file, --tls-key-file and --tls-client-ca:
// a client presenting a certificate of that CA is served; one without a certificate, with one
// of another CA, or speaking plain HTTP is not.
func TestDemoMutualTLS(t *testing.T) {
	p := testcerts.New(t)
	addr, log := startDemoFlags(t, "--tls-cert-file", p.ServerCert, "--tls-key-file", p.ServerKey, "--tls-client-ca", p.CA)
	url := "https://" + addr + "/metrics"

	code, body, err := tlsGet(p, url, []tls.Certificate{p.Client}, "", "")
	if err != nil || code != http.StatusOK || !hasSample(body, "demo_ticks_total") {
		t.Fatalf("with the CA's client certificate: status %d, error %v; want 200 and demo_ticks_total:\n%s", code, err, body)
	}
	if code, _, err := tlsGet(p, "https://"+addr+"/", []tls.Certificate{p.Client}, "", ""); err != nil || code != http.StatusOK {
		t.Errorf("landing page with a client certificate: status %d, error %v; want 200", code, err)
	}
	for _, c := range []struct {
		name  string
		certs []tls.Certificate
	}{
		{"no client certificate", nil},
		{"a certificate of another CA", []tls.Certificate{testcerts.New(t).Client}},
	} {
		if code, _, err := tlsGet(p, url, c.certs, "", ""); err == nil {
			t.Errorf("with %s: status %d; want the handshake refused", c.name, code)
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP to the HTTPS demo: status %d; want a refusal", resp.StatusCode)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	// The server logs a refused handshake after the client saw the refusal: wait for it.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(log.String(), "client didn't provide a certificate") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(log.String(), "client didn't provide a certificate") {
		t.Errorf("the refused handshake is not in the demo's log:\n%s", log.String())
	}
}

// TestDemoTLSWithoutClientCA runs the demo over HTTPS only: any client that trusts the server
// certificate is served, with or without a certificate of its own.
func TestDemoTLSWithoutClientCA(t *testing.T) {
	p := testcerts.New(t)
	addr, _ := startDemoFlags(t, "--tls-cert-file", p.ServerCert, "--tls-key-file", p.ServerKey)
	for _, certs := range [][]tls.Certificate{nil, {testcerts.New(t).Client}} {
		code, body, err := tlsGet(p, "https://"+addr+"/metrics", certs, "", "")
		if err != nil || code != http.StatusOK || !hasSample(body, "demo_ticks_total") {
			t.Errorf("%d client certificates: status %d, error %v; want 200 and demo_ticks_total", len(certs), code, err)
		}
	}
}

// TestDemoBasicAuth runs the demo over HTTPS with --basic-auth-file: only the right user and
// password are served, on every route; everyone else gets 401 with a challenge.
func TestDemoBasicAuth(t *testing.T) {
	p := testcerts.New(t)
	hash, err := promhttp.HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(users, []byte("# scrapers\n\nprometheus:"+hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, _ := startDemoFlags(t, "--tls-cert-file", p.ServerCert, "--tls-key-file", p.ServerKey, "--basic-auth-file", users)
	tests := []struct {
		path, user, password string
		code                 int
	}{
		{"/metrics", "prometheus", "s3cret", http.StatusOK},
		{"/", "prometheus", "s3cret", http.StatusOK},
		{"/metrics", "", "", http.StatusUnauthorized},
		{"/metrics", "prometheus", "wrong", http.StatusUnauthorized},
		{"/metrics", "nobody", "s3cret", http.StatusUnauthorized},
		{"/", "", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		code, _, err := tlsGet(p, "https://"+addr+tt.path, nil, tt.user, tt.password)
		if err != nil || code != tt.code {
			t.Errorf("GET %s as %q/%q: status %d, error %v; want %d", tt.path, tt.user, tt.password, code, err, tt.code)
		}
	}
}

// TestDemoPlainHTTPByDefault checks that without TLS flags the demo serves plain HTTP.
func TestDemoPlainHTTPByDefault(t *testing.T) {
	addr, _ := startDemoFlags(t)
	body, _ := get(t, "http://"+addr+"/metrics")
	if !hasSample(body, "demo_ticks_total") {
		t.Errorf("no demo_ticks_total over plain HTTP:\n%s", body)
	}
	http.DefaultClient.CloseIdleConnections()
}

// TestDemoTLSFlagErrors checks the mistakes in the TLS and auth flags: those visible in the
// flags alone are usage errors (exit 2), files that cannot be used fail the start (exit 1)
// naming the file or user.
func TestDemoTLSFlagErrors(t *testing.T) {
	p := testcerts.New(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	usage := []struct {
		args []string
		msg  string
	}{
		{[]string{"--tls-cert-file", p.ServerCert}, "give both or neither"},
		{[]string{"--tls-key-file", p.ServerKey}, "give both or neither"},
		{[]string{"--tls-client-ca", p.CA}, "mutual TLS is TLS"},
	}
	for _, tt := range usage {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"demo"}, tt.args...), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tt.msg) {
			t.Errorf("prom demo %v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, stderr.String(), tt.msg)
		}
	}

	authFile := []struct {
		content, msg string
	}{
		{"", "no user:hash line"},
		{"# only a comment\n", "no user:hash line"},
		{"prometheus\n", "users:1: want user:hash"},
		{"\n:hash\n", "users:2: want user:hash"},
		{"a:x\na:y\n", `users:2: user "a" appears twice`},
	}
	for _, tt := range authFile {
		_, err := parseDemoFlags([]string{"--basic-auth-file", file("users", tt.content)}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("--basic-auth-file holding %q: error %v; want one containing %q", tt.content, err, tt.msg)
		}
	}
	if _, err := parseDemoFlags([]string{"--basic-auth-file", filepath.Join(dir, "absent")}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Errorf("absent --basic-auth-file: error %v; want one naming the file", err)
	}

	start := []struct {
		args []string
		msg  string
	}{
		{[]string{"--tls-cert-file", filepath.Join(dir, "nope.pem"), "--tls-key-file", p.ServerKey}, "nope.pem"},
		{[]string{"--tls-cert-file", p.ServerCert, "--tls-key-file", p.CA}, "rather than a key"},
		{[]string{"--tls-cert-file", p.ServerCert, "--tls-key-file", p.ServerKey, "--tls-client-ca", file("empty-ca.pem", "no PEM here")}, "empty-ca.pem"},
		{[]string{"--basic-auth-file", file("bad-hash", "prometheus:plaintext\n")}, `user "prometheus"`},
	}
	for _, tt := range start {
		cfg, err := parseDemoFlags(append([]string{"--addr", "127.0.0.1:0"}, tt.args...), io.Discard, io.Discard)
		if err != nil {
			t.Fatalf("prom demo %v: %v", tt.args, err)
		}
		cfg.registry = prom.NewRegistry()
		cfg.ready = func(net.Addr) { t.Errorf("prom demo %v: served; want a failed start", tt.args) }
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a start that wrongly succeeds stops at once
		if err := serveDemo(ctx, cfg); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("prom demo %v: error %v; want one containing %q", tt.args, err, tt.msg)
		}
	}
}
