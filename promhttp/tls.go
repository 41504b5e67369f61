package promhttp

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// tlsConfig returns the TLS configuration the options ask for, or nil for plain HTTP, and
// the client authorities when mutual TLS is on.
func (o *ServeOpts) tlsConfig() (*tls.Config, *clientCAs, error) {
	if o.CertFile == "" && o.KeyFile == "" {
		if o.ClientCAs != "" {
			return nil, nil, errors.New("promhttp: ClientCAs needs CertFile and KeyFile: mutual TLS is TLS")
		}
		if o.CipherSuites != nil {
			return nil, nil, errors.New("promhttp: CipherSuites needs CertFile and KeyFile: they are TLS's")
		}
		return nil, nil, nil
	}
	if o.CertFile == "" || o.KeyFile == "" {
		return nil, nil, fmt.Errorf("promhttp: TLS needs both CertFile (%q) and KeyFile (%q)", o.CertFile, o.KeyFile)
	}
	kp, err := newKeyPair(o.CertFile, o.KeyFile)
	if err != nil {
		return nil, nil, err
	}
	min := o.MinTLSVersion
	if min == 0 {
		min = tls.VersionTLS12
	}
	if min < tls.VersionTLS10 || min > tls.VersionTLS13 {
		return nil, nil, fmt.Errorf("promhttp: MinTLSVersion %#x is not a TLS version", min)
	}
	suites, err := cipherSuites(o.CipherSuites, min)
	if err != nil {
		return nil, nil, err
	}
	c := &tls.Config{
		MinVersion:     min,
		CipherSuites:   suites,
		GetCertificate: kp.get,
		// Set here rather than left to net/http, so that the configurations GetConfigForClient
		// returns offer HTTP/2 too.
		NextProtos: []string{"h2", "http/1.1"},
	}
	if o.ClientCAs == "" {
		return c, nil, nil
	}
	cas, err := newClientCAs(o.ClientCAs, c)
	if err != nil {
		return nil, nil, err
	}
	c.GetConfigForClient = cas.configForClient
	return c, cas, nil
}

// defaultCipherSuites are the TLS 1.2 suites offered when ServeOpts.CipherSuites is nil: the
// ECDHE ones with an AEAD, those of tls.CipherSuites without the CBC-SHA1 ones.
var defaultCipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// cipherSuites checks the configured TLS 1.2 suites, or returns the default ones.
func cipherSuites(ids []uint16, min uint16) ([]uint16, error) {
	if ids == nil {
		return slices.Clone(defaultCipherSuites), nil
	}
	if len(ids) == 0 {
		return nil, errors.New("promhttp: CipherSuites is empty; leave it nil for the default suites")
	}
	h2 := false
	for _, id := range ids {
		name := tls.CipherSuiteName(id)
		if slices.ContainsFunc(tls.InsecureCipherSuites(), func(s *tls.CipherSuite) bool { return s.ID == id }) {
			return nil, fmt.Errorf("promhttp: cipher suite %s (%#04x) is insecure; use one of tls.CipherSuites", name, id)
		}
		i := slices.IndexFunc(tls.CipherSuites(), func(s *tls.CipherSuite) bool { return s.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("promhttp: CipherSuites: %#04x is not a cipher suite Go implements; use one of tls.CipherSuites", id)
		}
		if v := tls.CipherSuites()[i].SupportedVersions; len(v) == 1 && v[0] == tls.VersionTLS13 {
			return nil, fmt.Errorf("promhttp: cipher suite %s is a TLS 1.3 one; CipherSuites configures TLS 1.2 only, TLS 1.3's are not configurable", name)
		}
		h2 = h2 || id == tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 || id == tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
	}
	if !h2 && min < tls.VersionTLS13 {
		return nil, errors.New("promhttp: CipherSuites must hold TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, which HTTP/2 requires")
	}
	return slices.Clone(ids), nil
}

// keyPair is a server certificate read from files, reloaded when their content changes.
type keyPair struct {
	certFile, keyFile string
	mu                sync.Mutex
	cert              *tls.Certificate
	certPEM, keyPEM   []byte // the content cert was made from
}

func newKeyPair(certFile, keyFile string) (*keyPair, error) {
	kp := &keyPair{certFile: certFile, keyFile: keyFile}
	if _, err := kp.get(nil); err != nil {
		return nil, err
	}
	return kp, nil
}

// get returns the certificate, reloading it when either file's content changed. It reads
// both files at each handshake, which costs microseconds against the handshake's
// milliseconds; a reload that fails (a file missing, or replaced but not yet its partner)
// keeps the previous certificate.
func (kp *keyPair) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	cb, err1 := os.ReadFile(kp.certFile)
	kb, err2 := os.ReadFile(kp.keyFile)
	kp.mu.Lock()
	defer kp.mu.Unlock()
	if kp.cert != nil && (err1 != nil || err2 != nil || (bytes.Equal(cb, kp.certPEM) && bytes.Equal(kb, kp.keyPEM))) {
		return kp.cert, nil
	}
	err := errors.Join(err1, err2)
	if err == nil {
		var c tls.Certificate
		if c, err = tls.X509KeyPair(cb, kb); err == nil {
			kp.cert, kp.certPEM, kp.keyPEM = &c, cb, kb
			return kp.cert, nil
		}
	}
	if kp.cert != nil {
		return kp.cert, nil
	}
	return nil, fmt.Errorf("promhttp: loading the TLS certificate %q and key %q: %w", kp.certFile, kp.keyFile, err)
}

// clientCAs are the authorities of mutual TLS, read from a file or directory and reloaded
// when its content changes.
type clientCAs struct {
	path string
	base *tls.Config // the server's configuration, without client authentication

	mu    sync.Mutex
	files [][]byte    // the content the current authorities were read from
	conf  *tls.Config // base with the current authorities
	roots [][]byte    // their DER, to check the connections made under older ones
}

func newClientCAs(path string, base *tls.Config) (*clientCAs, error) {
	c := &clientCAs{path: path, base: base}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the authorities again, and takes them when their content changed and they
// hold at least one certificate. It reads every file at each call: microseconds for the
// few files of a CA directory.
func (c *clientCAs) reload() error {
	files, err := readCAFiles(c.path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conf != nil && slices.EqualFunc(files, c.files, bytes.Equal) {
		return nil
	}
	pool := x509.NewCertPool()
	var roots [][]byte
	for _, b := range files {
		for len(b) > 0 {
			var block *pem.Block
			block, b = pem.Decode(b)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				continue
			}
			pool.AddCert(cert)
			roots = append(roots, cert.Raw)
		}
	}
	if len(roots) == 0 {
		return fmt.Errorf("promhttp: ClientCAs %q holds no PEM certificate", c.path)
	}
	conf := c.base.Clone()
	conf.GetConfigForClient = nil
	conf.ClientCAs = pool
	conf.ClientAuth = tls.RequireAndVerifyClientCert
	c.files, c.conf, c.roots = files, conf, roots
	return nil
}

// configForClient is the server's tls.Config.GetConfigForClient: the configuration with the
// current authorities. A reload that fails keeps the previous ones.
func (c *clientCAs) configForClient(*tls.ClientHelloInfo) (*tls.Config, error) {
	c.reload()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conf, nil
}

// trusted reports whether one of the chains verified at the handshake (or at the one the
// session resumed) ends at an authority still configured.
func (c *clientCAs) trusted(st *tls.ConnectionState) bool {
	c.reload()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, chain := range st.VerifiedChains {
		if len(chain) == 0 {
			continue
		}
		root := chain[len(chain)-1].Raw
		if slices.ContainsFunc(c.roots, func(r []byte) bool { return bytes.Equal(r, root) }) {
			return true
		}
	}
	return false
}

// wrap refuses, with 403, the requests on connections whose client certificate an authority
// no longer configured signed: replacing the CA file cuts off the old clients' kept-alive
// connections and resumed sessions too, not only their new handshakes.
func (c *clientCAs) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || !c.trusted(r.TLS) {
			w.Header().Set("Connection", "close")
			http.Error(w, "the client certificate's authority is no longer trusted", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readCAFiles reads the file at path, or every regular file of the directory, in name order.
func readCAFiles(path string) ([][]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
	}
	names := []string{path}
	if st.IsDir() {
		entries, err := os.ReadDir(path) // sorted by name
		if err != nil {
			return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
		}
		names = names[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
	}
	files := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("promhttp: ClientCAs: %w", err)
		}
		files = append(files, b)
	}
	return files, nil
}
