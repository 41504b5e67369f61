// Package promhttp exposes metrics over HTTP: a metrics handler for any registry (or several
// served as one), a ready-made server with TLS, mutual TLS and basic authentication, and
// middleware that instruments net/http servers and clients.
//
// # Serving metrics
//
// Mount the handler in any mux. Handler uses the defaults; NewHandler takes HandlerOpts:
//
//	http.Handle("/metrics", promhttp.Handler(prom.Default))
//
//	h := promhttp.NewHandler(promhttp.HandlerOpts{
//		MaxRequestsInFlight: 4,
//		Timeout:             10 * time.Second,
//		Metrics:             prom.Default, // the handler's own metrics
//	}, prom.Default, appRegistry)
//
// The handler negotiates the format from the Accept header as Prometheus 2.x and 3.x send it
// (text 0.0.4, text 1.0.0, OpenMetrics 1.0.0 and 0.0.1, with the escaping of UTF-8 names, and
// protobuf), gzip from Accept-Encoding, and the families from name[] query parameters before
// any collector runs. The response states format, version and escaping in its Content-Type,
// is streamed, and is never passed off as complete when the collection failed.
//
// Importing promhttp imports package collectors, so serving prom.Default includes the process
// and Go runtime metrics.
//
// Errors go to HandlerOpts.Logger, a Logger, which *slog.Logger is; without one they go to
// the standard log package. Neither the handler nor the default collectors use log/slog,
// html/template, regexp or encoding/json, so serving metrics links none of them
// (bench/binsize_deps_test.go checks it on the smallest metrics server).
//
// # A metrics server
//
// Serve is the Go form of the Python client's start_http_server: it listens, serves /metrics
// and a landing page at / in the background, and returns a Server to shut down:
//
//	srv, err := promhttp.Serve(":9100", promhttp.ServeOpts{
//		CertFile:  "server.pem",
//		KeyFile:   "server-key.pem",
//		ClientCAs: "/etc/prometheus/client-ca.pem", // mutual TLS: client certificates required
//		BasicAuth: map[string]string{"prometheus": hash}, // from promhttp.HashPassword
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer srv.Shutdown(context.Background())
//
// # What a server bounds
//
// A Server bounds every phase of every request, so that no client, slow or hostile, holds a
// connection, a scrape slot or Shutdown for long (each bound is a ServeOpts field; zero
// means the default given):
//
//   - the TLS handshake and the headers: ReadHeaderTimeout, 10 s; the whole request with its
//     body: ReadTimeout, 30 s; a kept-alive connection waiting for its next request:
//     IdleTimeout, 2 min;
//   - the handling and the response: WriteTimeout, 2 min, after which the request's context,
//     and so the collection, is cancelled;
//   - each write of the response: StallTimeout, 10 s without the client taking the data, over
//     HTTP/1 and on each HTTP/2 stream alike. The write fails, the collection is cancelled and
//     the scrape's slot freed; the other streams of an HTTP/2 connection go on. Only waiting
//     for the client counts: a collector pausing between writes is not a stall. An HTTP/2
//     connection to which nothing at all can be written is closed after StallTimeout, 10 s at
//     the least;
//   - requests at once: MaxRequestsInFlight, 10, counted after authentication; the others get
//     503 at once, without collecting. An HTTP/2 connection carries 32 streams at most;
//   - Shutdown: ShutdownTimeout, 10 s, after which the connections are closed and the
//     requests' contexts cancelled; it returns within a second more, even with
//     context.Background().
//
// Basic authentication bounds the hashing an unauthenticated client can cause: a wrong
// (user, password) pair among the last 256 refused is refused again without hashing, the
// last password accepted for each user is accepted again without hashing, at most a quarter
// of GOMAXPROCS (at least one) hashes run at once, at most 64 requests wait for one and the
// others get 429 Too Many Requests. PBKDF2 iterations are capped at 1,000,000 (about 0.2 s of
// CPU). The bcrypt hashes of Prometheus's exporter-toolkit web configuration ("$2a$", "$2b$",
// "$2y$") are accepted once package github.com/prom-go/prom/bcrypt, a module of its own, is
// imported; any other scheme can be added with RegisterPasswordScheme. "prom hash-password"
// makes HashPassword's hashes from standard input, and prom-bcrypt (in the bcrypt module)
// bcrypt ones.
//
// The certificate, key and client CA files are read at each handshake and taken when their
// content changed, whatever their modification times; a pair half replaced keeps the
// previous certificate. After the client CAs change, requests on connections (or resumed
// TLS sessions) made under an authority no longer configured get 403. TLS 1.2 offers the
// ECDHE suites with AES-GCM or ChaCha20-Poly1305 only, without the CBC-SHA1 ones Go enables;
// ServeOpts.CipherSuites sets others.
//
// # Instrumenting servers and clients
//
// ServerMetrics counts and times requests by route (the http.ServeMux pattern, never the raw
// path), method and status code, for one allocation per request and little time beside the
// request's own (BenchmarkServerMiddleware measures it):
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{})
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /items/{id}", getItem)
//	http.ListenAndServe(":8080", m.Middleware(mux))
//
// ClientMetrics does the same for outgoing requests, with the DNS, connect, TLS and
// first-byte phases when asked:
//
//	cm, err := promhttp.NewClientMetrics(promhttp.ClientMetricsOpts{Phases: true})
//	client := &http.Client{Transport: cm.RoundTripper(nil)}
package promhttp

import _ "github.com/prom-go/prom/collectors" // serving prom.Default includes the standard collectors
