// Package promgin instruments gin (github.com/gin-gonic/gin) servers with prom: requests by
// route template, method and status code, their duration, and, as the options ask, requests in
// flight and request and response sizes. It writes the series of promhttp.ServerMetrics, which
// it records into, so a service that serves through gin and plain net/http handlers, or moves
// from one to the other, keeps one set of names:
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{InFlight: true, Sizes: true})
//	r := gin.New()
//	r.Use(gin.Recovery(), promgin.Middleware(m))
//	r.GET("/items/:id", getItem)
//	r.GET("/metrics", gin.WrapH(promhttp.Handler(prom.Default)))
//
// The series are http_server_requests_total{route,method,code},
// http_server_request_duration_seconds{route,method,code}, and with the options
// http_server_requests_in_flight, http_server_request_size_bytes and
// http_server_response_size_bytes. promhttp.ServerMetricsOpts.OTelSemConv writes
// OpenTelemetry's HTTP names instead, NativeFactor makes the duration a native histogram, and
// Exemplar (promotel.ExemplarFromRequest) attaches the trace of the request.
//
// The route label is gin's c.FullPath(), the template the route was registered with
// ("/items/:id"), never the raw path; requests no route matched (gin's 404 and 405) count
// under route="unmatched". Methods outside the standard nine are "OTHER". The request size is
// the Content-Length (0 for a body of unknown length), the response size the bytes gin wrote.
//
// A handler that panics is counted with code 500, whether the middleware runs inside gin's
// Recovery (it counts the panic and lets it go on to Recovery, which answers 500) or outside
// it (Recovery has written 500 when the middleware sees the response). Without Recovery the
// panic reaches net/http, which closes the connection; it is still counted.
//
// Cost: no allocation per request once the series of a route, method and code exist, and a
// fraction of what a gin-prometheus middleware adds (bench/ BenchmarkGin).
package promgin
