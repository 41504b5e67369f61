package remote_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/remote"
)

// A batch job pushes its metrics once, when it ends: Close makes the push.
func Example() {
	// A stand-in receiver; in production, the URL of Prometheus, Mimir, VictoriaMetrics...
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Println(r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"), r.Header.Get("X-Scope-OrgID"))
	}))
	defer srv.Close()

	reg := prom.NewRegistry()
	rows := prom.Must(prom.NewCounter("rows_processed_total", "Rows the job processed.", prom.Opts{Registry: reg}))
	rows.Add(1234)

	c, err := remote.New(srv.URL+"/api/v1/write", remote.Options{
		Version:        remote.V1,
		Registries:     []*prom.Registry{reg},
		Tenant:         "batch",
		ExternalLabels: map[string]string{"job": "nightly-import"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Close(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println("samples sent:", c.Stats().Samples)
	// Output:
	// application/x-protobuf snappy batch
	// samples sent: 1
}

// A service pushes every 15 seconds, negotiating the version, and reports failed pushes.
func ExampleNew_periodic() {
	self := prom.NewRegistry() // where the client's own metrics go, to be scraped or pushed
	c, err := remote.New("http://prometheus:9090/api/v1/write", remote.Options{
		Interval: 15 * time.Second,
		OnError:  func(err error) { /* log it */ },
		Metrics:  self,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close(context.Background())
}
