package otlp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
)

// collector stands in for an OpenTelemetry Collector: it prints the request line of each
// push, its Content-Type and tenant header, and whether the body holds the counter.
func collector() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		text, _ := dump(body)
		fmt.Println(r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Scope-OrgID"), containsLine(text, `name: "http_requests"`))
	}))
}

// Pushing a registry once, as a batch job does when it ends.
func ExampleExporter() {
	srv := collector()
	defer srv.Close()

	reg := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests handled.", []string{"method"}, prom.Opts{Registry: reg}))
	requests.With("GET").Inc()

	e, err := otlp.New(reg, otlp.Options{
		URL:      srv.URL,  // "/v1/metrics" is added to a URL without a path
		Tenant:   "team-a", // sent as X-Scope-OrgID
		Resource: map[string]string{"service.name": "checkout", "service.instance.id": "checkout-1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := e.Push(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// POST /v1/metrics application/x-protobuf team-a true
}

// Pushing every 15 seconds in the background, and a last time when the service stops.
func ExampleExporter_Close() {
	srv := collector()
	defer srv.Close()

	reg := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests handled.", []string{"method"}, prom.Opts{Registry: reg}))
	e, err := otlp.New(reg, otlp.Options{
		URL:      srv.URL + "/v1/metrics",
		Interval: 15 * time.Second,
		OnError:  func(err error) { fmt.Println("push failed:", err) },
		Resource: map[string]string{"service.name": "checkout"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	requests.With("GET").Inc()

	// At shutdown: stop the pushes and send the final state.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// POST /v1/metrics application/x-protobuf  true
}
