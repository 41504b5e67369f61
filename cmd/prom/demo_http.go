package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// The demo's HTTP side: /metrics, a landing page, and a fake API that the workload loop calls
// in-process, all instrumented by promhttp's server middleware, so the http_server_* metrics
// count both the fake traffic and the real scrapes.

// newHTTP builds the demo's instrumented routes in d.http; it panics on a construction mistake
// (see newDemo).
func (d *demo) newHTTP(reg *prom.Registry) {
	d.server = prom.Must(promhttp.NewServerMetrics(promhttp.ServerMetricsOpts{
		Registry: reg,
		Buckets:  prom.Must(prom.ExponentialBuckets(0.0001, 4, 8)),
		InFlight: true,
		Sizes:    true,
		// The fake requests carry a trace ID, attached as an exemplar (shown in OpenMetrics).
		Exemplar: func(r *http.Request) []prom.Label {
			if o, ok := r.Context().Value(outcomeKey{}).(*fakeOutcome); ok {
				return []prom.Label{{Name: "trace_id", Value: o.traceID}}
			}
			return nil
		},
	}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.NewHandler(promhttp.HandlerOpts{Metrics: reg}, reg))
	mux.Handle("/", promhttp.LandingPage{
		Title:       "prom demo",
		Version:     version,
		Description: "An instrumented demo service whose metrics of every type keep moving.",
	})
	for _, r := range routes {
		mux.HandleFunc(r.Method+" "+r.Path, fakeAPI)
	}
	d.http = d.server.Middleware(mux)
}

// handler returns the demo's HTTP routes.
func (d *demo) handler() http.Handler { return d.http }

// outcomeKey is the context key of the fakeOutcome a fake request asks for.
type outcomeKey struct{}

// fakeOutcome is what the workload loop wants a fake request to produce.
type fakeOutcome struct {
	code    int
	size    int
	traceID string
}

// fakeAPI answers the fake API routes: with the outcome the workload loop put in the request's
// context, or 200 and an empty body for a request from outside.
func fakeAPI(w http.ResponseWriter, r *http.Request) {
	o, ok := r.Context().Value(outcomeKey{}).(*fakeOutcome)
	if !ok {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(o.code)
	if o.code != http.StatusNoContent {
		w.Write(make([]byte, o.size))
	}
}

// serveFake sends one fake request through the instrumented routes, without a network.
func (d *demo) serveFake(method, path string, o *fakeOutcome) {
	ctx := context.WithValue(context.Background(), outcomeKey{}, o)
	req, err := http.NewRequestWithContext(ctx, method, "http://demo"+path, nil)
	if err != nil {
		panic(fmt.Sprintf("demo: fake request %s %s: %v", method, path, err)) // a bug in routes
	}
	d.http.ServeHTTP(discardResponse{header: http.Header{}}, req)
}

// discardResponse is a ResponseWriter that forgets what it is given.
type discardResponse struct{ header http.Header }

func (d discardResponse) Header() http.Header         { return d.header }
func (d discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (d discardResponse) WriteHeader(int)             {}

// concretePath fills the {id} of a route's path with an item number.
func concretePath(path string, id int) string {
	if n := len(path); n > 5 && path[n-5:] == "/{id}" {
		return path[:n-4] + strconv.Itoa(id)
	}
	return path
}
