// Package promchi instruments chi (github.com/go-chi/chi/v5) routers with prom: requests by
// route pattern, method and status code, their duration, and, as the options ask, requests in
// flight, request and response sizes and time to first byte. It is promhttp.ServerMetrics'
// own net/http middleware with the route read from chi, so a service that serves through chi
// and plain http.ServeMux handlers, or moves from one to the other, keeps one set of names:
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{InFlight: true, Sizes: true})
//	r := chi.NewRouter()
//	r.Use(middleware.Recoverer, promchi.Middleware(m))
//	r.Get("/items/{id}", getItem)
//	r.Handle("/metrics", promhttp.Handler(prom.Default))
//
// The series are http_server_requests_total{route,method,code},
// http_server_request_duration_seconds{route,method,code}, and with the options
// http_server_requests_in_flight, http_server_request_size_bytes,
// http_server_response_size_bytes and http_server_time_to_first_byte_seconds.
// promhttp.ServerMetricsOpts.OTelSemConv writes OpenTelemetry's HTTP names instead,
// NativeFactor makes the duration a native histogram, and Exemplar
// (promotel.ExemplarFromRequest) attaches the trace of the request.
//
// The route label is chi's RouteContext(r.Context()).RoutePattern(), read after the handler
// ran, when chi has routed through every subrouter ("/api/items/{id}"): never the raw path.
// Requests no route matched count under route="unmatched" (or the pattern of the mounted
// subrouter that answered them). Methods outside the standard nine are "OTHER". The request
// size is the Content-Length, or the bytes the handler read of a body of unknown length.
//
// A handler that panics is counted with code 500, whether the middleware runs inside chi's
// middleware.Recoverer (it counts the panic and lets it go on to Recoverer, which answers
// 500) or outside it (Recoverer has written 500 when the middleware sees the response).
// Without Recoverer the panic reaches net/http, which closes the connection; it is still
// counted.
//
// Cost: the one allocation of promhttp's middleware per request (its response writer), plus
// chi's own when RoutePattern joins the patterns of nested subrouters; a fraction of what
// client_golang's InstrumentHandler* wrappers add (bench/ BenchmarkChi).
package promchi
