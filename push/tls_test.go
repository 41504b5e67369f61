package push

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// testCA issues certificates for tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a PEM certificate and key for a server on 127.0.0.1 or a client.
func (ca *testCA) issue(t *testing.T, usage x509.ExtKeyUsage, serial int64) (certPEM, keyPEM []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func TestPushTLSClientCertificate(t *testing.T) {
	ca := newTestCA(t)
	srvCert, srvKey := ca.issue(t, x509.ExtKeyUsageServerAuth, 2)
	cliCert, cliKey := ca.issue(t, x509.ExtKeyUsageClientAuth, 3)
	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)

	var gotClient string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotClient = r.TLS.PeerCertificates[0].Subject.CommonName
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()
	srv.Config.ErrorLog = nil

	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile, certFile, keyFile := write("ca.pem", ca.pem), write("c.pem", cliCert), write("k.pem", cliKey)
	reg := prom.NewRegistry()

	p := &Pusher{URL: srv.URL, Job: "j", CertFile: certFile, KeyFile: keyFile, CAFile: caFile}
	if err := p.Push(context.Background(), reg); err != nil {
		t.Fatalf("push with a client certificate: %v", err)
	}
	if gotClient != "test" {
		t.Errorf("the server saw client %q", gotClient)
	}

	// Without the certificate the server refuses the handshake; without the CA the client
	// refuses the server.
	err = (&Pusher{URL: srv.URL, Job: "j", CAFile: caFile, Retries: -1}).Push(context.Background(), reg)
	if err == nil {
		t.Error("push without a client certificate succeeded")
	}
	err = (&Pusher{URL: srv.URL, Job: "j", Retries: -1}).Push(context.Background(), reg)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("push to a server signed by an unknown CA: %v, want a certificate error", err)
	}
	if err := (&Pusher{URL: srv.URL, Job: "j", CAFile: write("bad.pem", []byte("nope"))}).Push(context.Background(), reg); err == nil ||
		!strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("bad CA file: %v", err)
	}
}
