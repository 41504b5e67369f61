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
// Every handler, whatever its options:
//
//   - negotiates the format from the Accept header, weighed by q-values, as Prometheus 2.x
//     and 3.x send it: text 0.0.4, text 1.0.0, OpenMetrics 1.0.0 and 0.0.1, and protobuf
//     (delimited MetricFamily messages). The header's escaping parameter (allow-utf-8,
//     underscores, dots, values) says how UTF-8 names are written; without it they are
//     escaped with underscores. A header the handler cannot satisfy, or none (curl, a
//     browser), gets text 0.0.4. The Content-Type states format, version and escaping:
//     "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8";
//   - gzips when Accept-Encoding admits it, with pooled writers, and offers any coding a
//     module registers with RegisterCompression: importing github.com/prom-go/prom/zstd
//     (a nested module, for its dependency) adds zstd, which Prometheus 3 asks for behind a
//     flag and which makes a scrape's body less than half gzip's;
//   - restricts the families to those named by name[] query parameters
//     (/metrics?name[]=http_requests_total&name[]=up), without calling the collectors that
//     describe none of them;
//   - serves GET and HEAD, answers OPTIONS with Allow and other methods with 405, and a path
//     ending in /favicon.ico with an empty 200;
//   - streams: the output is written as it is produced, and only its first 32 KiB are held
//     back, so that a small failed scrape can still get an error status;
//   - never passes a failed scrape off as complete: before anything was sent it answers 500
//     (503 on a timeout); after part of the body was sent, it cuts the connection, and an
//     OpenMetrics body lacks its "# EOF".
//
// HandlerOpts, whose zero value is the default, chooses what to do on a collection error
// (ErrorHandling: fail the scrape with HTTPErrorOnError, serve what was collected with
// ContinueOnError, or PanicOnError; every error is logged), turns formats and gzip off
// (DisableOpenMetrics, DisableProtobuf, DisableCompression), limits concurrent scrapes
// (MaxRequestsInFlight; more get 503 at once), bounds a collection (Timeout, which collectors
// see through prom.Writer.Context; Prometheus's X-Prometheus-Scrape-Timeout-Seconds applies
// too when shorter), drops a family that a later registry writes again (DetectDuplicates), and
// registers the handler's own metrics (Metrics: promhttp_metric_handler_requests_total{code},
// _requests_in_flight, _errors_total{cause} for collect, timeout, write and limit, and
// _scrape_duration_seconds).
//
// The handler is an http.Handler, and mounts in any router: this is the Go answer to the
// Python client's WSGI, ASGI, aiohttp and Twisted adapters.
//
//	mux.Handle("GET /metrics", promhttp.Handler(prom.Default))                 // net/http
//	r.Method(http.MethodGet, "/metrics", promhttp.Handler(prom.Default))       // chi
//	r.Handle("/metrics", promhttp.Handler(prom.Default)).Methods("GET", "HEAD") // gorilla/mux
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
// Serve is the Go form of the Python client's start_http_server: it listens (on IPv4 with
// "0.0.0.0:9100", IPv6 with "[::1]:9100", both with ":9100"; port 0 picks a free one), serves
// /metrics, a landing page at / for people who open it in a browser, and /favicon.ico, in the
// background, and returns a Server with Addr, URL, Shutdown (graceful), Close and Wait:
//
//	hash, _ := promhttp.HashPassword("s3cret") // store the hash, not the password
//	srv, err := promhttp.Serve(":9100", promhttp.ServeOpts{
//		LandingPage: promhttp.LandingPage{Title: "My exporter", Version: version},
//		CertFile:    "/etc/myapp/server.pem",
//		KeyFile:     "/etc/myapp/server-key.pem",
//		ClientCAs:   "/etc/myapp/client-cas/", // a PEM file or a directory: mutual TLS
//		BasicAuth:   map[string]string{"prometheus": hash},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer srv.Shutdown(context.Background())
//
// ServeOpts sets the Handler (Handler(prom.Default) by default), its MetricsPath ("/metrics"),
// the LandingPage (Title, Version, Description, MetricsPath), HTTPS and HTTP/2 (CertFile,
// KeyFile, MinTLSVersion, TLS 1.2 by default, CipherSuites), mutual TLS (ClientCAs), basic
// authentication (BasicAuth), the bounds below, and the Logger of server errors (the log
// package by default; a *slog.Logger is a Logger). Insecure cipher suites, TLS 1.3 ones and
// unknown IDs are refused by name.
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
//   - requests at once: MaxRequestsInFlight, 10 (negative: no limit), counted after
//     authentication; the others get 503 with Retry-After at once, without collecting. An HTTP/2 connection carries 32 streams at most;
//   - Shutdown: ShutdownTimeout, 10 s, after which the connections are closed and the
//     requests' contexts cancelled; it returns within a second more, even with
//     context.Background(). With handlers that heed their request's context (the metrics
//     handler does), no goroutine of the server is left behind.
//
// Basic authentication bounds the hashing an unauthenticated client can cause: a wrong
// (user, password) pair among the last 256 refused is refused again without hashing, the
// last password accepted for each user is accepted again without hashing, at most a quarter
// of GOMAXPROCS (at least one) hashes run at once, at most 64 requests wait for one and the
// others get 429 Too Many Requests. PBKDF2 iterations are capped at 1,000,000 (about 0.2 s of
// CPU), bcrypt costs at 14. The bcrypt hashes of Prometheus's exporter-toolkit web
// configuration ("$2a$", "$2b$", "$2y$", as htpasswd -B makes them) are accepted once package
// github.com/prom-go/prom/bcrypt, a module of its own since it needs golang.org/x/crypto, is
// imported for its side effect; any other scheme can be added with RegisterPasswordScheme.
//
// The hashes come from HashPassword (PBKDF2-SHA256), or from the command line, reading the
// password from standard input so that it stays out of the process list and the shell
// history:
//
//	printf '%s' "$PASSWORD" | prom hash-password
//
//	go install github.com/prom-go/prom/bcrypt/cmd/prom-bcrypt@latest
//	printf '%s' "$PASSWORD" | prom-bcrypt -cost 10
//
// or without Go, as a PBKDF2 hash HashPassword's scheme reads:
//
//	python3 -c 'import hashlib,os,base64,sys; s=os.urandom(16); b=lambda x: base64.b64encode(x).decode().rstrip("="); print("pbkdf2-sha256$100000$"+b(s)+"$"+b(hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), s, 100000)))' PASSWORD
//
// The certificate, key and client CA files are read at each handshake and taken when their
// content changed, whatever their modification times; a pair half replaced keeps the
// previous certificate. After the client CAs change, new handshakes are checked against the
// new authorities, and requests on connections (or resumed TLS sessions) made under an
// authority no longer configured get 403. TLS 1.2 offers the
// ECDHE suites with AES-GCM or ChaCha20-Poly1305 only, without the CBC-SHA1 ones Go enables;
// ServeOpts.CipherSuites sets others.
//
// # Scraping with Prometheus
//
// The demo of the prom command (go run ./cmd/prom demo --addr :8000) is scraped with plain HTTP
// by
//
//	scrape_configs:
//	  - job_name: demo
//	    static_configs:
//	      - targets: ["localhost:8000"]
//
// Run with --tls-cert-file server.pem --tls-key-file server-key.pem --tls-client-ca ca.pem, it
// serves HTTPS with mutual TLS: Prometheus presents its own client certificate, signed by
// ca.pem, and checks the demo's against the same CA:
//
//	scrape_configs:
//	  - job_name: demo
//	    scheme: https
//	    tls_config:
//	      ca_file: /etc/prometheus/ca.pem            # the CA that signed the demo's certificate
//	      cert_file: /etc/prometheus/prometheus.pem  # Prometheus's client certificate
//	      key_file: /etc/prometheus/prometheus-key.pem
//	      # server_name: demo.example.com           # when the target address is not in the certificate
//	    static_configs:
//	      - targets: ["localhost:8000"]
//
// For basic authentication, run the demo with --basic-auth-file users, a file of user:hash
// lines (hashes made as above; "#" comments and blank lines are skipped), and add
// "basic_auth: {username: prometheus, password_file: /etc/prometheus/demo-password}" to the
// job. integration/prometheus_test.go runs this configuration, mutual TLS and basic auth
// together, against a real Prometheus.
//
// # Instrumenting servers and clients
//
// ServerMetrics counts and times requests by route, method and status code:
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{InFlight: true, Sizes: true})
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /items/{id}", getItem)
//	http.ListenAndServe(":8080", m.Middleware(mux))
//
// It always writes http_server_requests_total{route,method,code} and
// http_server_request_duration_seconds; http_server_requests_in_flight with InFlight,
// http_server_request_size_bytes and http_server_response_size_bytes with Sizes, and
// http_server_time_to_first_byte_seconds with TimeToFirstByte. Namespace, Buckets,
// SizeBuckets and Registry are as usual.
//
// The route is the http.ServeMux pattern that matched ("/items/{id}"), or "unmatched": never
// the raw path, so the number of series stays bounded. Methods outside the standard nine are
// "OTHER". gin, echo and chi have their middleware in modules promgin, promecho and promchi.
// For other routers, give ServerMetricsOpts.Route and install the middleware inside the router
// (r.Use), where the route is known:
//
//	// gorilla/mux
//	r.Use(prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{
//		Route: func(r *http.Request) string { t, _ := mux.CurrentRoute(r).GetPathTemplate(); return t },
//	})).Middleware)
//
// A request whose handler panics is counted with code 500 (PanicCode) and the panic goes on.
// ServerMetricsOpts.OTelSemConv writes OpenTelemetry's HTTP semantic conventions instead
// (http_server_request_duration_seconds{http_route,http_request_method,http_response_status_code});
// NativeFactor makes the duration a native histogram. The middleware of gin, echo and chi
// (modules promgin, promecho, promchi) record into a ServerMetrics through Start and Finish,
// so every router writes the same series.
//
// ServerMetricsOpts.Exemplar attaches exemplar labels, such as the trace ID from the request
// context (promotel.ExemplarFromRequest), to the request counter, without a tracing dependency. The counter and the duration
// cost one allocation per request and a fraction of client_golang's time
// (BenchmarkServerMiddleware here, and the middleware benchmarks of bench/ beside
// client_golang's).
//
// A service moving from client_golang keeps the series of its InstrumentHandler* wrappers
// with ServerMetricsOpts.InstrumentHandler: the names, help, labels and types it gave its
// client_golang metrics, and client_golang's label values (method="get", code="200"):
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{InstrumentHandler: &promhttp.InstrumentOpts{
//		Counter: promhttp.InstrumentFamily{Name: "http_requests_total", Help: "…", Labels: []string{"method", "code"}},
//	}})
//
// ClientMetrics does the same for outgoing requests:
//
//	cm, err := promhttp.NewClientMetrics(promhttp.ClientMetricsOpts{Phases: true})
//	client := &http.Client{Transport: cm.RoundTripper(nil)} // nil: http.DefaultTransport
//
// It writes http_client_requests_total{method,code} (code="error" when no response came),
// http_client_request_duration_seconds{method,code} and http_client_requests_in_flight, and
// with Phases http_client_phase_duration_seconds{phase} for the dns, connect, tls and
// first_byte phases (from net/http/httptrace).
package promhttp

import _ "github.com/prom-go/prom/collectors" // serving prom.Default includes the standard collectors
