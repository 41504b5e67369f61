package send

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// tlsConfig builds the TLS settings of cfg: the CA bundle, read once, and the client
// certificate, checked once and read again at each handshake.
func tlsConfig(cfg Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return nil, fmt.Errorf("%s: CertFile %q and KeyFile %q must be set together", cfg.What, cfg.CertFile, cfg.KeyFile)
	}
	if cfg.CertFile != "" {
		if _, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile); err != nil {
			return nil, fmt.Errorf("%s: loading the client certificate: %w", cfg.What, err)
		}
		certFile, keyFile := cfg.CertFile, cfg.KeyFile
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			c, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return nil, err
			}
			return &c, nil
		}
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%s: reading CAFile: %w", cfg.What, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: CAFile %q holds no PEM certificate", cfg.What, cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}
