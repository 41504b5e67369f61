package promhttp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"time"
)

// ServeOpts are the options of Serve. The zero value serves prom.Default over plain HTTP at
// /metrics, with a landing page at /, the default timeouts and no authentication.
type ServeOpts struct {
	// Handler serves the metrics. Nil means Handler(prom.Default).
	Handler http.Handler
	// MetricsPath is where Handler is mounted. Empty means "/metrics".
	MetricsPath string
	// LandingPage is served at "/"; its MetricsPath defaults to this MetricsPath.
	LandingPage LandingPage

	// CertFile and KeyFile are the PEM server certificate (with its chain) and key. Setting
	// them serves HTTPS. The files are read again when they change, so a renewed certificate
	// is used without a restart.
	CertFile, KeyFile string
	// MinTLSVersion is the oldest TLS version accepted, such as tls.VersionTLS13. 0 means
	// TLS 1.2.
	MinTLSVersion uint16
	// ClientCAs is a PEM file, or a directory of PEM files, of the certificate authorities
	// that sign client certificates. Setting it turns on mutual TLS: every client must present
	// a certificate signed by one of them, or the handshake fails. It needs CertFile.
	ClientCAs string

	// BasicAuth maps user names to password hashes made by HashPassword. When not empty,
	// every request must carry HTTP basic credentials that match, or get 401.
	BasicAuth map[string]string

	// ReadHeaderTimeout bounds the time a client has to send the request headers (and
	// complete the TLS handshake), so slow clients cannot hold connections. 0 means 10s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection waits for the next request. 0 means
	// 2 minutes, a few times the usual scrape interval.
	IdleTimeout time.Duration

	// Logger receives the server's errors (those of connections as warnings); a *slog.Logger
	// is one. Nil means the standard log package, in the format of slog's default logger.
	Logger Logger
}

// Server is a running metrics server, returned by Serve.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	tls  bool
	done chan struct{}
	err  error
}

// Serve listens on addr ("host:port", such as ":9100", "127.0.0.1:9100" or "[::1]:9100"; port
// 0 picks a free one) and serves the metrics in a new goroutine until Shutdown or Close. It is
// the Go form of the Python client's start_http_server. It returns an error, and serves
// nothing, when the address cannot be listened on or the TLS and authentication options are
// invalid.
//
//	srv, err := promhttp.Serve(":9100", promhttp.ServeOpts{})
//	if err != nil { ... }
//	defer srv.Shutdown(context.Background())
func Serve(addr string, opts ServeOpts) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = stdLogger{}
	}
	h, err := opts.handler()
	if err != nil {
		return nil, err
	}
	tlsConf, err := opts.tlsConfig()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("promhttp: %w", err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			TLSConfig:         tlsConf,
			ReadHeaderTimeout: or(opts.ReadHeaderTimeout, 10*time.Second),
			IdleTimeout:       or(opts.IdleTimeout, 2*time.Minute),
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          stdlog.New(logWriter{log}, "", 0),
		},
		ln:   ln,
		tls:  tlsConf != nil,
		done: make(chan struct{}),
	}
	go func() {
		var err error
		if s.tls {
			err = s.srv.ServeTLS(ln, "", "")
		} else {
			err = s.srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			s.err = err
			log.Error("promhttp: metrics server stopped", "address", ln.Addr().String(), "error", err)
		}
		close(s.done)
	}()
	return s, nil
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// handler builds the server's mux: metrics, landing page, favicon, behind basic auth.
func (o *ServeOpts) handler() (http.Handler, error) {
	path := o.MetricsPath
	if path == "" {
		path = "/metrics"
	}
	if path[0] != '/' {
		return nil, fmt.Errorf("promhttp: MetricsPath %q must start with '/'", path)
	}
	mh := o.Handler
	if mh == nil {
		mh = Handler()
	}
	lp := o.LandingPage
	if lp.MetricsPath == "" {
		lp.MetricsPath = path
	}
	mux := http.NewServeMux()
	mux.Handle(path, mh)
	if path != "/" {
		mux.Handle("/", lp)
	}
	mux.HandleFunc("/favicon.ico", func(http.ResponseWriter, *http.Request) {})
	if len(o.BasicAuth) == 0 {
		return mux, nil
	}
	a, err := newBasicAuth(o.BasicAuth)
	if err != nil {
		return nil, err
	}
	return a.wrap(mux), nil
}

// Addr returns the address the server listens on, with the port it was given when it asked
// for port 0.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the base URL of the server, such as "https://127.0.0.1:9100", with a
// loopback host when it listens on every address.
func (s *Server) URL() string {
	scheme := "http"
	if s.tls {
		scheme = "https"
	}
	a := s.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
		if a.IP.To4() == nil {
			host = "::1"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// Shutdown stops accepting connections and waits for the scrapes under way to finish, or for
// ctx to be done, as http.Server.Shutdown does.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Close stops the server at once, closing every connection.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// Wait blocks until the server stops and returns the error that stopped it, or nil after
// Shutdown or Close.
func (s *Server) Wait() error {
	<-s.done
	return s.err
}

// tlsConfig returns the TLS configuration the options ask for, or nil for plain HTTP.
func (o *ServeOpts) tlsConfig() (*tls.Config, error) {
	if o.CertFile == "" && o.KeyFile == "" {
		if o.ClientCAs != "" {
			return nil, errors.New("promhttp: ClientCAs needs CertFile and KeyFile: mutual TLS is TLS")
		}
		return nil, nil
	}
	if o.CertFile == "" || o.KeyFile == "" {
		return nil, fmt.Errorf("promhttp: TLS needs both CertFile (%q) and KeyFile (%q)", o.CertFile, o.KeyFile)
	}
	kp, err := newKeyPair(o.CertFile, o.KeyFile)
	if err != nil {
		return nil, err
	}
	min := o.MinTLSVersion
	if min == 0 {
		min = tls.VersionTLS12
	}
	if min < tls.VersionTLS10 || min > tls.VersionTLS13 {
		return nil, fmt.Errorf("promhttp: MinTLSVersion %#x is not a TLS version", min)
	}
	c := &tls.Config{MinVersion: min, GetCertificate: kp.get}
	if o.ClientCAs != "" {
		pool, err := loadCAs(o.ClientCAs)
		if err != nil {
			return nil, err
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c, nil
}
