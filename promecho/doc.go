// Package promecho instruments echo (github.com/labstack/echo/v4) servers with prom: requests
// by route template, method and status code, their duration, and, as the options ask, requests
// in flight and request and response sizes. It writes the series of promhttp.ServerMetrics,
// which it records into, so a service that serves through echo and plain net/http handlers, or
// moves from one to the other, keeps one set of names:
//
//	m, err := promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{InFlight: true, Sizes: true})
//	e := echo.New()
//	e.Use(middleware.Recover(), promecho.Middleware(m))
//	e.GET("/items/:id", getItem)
//	e.GET("/metrics", echo.WrapHandler(promhttp.Handler(prom.Default)))
//
// The series are http_server_requests_total{route,method,code},
// http_server_request_duration_seconds{route,method,code}, and with the options
// http_server_requests_in_flight, http_server_request_size_bytes and
// http_server_response_size_bytes. promhttp.ServerMetricsOpts.OTelSemConv writes
// OpenTelemetry's HTTP names instead, NativeFactor makes the duration a native histogram, and
// Exemplar (promotel.ExemplarFromRequest) attaches the trace of the request.
//
// The route label is echo's c.Path(), the template the route was registered with
// ("/items/:id"), never the raw path. Requests echo's router did not match (it answers them
// with echo.ErrNotFound or echo.ErrMethodNotAllowed) count under route="unmatched"; a route of
// RouteNotFound keeps its template. Methods outside the standard nine are "OTHER". When a
// handler returns an error that echo's error handler turns into the response after the
// middleware, the code is that of the *echo.HTTPError, else 500, and the response size 0.
// The request size is the Content-Length (0 for a body of unknown length).
//
// A handler that panics is counted with code 500, whether the middleware runs inside echo's
// Recover (it counts the panic and lets it go on to Recover, which answers 500) or outside it
// (Recover has turned it into an error). Without Recover the panic reaches net/http, which
// closes the connection; it is still counted.
//
// Cost: no allocation per request once the series of a route, method and code exist, and a
// fraction of what echo-contrib's echoprometheus adds (bench/ BenchmarkEcho).
package promecho
