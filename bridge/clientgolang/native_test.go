package clientgolang_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
)

// TestNativeHistogramPrometheus has a real Prometheus, 2.42 and 3, ingest a client_golang
// native histogram served through the bridge (Prometheus asks for protobuf when native
// histograms are on) and read it back as a native histogram with the count and sum observed.
func TestNativeHistogramPrometheus(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t)
			cg := prometheus.NewRegistry()
			h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "bridged_native_seconds", Help: "A native histogram.", NativeHistogramBucketFactor: 1.1})
			cg.MustRegister(h)
			for _, v := range []float64{0.001, 0.01, 0.1, 1, 10, -2} {
				h.Observe(v)
			}
			r := prom.NewRegistry()
			if _, err := clientgolang.Register(r, cg); err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			hs := &http.Server{Handler: prompromhttp.Handler(r), ReadHeaderTimeout: 10 * time.Second}
			go hs.Serve(ln)
			t.Cleanup(func() { hs.Close() })
			base := ps.start(t, "native", ln.Addr().String(), true)

			// Bounded at two minutes; the server scrapes every second.
			deadline := time.Now().Add(2 * time.Minute)
			for {
				var res struct {
					Data struct {
						Result []struct {
							Histogram []any `json:"histogram"`
						} `json:"result"`
					} `json:"data"`
				}
				apiGet(t, base+"/api/v1/query?query="+url.QueryEscape(`bridged_native_seconds{job="native"}`), &res)
				if rs := res.Data.Result; len(rs) == 1 && len(rs[0].Histogram) == 2 {
					hist, _ := rs[0].Histogram[1].(map[string]any)
					if hist["count"] != "6" || hist["sum"] != strconv.FormatFloat(0.001+0.01+0.1+1+10-2, 'g', -1, 64) {
						t.Fatalf("stored histogram %v; want count 6 and the sum observed", hist)
					}
					buckets, _ := hist["buckets"].([]any)
					if len(buckets) < 5 {
						t.Errorf("stored histogram has %d buckets; want one per observation", len(buckets))
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("after two minutes no native histogram is stored (last answer %+v); target: %s", res, targetHealth(t, base))
				}
				time.Sleep(500 * time.Millisecond)
			}
		})
	}
}
