package bench

import (
	"context"
	"net/http"
	"strconv"
	"syscall"
	"testing"

	cg "github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/exporters/prometheus"
	sdk "go.opentelemetry.io/otel/sdk/metric"
)

// The library names, the last element of every benchmark name.
const (
	libProm = "prom"
	libCG   = "client_golang"
	libVM   = "victoria"
	libOtel = "otel"
	// Prometheus's own parsers, github.com/prometheus/prometheus/model/textparse.
	libTextparse = "textparse"
)

var ctx = context.Background()

// otelSetup returns a meter provider whose only reader is the Prometheus exporter, registered
// in a fresh client_golang registry, as a service exposing OpenTelemetry metrics to Prometheus
// does. Extra views (such as exponential histograms) may be given.
func otelSetup(tb testing.TB, views ...sdk.View) (*sdk.MeterProvider, *cg.Registry) {
	reg := cg.NewRegistry()
	exp, err := prometheus.New(prometheus.WithRegisterer(reg), prometheus.WithoutScopeInfo(), prometheus.WithoutTargetInfo())
	if err != nil {
		tb.Fatal(err)
	}
	opts := []sdk.Option{sdk.WithReader(exp), sdk.WithCardinalityLimit(0)} // no limit: the default of 2000 would fold the large workloads
	for _, v := range views {
		opts = append(opts, sdk.WithView(v))
	}
	return sdk.NewMeterProvider(opts...), reg
}

// labelPair returns the i-th pair of label values of the exposition and heap workloads: four
// methods and a path numbered i, as a busy HTTP service has. The strings are built here.
func labelPair(i int) (string, string) {
	return methods[i%len(methods)], "/api/v1/items/" + strconv.Itoa(i)
}

var methods = []string{"GET", "POST", "PUT", "DELETE"}

// discardResponse is an http.ResponseWriter that throws the body away and keeps one header map,
// cleared per request, so the handler under test is all that is measured.
type discardResponse struct {
	h    http.Header
	n    int64
	code int
}

func newDiscardResponse() *discardResponse { return &discardResponse{h: make(http.Header)} }

func (d *discardResponse) Header() http.Header         { return d.h }
func (d *discardResponse) WriteHeader(code int)        { d.code = code }
func (d *discardResponse) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }
func (d *discardResponse) reset()                      { clear(d.h); d.n, d.code = 0, 0 }

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// reportCPU runs the benchmark's loop through run and reports, beside ns/op, the CPU time
// the process spent per operation (user and system, every thread: the collector's work
// included) as cpu-ns/op. On a shared machine other processes stretch the wall time of
// whichever case runs while they are busy; CPU time moves far less, so ratios of it between
// cases of one run are the steadier figure.
func reportCPU(b *testing.B, run func()) {
	before := cpuNanos()
	run()
	if b.N > 0 {
		b.ReportMetric(float64(cpuNanos()-before)/float64(b.N), "cpu-ns/op")
	}
}

// cpuNanos returns the user and system CPU time of the process so far.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
