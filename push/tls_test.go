package push

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testcerts"
)

func TestPushTLSClientCertificate(t *testing.T) {
	ca := testcerts.New(t)

	var gotClient string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotClient = r.TLS.PeerCertificates[0].Subject.CommonName
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}, ClientCAs: ca.Roots, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()
	srv.Config.ErrorLog = nil
	reg := prom.NewRegistry()

	p := &Pusher{URL: srv.URL, Job: "j", CertFile: ca.ClientCert, KeyFile: ca.ClientKey, CAFile: ca.CA}
	if err := p.Push(context.Background(), reg); err != nil {
		t.Fatalf("push with a client certificate: %v", err)
	}
	if gotClient != "client" {
		t.Errorf("the server saw client %q", gotClient)
	}

	// Without the certificate the server refuses the handshake; without the CA the client
	// refuses the server.
	err := (&Pusher{URL: srv.URL, Job: "j", CAFile: ca.CA, Retries: -1}).Push(context.Background(), reg)
	if err == nil {
		t.Error("push without a client certificate succeeded")
	}
	err = (&Pusher{URL: srv.URL, Job: "j", Retries: -1}).Push(context.Background(), reg)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("push to a server signed by an unknown CA: %v, want a certificate error", err)
	}
	// A CA file holding PEM, but only a key.
	if err := (&Pusher{URL: srv.URL, Job: "j", CAFile: ca.ServerKey}).Push(context.Background(), reg); err == nil ||
		!strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("bad CA file: %v", err)
	}
}
