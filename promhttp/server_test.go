package promhttp

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testcerts"
	"github.com/prom-go/prom/internal/testmetrics"
)

// httpClient returns a client trusting p's authority, presenting its client certificate
// when withCert.
func httpClient(p testcerts.Files, withCert bool) *http.Client {
	c := &tls.Config{RootCAs: p.Roots}
	if withCert {
		c.Certificates = []tls.Certificate{p.Client}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: c}, Timeout: 10 * time.Second}
}

func serve(t *testing.T, addr string, opts ServeOpts) *Server {
	t.Helper()
	if opts.Handler == nil {
		opts.Handler = Handler(testmetrics.Registry(t))
	}
	s, err := Serve(addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := s.Wait(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func fetch(t *testing.T, c *http.Client, url string, userPass ...string) (int, string, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if len(userPass) == 2 {
		req.SetBasicAuth(userPass[0], userPass[1])
	}
	r, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return r.StatusCode, string(b), err
}

func TestServePlain(t *testing.T) {
	checkLeaks(t)
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Skipf("no %s on this machine: %v", addr, err)
			}
			ln.Close()
			s := serve(t, addr, ServeOpts{LandingPage: LandingPage{Title: "Demo"}})
			if !strings.HasPrefix(s.URL(), "http://") {
				t.Errorf("URL %q", s.URL())
			}
			code, b, err := fetch(t, http.DefaultClient, s.URL()+"/metrics")
			if err != nil || code != 200 || !strings.Contains(b, "test_gauge 42\n") {
				t.Errorf("/metrics: %d %v\n%s", code, err, b)
			}
			code, b, _ = fetch(t, http.DefaultClient, s.URL()+"/")
			if code != 200 || !strings.Contains(b, `<a href="/metrics">`) || !strings.Contains(b, "<title>Demo</title>") {
				t.Errorf("/: %d\n%s", code, b)
			}
			if code, b, _ = fetch(t, http.DefaultClient, s.URL()+"/favicon.ico"); code != 200 || b != "" {
				t.Errorf("/favicon.ico: %d %q", code, b)
			}
			if code, _, _ = fetch(t, http.DefaultClient, s.URL()+"/nothing"); code != 404 {
				t.Errorf("/nothing: %d", code)
			}
		})
	}
}

func TestServeTLS(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey})
	if !strings.HasPrefix(s.URL(), "https://") {
		t.Fatalf("URL %q", s.URL())
	}
	if code, b, err := fetch(t, httpClient(p, false), s.URL()+"/metrics"); err != nil || code != 200 || !strings.Contains(b, "test_gauge") {
		t.Errorf("HTTPS scrape: %d %v", code, err)
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots, MaxVersion: tls.VersionTLS11}}}
	if _, _, err := fetch(t, old, s.URL()+"/metrics"); err == nil {
		t.Error("a TLS 1.1 client was served; the minimum is TLS 1.2")
	}
	if _, _, err := fetch(t, http.DefaultClient, strings.Replace(s.URL(), "https", "http", 1)+"/metrics"); err != nil {
		t.Logf("plain HTTP to the TLS port: %v", err)
	}
}

func TestServeMutualTLS(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	for _, cas := range []string{"file", "directory"} {
		t.Run(cas, func(t *testing.T) {
			path := p.CA
			if cas == "directory" {
				path = t.TempDir()
				b, _ := os.ReadFile(p.CA)
				os.WriteFile(filepath.Join(path, "ca.crt"), b, 0o600)
				os.WriteFile(filepath.Join(path, "README"), []byte("not a certificate"), 0o600)
			}
			s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, ClientCAs: path})
			if code, _, err := fetch(t, httpClient(p, true), s.URL()+"/metrics"); err != nil || code != 200 {
				t.Errorf("client with a certificate: %d %v", code, err)
			}
			if code, _, err := fetch(t, httpClient(p, false), s.URL()+"/metrics"); err == nil {
				t.Errorf("client without a certificate was served: %d", code)
			}
		})
	}
}

func TestServeBasicAuth(t *testing.T) {
	checkLeaks(t)
	hash, err := HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, "127.0.0.1:0", ServeOpts{BasicAuth: map[string]string{"prometheus": hash}})
	tests := []struct {
		name     string
		userPass []string
		code     int
	}{
		{"right", []string{"prometheus", "s3cret"}, 200},
		{"right again (remembered)", []string{"prometheus", "s3cret"}, 200},
		{"wrong password", []string{"prometheus", "guess"}, 401},
		{"unknown user", []string{"root", "s3cret"}, 401},
		{"no credentials", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, err := fetch(t, http.DefaultClient, s.URL()+"/metrics", tt.userPass...)
			if err != nil || code != tt.code {
				t.Errorf("status %d (%v), want %d", code, err, tt.code)
			}
		})
	}
	// A hash made outside Go, with the command given in HashPassword's documentation (salt
	// "saltsalt", 100000 iterations, password "s3cret").
	py := "pbkdf2-sha256$100000$c2FsdHNhbHQ$" + pythonKey
	a, err := newBasicAuth(map[string]string{"u": py})
	if err != nil {
		t.Fatal(err)
	}
	if a.check(context.Background(), "u", "s3cret") != authOK || a.check(context.Background(), "u", "x") != authFailed {
		t.Error("the hash made by Python is not checked correctly")
	}
}

// pythonKey is base64(hashlib.pbkdf2_hmac("sha256", b"s3cret", b"saltsalt", 100000)) unpadded.
const pythonKey = "ar34+fG8Q9WpDlBrxkSKDzayBAC23xR/Wcdl87N1ni4"

func TestServeOptionErrors(t *testing.T) {
	p := testcerts.New(t)
	tests := []struct {
		name string
		opts ServeOpts
		want string
	}{
		{"key without cert", ServeOpts{KeyFile: p.ServerKey}, "needs both CertFile"},
		{"client CAs without TLS", ServeOpts{ClientCAs: p.CA}, "ClientCAs needs CertFile"},
		{"missing cert", ServeOpts{CertFile: "/nonexistent.pem", KeyFile: p.ServerKey}, "/nonexistent.pem"},
		{"CA file without certificates", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, ClientCAs: p.ServerKey}, "holds no PEM certificate"},
		{"bad TLS version", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, MinTLSVersion: 7}, "not a TLS version"},
		{"bad hash", ServeOpts{BasicAuth: map[string]string{"u": "plaintext"}}, `user "u"`},
		{"relative path", ServeOpts{MetricsPath: "metrics"}, "must start with '/'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Serve("127.0.0.1:0", tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestServeCertificateReload(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey})
	q := testcerts.New(t) // another CA: after the swap, only clients trusting it succeed
	for _, f := range [][2]string{{q.ServerCert, p.ServerCert}, {q.ServerKey, p.ServerKey}} {
		b, _ := os.ReadFile(f[0])
		os.WriteFile(f[1], b, 0o600)
		future := time.Now().Add(time.Minute)
		os.Chtimes(f[1], future, future)
	}
	if code, _, err := fetch(t, httpClient(q, false), s.URL()+"/metrics"); err != nil || code != 200 {
		t.Errorf("after replacing the certificate files: %d %v", code, err)
	}
}
