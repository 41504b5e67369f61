// Package testcerts issues throw-away certificates for tests that serve or scrape over TLS:
// a certificate authority, a server certificate and a client certificate signed by it, as
// PEM files in the test's temporary directory. Each call to [New] makes a new authority, so a
// second call gives a client certificate that the first authority does not trust.
package testcerts

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Files is a certificate authority with a server certificate (for localhost, 127.0.0.1 and
// ::1) and a client certificate it signed, valid for an hour either side of [New]. The paths
// name PEM files: certificates as CERTIFICATE blocks, keys as EC PRIVATE KEY blocks.
type Files struct {
	CA                    string // the authority's certificate
	ServerCert, ServerKey string
	ClientCert, ClientKey string

	Roots          *x509.CertPool  // trusts CA only
	Server, Client tls.Certificate // ServerCert and ClientCert with their keys, loaded
}

// New issues a new authority and its two certificates into a directory of t.TempDir, failing
// the test on any error. It costs three P-256 key generations and signatures, well under a
// millisecond each.
func New(t testing.TB) Files {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	newKey := func() *ecdsa.PrivateKey {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	serial := func() *big.Int {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := time.Now()

	caKey := newKey()
	caSerial := serial()
	caTmpl := &x509.Certificate{
		// A name of its own, so that no verifier mistakes one call's authority for another's.
		SerialNumber: caSerial, Subject: pkix.Name{CommonName: "testcerts CA " + caSerial.Text(16)},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(name string, usage x509.ExtKeyUsage) (certFile, keyFile string, pair tls.Certificate) {
		key := newKey()
		tmpl := &x509.Certificate{
			SerialNumber: serial(), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		certFile, keyFile = write(name+".pem", "CERTIFICATE", der), write(name+"-key.pem", "EC PRIVATE KEY", kb)
		if pair, err = tls.LoadX509KeyPair(certFile, keyFile); err != nil {
			t.Fatal(err)
		}
		return certFile, keyFile, pair
	}

	f := Files{CA: write("ca.pem", "CERTIFICATE", caDER), Roots: x509.NewCertPool()}
	f.Roots.AddCert(ca)
	f.ServerCert, f.ServerKey, f.Server = leaf("server", x509.ExtKeyUsageServerAuth)
	f.ClientCert, f.ClientKey, f.Client = leaf("client", x509.ExtKeyUsageClientAuth)
	return f
}
