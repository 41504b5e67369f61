package bench

import (
	"net/http"
	"testing"

	// Each library offers zstd once its zstd package is linked: prom's nested module,
	// client_golang's promhttp/zstd (v1.22 and later). Both use klauspost/compress.
	_ "github.com/prom-go/prom/zstd"
	_ "github.com/prometheus/client_golang/prometheus/promhttp/zstd"
)

// Workload 11: a compressed scrape. Each library holds N counter series with two labels, as in
// the exposition workload, and its real HTTP handler answers a request that accepts one
// content coding: gzip, or zstd where the library offers it. body-B/series is the compressed
// body per series, what the network carries; ns/series and cpu-ns/series the time of a scrape
// per series, wall and process CPU (the steadier figure on a shared machine). prom compresses gzip at gzip.BestSpeed, client_golang at
// gzip's default level. Both compress zstd with klauspost/compress at SpeedFastest; prom keeps
// its encoders between scrapes, client_golang's promhttp/zstd builds a new one every scrape.
// -short runs the 10k case only.
func BenchmarkScrapeCompressed(b *testing.B) {
	for _, c := range []exposeCase{{"series=10k", 10_000, false, true}, {"series=50k", 50_000, false, false}} {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && !c.short {
				b.Skip("large scrape skipped in -short mode")
			}
			for _, coding := range []string{"gzip", "zstd"} {
				b.Run(coding, func(b *testing.B) {
					for _, ex := range exposers[:2] { // prom and client_golang
						b.Run(ex.lib, func(b *testing.B) {
							e := ex.new(b, c)
							req, _ := http.NewRequest("GET", "/metrics", nil)
							req.Header.Set("Accept-Encoding", coding)
							w := newDiscardResponse()
							e.handler.ServeHTTP(w, req)
							if got := w.h.Get("Content-Encoding"); got != coding {
								b.Skipf("%s answers Accept-Encoding: %s with Content-Encoding %q", ex.lib, coding, got)
							}
							b.ReportAllocs()
							reportCPUPer(b, c.series, "cpu-ns/series", func() {
								for b.Loop() {
									w.reset()
									e.handler.ServeHTTP(w, req)
								}
							})
							b.ReportMetric(float64(w.n)/float64(c.series), "body-B/series")
							perSeries(b, c.series)
						})
					}
				})
			}
		})
	}
}
