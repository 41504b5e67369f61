package testcerts

import (
	"crypto/x509"
	"os"
	"testing"
)

// TestNew checks that the server certificate verifies for every loopback name and the client
// certificate for client authentication against Roots and against the CA file, and that
// another call's authority trusts neither.
func TestNew(t *testing.T) {
	f := New(t)
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		t.Fatal(err)
	}
	fromFile := x509.NewCertPool()
	if !fromFile.AppendCertsFromPEM(caPEM) {
		t.Fatalf("%s holds no PEM certificate", f.CA)
	}
	other := New(t)
	server, err := x509.ParseCertificate(f.Server.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	client, err := x509.ParseCertificate(f.Client.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		roots *x509.CertPool
		ok    bool
	}{{f.Roots, true}, {fromFile, true}, {other.Roots, false}} {
		for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
			_, err := server.Verify(x509.VerifyOptions{Roots: c.roots, DNSName: name})
			if (err == nil) != c.ok {
				t.Errorf("server certificate for %s: error %v, want ok=%v", name, err, c.ok)
			}
		}
		_, err := client.Verify(x509.VerifyOptions{Roots: c.roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		if (err == nil) != c.ok {
			t.Errorf("client certificate: error %v, want ok=%v", err, c.ok)
		}
	}
	if _, err := server.Verify(x509.VerifyOptions{Roots: f.Roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("the server certificate verifies for client authentication")
	}
}
