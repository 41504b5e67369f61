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
// # Instrumenting servers and clients
//
// ServerMetrics counts and times requests by route (the http.ServeMux pattern, never the raw
// path), method and status code, for about 160 ns and one allocation per request:
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
