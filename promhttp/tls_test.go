package promhttp

import (
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom/internal/testcerts"
)

// replaceKeepingMtime writes content into path and gives it back its modification time, as
// a copy preserving times (cp -p, rsync -t, a config management tool) does.
func replaceKeepingMtime(t *testing.T, path string, content []byte) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServeCertificateReloadSameMtime: a certificate and key replaced by files with the old
// modification times are served from the next handshake on.
func TestServeCertificateReloadSameMtime(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey})
	if code, _, err := fetch(t, httpClient(p, false), s.URL()+"/metrics"); err != nil || code != 200 {
		t.Fatalf("before the swap: %d %v", code, err)
	}
	q := testcerts.New(t) // another CA: after the swap, only clients trusting it succeed
	replaceKeepingMtime(t, p.ServerCert, readFile(t, q.ServerCert))
	replaceKeepingMtime(t, p.ServerKey, readFile(t, q.ServerKey))
	if code, _, err := fetch(t, httpClient(q, false), s.URL()+"/metrics"); err != nil || code != 200 {
		t.Errorf("a client trusting the new certificate: %d %v", code, err)
	}
	if _, _, err := fetch(t, httpClient(p, false), s.URL()+"/metrics"); err == nil {
		t.Error("a client trusting only the old certificate was served")
	}
}

// TestServeClientCAReload: replacing the client CA file lets in the clients of the new
// authority and shuts out those of the old one, new connections and kept-alive ones alike.
func TestServeClientCAReload(t *testing.T) {
	checkLeaks(t)
	p, q := testcerts.New(t), testcerts.New(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, readFile(t, p.CA), 0o600); err != nil {
		t.Fatal(err)
	}
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, ClientCAs: ca})
	// q's client trusting p's server certificate: presenting q's client certificate.
	qClient := func() *http.Client {
		c := httpClient(p, false)
		c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{q.Client}
		return c
	}
	old := httpClient(p, true)
	t.Cleanup(old.CloseIdleConnections)
	if code, _, err := fetch(t, old, s.URL()+"/metrics"); err != nil || code != 200 {
		t.Fatalf("p's client before the swap: %d %v", code, err)
	}
	// p's client with a TLS session to resume on a new connection after the swap.
	resumer := httpClient(p, true)
	tr := resumer.Transport.(*http.Transport)
	tr.TLSClientConfig.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	if code, _, err := fetch(t, resumer, s.URL()+"/metrics"); err != nil || code != 200 {
		t.Fatalf("p's resuming client before the swap: %d %v", code, err)
	}
	tr.CloseIdleConnections()
	if _, _, err := fetch(t, qClient(), s.URL()+"/metrics"); err == nil {
		t.Fatal("q's client was served before the swap")
	}

	replaceKeepingMtime(t, ca, readFile(t, q.CA))
	if code, _, err := fetch(t, qClient(), s.URL()+"/metrics"); err != nil || code != 200 {
		t.Errorf("q's client after the swap: %d %v", code, err)
	}
	if _, _, err := fetch(t, httpClient(p, true), s.URL()+"/metrics"); err == nil {
		t.Error("a new connection of p's client was served after the swap")
	}
	if code, _, err := fetch(t, old, s.URL()+"/metrics"); err != nil || code != http.StatusForbidden {
		t.Errorf("p's kept-alive connection after the swap: status %d, want 403", code)
	}
	// Whether the session is resumed (and the request refused) or the handshake made anew
	// (and failed), p's client is not served.
	if code, _, err := fetch(t, resumer, s.URL()+"/metrics"); err == nil && code != http.StatusForbidden {
		t.Errorf("p's client resuming its TLS session after the swap: status %d, want 403 or a failed handshake", code)
	}
}

func TestServeCipherSuites(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	cbc, gcm := tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
	// client offers only suite, over TLS 1.2.
	client := func(suite uint16) *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite}}}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr, Timeout: waitBound}
	}
	def := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey})
	if code, _, err := fetch(t, client(gcm), def.URL()+"/metrics"); err != nil || code != 200 {
		t.Errorf("default suites, AES-GCM client: %d %v", code, err)
	}
	if _, _, err := fetch(t, client(cbc), def.URL()+"/metrics"); err == nil {
		t.Error("default suites: a client offering only a CBC-SHA1 suite was served")
	}
	conf := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, CipherSuites: []uint16{gcm, cbc}})
	if code, _, err := fetch(t, client(cbc), conf.URL()+"/metrics"); err != nil || code != 200 {
		t.Errorf("CBC-SHA1 configured, CBC client: %d %v", code, err)
	}
}

func TestServeCipherSuiteErrors(t *testing.T) {
	p := testcerts.New(t)
	for _, tt := range []struct {
		name   string
		suites []uint16
		want   string
	}{
		{"insecure", []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_RC4_128_SHA}, "TLS_RSA_WITH_RC4_128_SHA (0x0005) is insecure"},
		{"TLS 1.3", []uint16{tls.TLS_AES_128_GCM_SHA256}, "TLS_AES_128_GCM_SHA256 is a TLS 1.3 one"},
		{"unknown", []uint16{0x1234}, "0x1234 is not a cipher suite"},
		{"no HTTP/2 suite", []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, "which HTTP/2 requires"},
		{"empty", []uint16{}, "CipherSuites is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Serve("127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, CipherSuites: tt.suites})
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	if _, err := Serve("127.0.0.1:0", ServeOpts{CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}); err == nil || !strings.Contains(err.Error(), "CipherSuites needs CertFile") {
		t.Errorf("CipherSuites without TLS: %v", err)
	}
}

// TestServeBadReplacementKeepsPrevious: a certificate replaced before its key (the pair no
// longer matching), or by garbage, and a CA file replaced by one without certificates, leave
// the server serving with what it had.
func TestServeBadReplacementKeepsPrevious(t *testing.T) {
	checkLeaks(t)
	p, q := testcerts.New(t), testcerts.New(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, readFile(t, p.CA), 0o600); err != nil {
		t.Fatal(err)
	}
	s := serve(t, "127.0.0.1:0", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey, ClientCAs: ca})
	for _, step := range []struct {
		name          string
		path, content string
	}{
		{"certificate without its key", p.ServerCert, string(readFile(t, q.ServerCert))},
		{"certificate of garbage", p.ServerCert, "not PEM"},
		{"CA file without certificates", ca, "not PEM"},
	} {
		if err := os.WriteFile(step.path, []byte(step.content), 0o600); err != nil {
			t.Fatal(err)
		}
		c := httpClient(p, true)
		if code, _, err := fetch(t, c, s.URL()+"/metrics"); err != nil || code != 200 {
			t.Errorf("after a %s: %d %v", step.name, code, err)
		}
		c.CloseIdleConnections()
	}
}
