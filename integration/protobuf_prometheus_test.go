package integration

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// TestPrometheusIngestsProtobuf has a real Prometheus server scrape the protobuf exposition,
// as it does when native histograms are on, and queries what it stored: the counter under its
// "_total" name, a native histogram with negative, zero and positive buckets, and an empty
// native histogram.
//
// The empty one has the usual zero threshold of 2^-128: Prometheus 2.42 (Debian 12's package)
// tells native from classic histograms by their deltas and zero bucket only. The no-op span the
// writer adds for a histogram without any bucket is for later versions, which look at spans;
// TestProtobufDecodesWithClientModel checks it.
func TestPrometheusIngestsProtobuf(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) { testPrometheusIngestsProtobuf(t, ps) })
	}
}

func testPrometheusIngestsProtobuf(t *testing.T, ps promServer) {
	ps.binary(t)

	reg := prom.NewRegistry()
	jobs := prom.Must(prom.NewCounterVec("pb_jobs_total", "Jobs done.", []string{"queue"}, prom.Opts{Registry: reg}))
	jobs.With("fast").Add(5)
	native := &familiesCollector{[]*prom.Family{{
		Desc: mustDesc(t, prom.HistogramType, "pb_latency_seconds", "Native latency.", nil),
		Series: []prom.Series{{Count: 16, Sum: -0.75, Native: &prom.NativeHistogram{
			Schema: 3, ZeroThreshold: 1e-9, ZeroCount: 2,
			NegativeSpans: []prom.BucketSpan{{Offset: -5, Length: 2}, {Offset: 3, Length: 1}}, NegativeDeltas: []int64{1, 2, -2}, // 1 3 1
			PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 1}, {Offset: 20, Length: 3}}, PositiveDeltas: []int64{4, -3, 1, 0}, // 4 1 2 2
		}}},
	}, {
		Desc:   mustDesc(t, prom.HistogramType, "pb_empty_seconds", "No observation yet.", nil),
		Series: []prom.Series{{Native: &prom.NativeHistogram{Schema: 3, ZeroThreshold: 0x1p-128}}},
	}}}
	if err := reg.Register(native); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var accepts []string
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		accepts = append(accepts, r.Header.Get("Accept"))
		mu.Unlock()
		w.Header().Set("Content-Type", expfmt.ContentType(expfmt.ProtobufFormat, expfmt.Underscores))
		enc := expfmt.NewEncoder(w, expfmt.ProtobufFormat, expfmt.Underscores)
		if err := reg.Collect(r.Context(), enc); err != nil {
			enc.Abort()
			return
		}
		enc.Close()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	global, flags := ps.nativeHistograms()
	api := ps.start(t, global, fmt.Sprintf(`  - job_name: pb
    static_configs:
      - targets: [%q]
`, ln.Addr().String()), flags...)

	checks := []struct {
		query string
		want  float64
	}{
		{`pb_jobs_total{queue="fast"}`, 5},
		{`histogram_count(pb_latency_seconds)`, 16},
		{`histogram_sum(pb_latency_seconds)`, -0.75},
		{`histogram_count(pb_empty_seconds)`, 0},
	}
	for _, c := range checks {
		got, err := pollQuery(api, c.query, 30*time.Second)
		if err != nil {
			mu.Lock()
			t.Fatalf("%s: %v (%d scrapes)", c.query, err, len(accepts))
		}
		if got != c.want {
			t.Errorf("%s = %v, want %v", c.query, got, c.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(accepts) == 0 || !strings.HasPrefix(accepts[0], "application/vnd.google.protobuf") {
		t.Errorf("Prometheus did not ask for protobuf first: Accept %q", accepts)
	}
}
