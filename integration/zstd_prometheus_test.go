package integration

// zstd: Prometheus 3 with its zstd-scrape feature flag asks for "zstd,gzip"; a program that
// imports github.com/prom-go/prom/zstd answers with zstd, and Prometheus stores what it sent.

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
	_ "github.com/prom-go/prom/zstd" // registers the zstd coding with promhttp
)

// TestPrometheus3ZstdScrape has Prometheus 3, run with --enable-feature=zstd-scrape, scrape a
// registry of 200 labelled counters: the handler must answer its Accept-Encoding with a zstd
// body, which Prometheus decodes with its own decoder (a window of at most 8 MiB) and stores
// every series of, with its value.
func TestPrometheus3ZstdScrape(t *testing.T) {
	prometheus3.binary(t)
	reg := prom.NewRegistry()
	c := prom.Must(prom.NewCounterVec("zstd_requests_total", "Requests.", []string{"path"}, prom.Opts{Registry: reg}))
	want := map[string]float64{}
	for i := range 200 {
		p := "/items/" + strconv.Itoa(i)
		c.With(p).Add(float64(i))
		want[`zstd_requests_total{path="`+p+`"}`] = float64(i)
	}

	var (
		mu       sync.Mutex
		accepted string // Accept-Encoding of the last scrape
		encoding string // Content-Encoding of its answer
	)
	h := promhttp.NewHandler(promhttp.HandlerOpts{}, reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		mu.Lock()
		accepted, encoding = r.Header.Get("Accept-Encoding"), w.Header().Get("Content-Encoding")
		mu.Unlock()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	api := prometheus3.start(t, "", job("zstd", ln.Addr().String(), ""), "--enable-feature=zstd-scrape")
	got := pollSeries(t, api, `zstd_requests_total{job="zstd"}`, len(want))
	for i := range got {
		delete(got[i].Metric, "job")
		delete(got[i].Metric, "instance")
	}
	compareSeries(t, "zstd scrape", got, want)
	mu.Lock()
	defer mu.Unlock()
	if encoding != "zstd" {
		t.Errorf("Prometheus asked with Accept-Encoding %q and was answered with Content-Encoding %q, want zstd", accepted, encoding)
	}
}
