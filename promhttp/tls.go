package promhttp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// keyPair is a server certificate read from files, read again when a file changes.
type keyPair struct {
	certFile, keyFile string
	mu                sync.Mutex
	cert              *tls.Certificate
	certMod, keyMod   time.Time
}

func newKeyPair(certFile, keyFile string) (*keyPair, error) {
	kp := &keyPair{certFile: certFile, keyFile: keyFile}
	if _, err := kp.get(nil); err != nil {
		return nil, err
	}
	return kp, nil
}

// get returns the certificate, reloading it when either file's modification time changed.
// A reload that fails keeps the previous certificate.
func (kp *keyPair) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	cs, err1 := os.Stat(kp.certFile)
	ks, err2 := os.Stat(kp.keyFile)
	kp.mu.Lock()
	defer kp.mu.Unlock()
	if kp.cert != nil && (err1 != nil || err2 != nil || (cs.ModTime().Equal(kp.certMod) && ks.ModTime().Equal(kp.keyMod))) {
		return kp.cert, nil
	}
	c, err := tls.LoadX509KeyPair(kp.certFile, kp.keyFile)
	if err != nil {
		if kp.cert != nil {
			return kp.cert, nil
		}
		return nil, fmt.Errorf("promhttp: loading the TLS certificate %q and key %q: %w", kp.certFile, kp.keyFile, err)
	}
	kp.cert = &c
	if err1 == nil && err2 == nil {
		kp.certMod, kp.keyMod = cs.ModTime(), ks.ModTime()
	}
	return kp.cert, nil
}

// loadCAs reads the certificate authorities in a PEM file, or in every file of a directory.
func loadCAs(path string) (*x509.CertPool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	pool := x509.NewCertPool()
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
		}
		if pool.AppendCertsFromPEM(b) {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("promhttp: ClientCAs %q holds no PEM certificate", path)
	}
	return pool, nil
}
