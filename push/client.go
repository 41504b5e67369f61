package push

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// client returns the http.Client of a push: Client when set, else a client over a clone of
// http.DefaultTransport with the TLS client certificate and CAs of the Pusher, if any.
func (p *Pusher) client() (*http.Client, error) {
	tlsSet := p.CertFile != "" || p.KeyFile != "" || p.CAFile != ""
	if p.Client != nil {
		if tlsSet {
			return nil, errors.New("push: Pusher.Client cannot be combined with CertFile, KeyFile or CAFile; configure TLS on the client's transport instead")
		}
		return p.Client, nil
	}
	if !tlsSet {
		return http.DefaultClient, nil
	}
	cfg, err := p.tlsConfig()
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	// A transport per push: its connections are closed with it instead of lingering idle.
	t.DisableKeepAlives = true
	return &http.Client{Transport: t}, nil
}

// tlsConfig reads the client certificate and CA bundle named by the Pusher.
func (p *Pusher) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if (p.CertFile == "") != (p.KeyFile == "") {
		return nil, fmt.Errorf("push: CertFile %q and KeyFile %q must be set together", p.CertFile, p.KeyFile)
	}
	if p.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("push: loading the client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if p.CAFile != "" {
		pem, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, fmt.Errorf("push: reading CAFile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("push: CAFile %q holds no PEM certificate", p.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
