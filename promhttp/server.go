package promhttp

import (
	"context"
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
	// them serves HTTPS. The files are read again at each handshake and the certificate
	// reloaded when their content changed, so a renewed certificate is used without a
	// restart, whatever its files' modification times. A file that cannot be read or parsed
	// keeps the previous certificate.
	CertFile, KeyFile string
	// MinTLSVersion is the oldest TLS version accepted, such as tls.VersionTLS13. 0 means
	// TLS 1.2.
	MinTLSVersion uint16
	// ClientCAs is a PEM file, or a directory of PEM files, of the certificate authorities
	// that sign client certificates. Setting it turns on mutual TLS: every client must present
	// a certificate signed by one of them, or the handshake fails. It needs CertFile. The
	// files are read at each handshake and each request (microseconds for a few files) and
	// taken when their content changed: new connections are checked against the new
	// authorities, and requests on connections (or resumed sessions) made under an
	// authority no longer there get 403. Files that cannot be read, or hold no certificate,
	// keep the previous authorities.
	ClientCAs string

	// CipherSuites are the TLS 1.2 cipher suites offered, such as
	// tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; TLS 1.3's are not configurable. Nil means
	// the ECDHE suites with AES-GCM or ChaCha20-Poly1305, without the CBC-SHA1 suites Go
	// still enables by default. Each must be one of tls.CipherSuites (insecure ones are
	// refused) and, for HTTP/2, one of the ECDHE AES-128-GCM suites must be among them.
	CipherSuites []uint16

	// BasicAuth maps user names to password hashes made by HashPassword, or of a scheme
	// registered with RegisterPasswordScheme (such as the bcrypt hashes of Prometheus's
	// exporter-toolkit web config, with package github.com/prom-go/prom/bcrypt). When not
	// empty, every request must carry HTTP basic credentials that match, or get 401. The
	// hashing an unauthenticated client can cause is bounded: see the package doc.
	BasicAuth map[string]string

	// ReadHeaderTimeout bounds the time a client has to send the request headers (and
	// complete the TLS handshake), so slow clients cannot hold connections. 0 means 10s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the time a client has to send a whole request, headers and body:
	// a client trickling a body is cut off when it passes. 0 means 30s.
	ReadTimeout time.Duration
	// WriteTimeout bounds the handling of a request from the end of its headers to the last
	// byte of the response: the request's context (and so the collection) is cancelled and
	// the response cut off when it passes. It is the longest scrape served. 0 means 2 minutes.
	WriteTimeout time.Duration
	// StallTimeout bounds the time a write of the response may wait for the client to take
	// data, over HTTP/1 and HTTP/2 alike: a client that stops reading has its response cut
	// off and its collection cancelled when it passes, freeing its in-flight slot. 0 means
	// 10s.
	StallTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection waits for the next request. 0 means
	// 2 minutes, a few times the usual scrape interval.
	IdleTimeout time.Duration
	// MaxRequestsInFlight is the number of requests served at once (after authentication);
	// more get 503 Service Unavailable at once, without any collection. 0 means 10, enough
	// for a few Prometheus servers scraping at once; a negative value means no limit. Each
	// gzipped scrape in flight holds over a megabyte of buffers, mostly its compressor's.
	MaxRequestsInFlight int
	// ShutdownTimeout bounds Shutdown: the requests still under way when it passes are cut
	// off and their connections closed. 0 means 10s.
	ShutdownTimeout time.Duration

	// Logger receives the server's errors (those of connections as warnings); a *slog.Logger
	// is one. Nil means the standard log package, in the format of slog's default logger.
	Logger Logger
}

// Server is a running metrics server, returned by Serve.
type Server struct {
	srv   *http.Server
	ln    net.Listener
	tls   bool
	bound *bound
	grace time.Duration
	log   Logger
	done  chan struct{}
	err   error
}

// The defaults of ServeOpts.
const (
	defReadHeaderTimeout = 10 * time.Second
	defReadTimeout       = 30 * time.Second
	defWriteTimeout      = 2 * time.Minute
	defStallTimeout      = 10 * time.Second
	defIdleTimeout       = 2 * time.Minute
	defMaxInFlight       = 10
	defShutdownTimeout   = 10 * time.Second
	// maxStreams is the number of HTTP/2 streams a connection may have open at once;
	// requests beyond MaxRequestsInFlight get 503 anyway.
	maxStreams = 32
	// handlerExit is how long Shutdown waits, after it closed the connections and
	// cancelled the requests' contexts, for the handlers still running to return.
	handlerExit = time.Second
)

// Serve listens on addr ("host:port", such as ":9100", "127.0.0.1:9100" or "[::1]:9100"; port
// 0 picks a free one) and serves the metrics in a new goroutine until Shutdown or Close. It is
// the Go form of the Python client's start_http_server. It returns an error, and serves
// nothing, when the address cannot be listened on or the TLS and authentication options are
// invalid.
//
// Every phase of a request is bounded (see ServeOpts): the TLS handshake and headers, the
// body, the handler and each write of the response, and so is Shutdown.
//
//	srv, err := promhttp.Serve(":9100", promhttp.ServeOpts{})
//	if err != nil { ... }
//	defer srv.Shutdown(context.Background())
func Serve(addr string, opts ServeOpts) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = stdLogger{}
	}
	tlsConf, cas, err := opts.tlsConfig()
	if err != nil {
		return nil, err
	}
	h, err := opts.handler(cas)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("promhttp: %w", err)
	}
	b := newBound(h, or(opts.WriteTimeout, defWriteTimeout), or(opts.StallTimeout, defStallTimeout))
	s := &Server{
		srv: &http.Server{
			Handler:           b,
			TLSConfig:         tlsConf,
			ReadHeaderTimeout: or(opts.ReadHeaderTimeout, defReadHeaderTimeout),
			ReadTimeout:       or(opts.ReadTimeout, defReadTimeout),
			// The handler's own deadline (bound) cancels it first; this one covers what
			// net/http writes itself after the handler returned.
			WriteTimeout:   or(opts.WriteTimeout, defWriteTimeout) + time.Second,
			IdleTimeout:    or(opts.IdleTimeout, defIdleTimeout),
			MaxHeaderBytes: 64 << 10,
			ErrorLog:       stdlog.New(logWriter{log}, "", 0),
			BaseContext:    func(net.Listener) context.Context { return b.base },
			HTTP2: &http.HTTP2Config{
				MaxConcurrentStreams: maxStreams,
				// A connection to which nothing at all can be written for this long is closed:
				// the streams' own stall timers cannot reset them then, since their resets
				// are frames too. It is never shorter than the default stall timeout, so that
				// a short StallTimeout does not cut a whole connection whose client is merely
				// slow to read; such a client reads the connection, if not every stream.
				WriteByteTimeout: max(or(opts.StallTimeout, defStallTimeout), defStallTimeout),
			},
		},
		ln:    ln,
		tls:   tlsConf != nil,
		bound: b,
		grace: or(opts.ShutdownTimeout, defShutdownTimeout),
		log:   log,
		done:  make(chan struct{}),
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

// handler builds the server's mux: metrics, landing page, favicon, behind the check of the
// client's authority (mutual TLS), basic auth, then the in-flight limit, so that clients
// failing authentication hold no slot.
func (o *ServeOpts) handler(cas *clientCAs) (http.Handler, error) {
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
	var h http.Handler = mux
	switch n := o.MaxRequestsInFlight; {
	case n == 0:
		h = limit(h, defMaxInFlight)
	case n > 0:
		h = limit(h, n)
	}
	if len(o.BasicAuth) > 0 {
		a, err := newBasicAuth(o.BasicAuth)
		if err != nil {
			return nil, err
		}
		h = a.wrap(h)
	}
	if cas != nil {
		h = cas.wrap(h)
	}
	return h, nil
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

// Shutdown stops accepting connections and waits for the requests under way to finish, then
// returns nil. When ctx is done or ServeOpts.ShutdownTimeout passes first, it closes every
// connection, cancels the contexts of the requests still under way, waits a second at most
// for their handlers to return, and returns ctx's error, or nil after ShutdownTimeout (the
// connections it cut are logged). So Shutdown returns within ShutdownTimeout and a second,
// whatever the clients do, even with context.Background().
func (s *Server) Shutdown(ctx context.Context) error {
	gctx, cancel := context.WithTimeout(ctx, s.grace)
	defer cancel()
	err := s.srv.Shutdown(gctx)
	if err != nil {
		s.forceClose()
		if ctx.Err() != nil {
			err = ctx.Err()
		} else {
			s.log.Warn("promhttp: requests still under way after the shutdown timeout were cut off", "timeout", s.grace.String())
			err = nil
		}
	}
	s.bound.stop()
	<-s.done
	return err
}

// forceClose closes every connection and cancels the requests under way, then waits a
// little for their handlers.
func (s *Server) forceClose() {
	s.srv.Close()
	s.bound.stop()
	s.bound.wait(handlerExit)
}

// Close stops the server at once, closing every connection and cancelling the requests
// under way, and waits a second at most for their handlers to return.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.bound.stop()
	s.bound.wait(handlerExit)
	<-s.done
	return err
}

// Wait blocks until the server stops and returns the error that stopped it, or nil after
// Shutdown or Close.
func (s *Server) Wait() error {
	<-s.done
	return s.err
}
