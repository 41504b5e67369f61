package bench

import (
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	prompkg "github.com/prom-go/prom/promhttp"
	cg "github.com/prometheus/client_golang/prometheus"
	cghttp "github.com/prometheus/client_golang/prometheus/promhttp"
)

// Workload: the client_golang bridge. A client_golang registry holds 10,000 series with two
// labels, 9,900 counters and 100 histograms of 10 bounds (11,200 sample lines), and is scraped
// two ways:
//
//   - client_golang: its own promhttp.HandlerFor;
//   - prom: prom's promhttp.Handler over a prom registry that serves it through
//     clientgolang.Register (Gather, then each series converted into prom's writer).
//
// Both answer text 0.0.4 (no Accept header), without gzip, into a ResponseWriter that throws
// the body away. The claim: the bridge costs no more than client_golang's own handler for the
// same registry. B/op and allocs/op are per scrape; cpu-ns/op is the CPU time of the whole
// process (garbage collection included) per scrape, which a loaded machine disturbs less than
// the wall-clock ns/op.

const bridgeCounters, bridgeHistograms = 9_900, 100

func bridgeRegistry() *cg.Registry {
	r := cg.NewRegistry()
	c := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "HTTP requests handled."}, []string{"method", "path"})
	h := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_duration_seconds", Help: "Request latency.", Buckets: histBounds}, []string{"method", "path"})
	r.MustRegister(c, h)
	for i := range bridgeCounters {
		c.WithLabelValues(labelPair(i)).Add(float64(i * 7))
	}
	for i := range bridgeHistograms {
		o := h.WithLabelValues(labelPair(i))
		for _, x := range observations[:20] {
			o.Observe(x / 2)
		}
	}
	return r
}

func BenchmarkBridge(b *testing.B) {
	src := bridgeRegistry()
	pr := prom.NewRegistry()
	pr.SetCreatedSeries(false) // as client_golang's text: no "_created" lines
	if _, err := clientgolang.Register(pr, src); err != nil {
		b.Fatal(err)
	}
	for _, lib := range []struct {
		name string
		h    http.Handler
	}{
		{libCG, cghttp.HandlerFor(src, cghttp.HandlerOpts{})},
		{libProm, prompkg.Handler(pr)},
	} {
		b.Run("series=10k/"+lib.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			w := newDiscardResponse()
			lib.h.ServeHTTP(w, req)
			if w.code != 0 && w.code != http.StatusOK {
				b.Fatalf("status %d", w.code)
			}
			size := w.n
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				w.reset()
				lib.h.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(size), "bytes/scrape")
		})
	}
}

// processCPU returns the user and system CPU time of the process so far, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
