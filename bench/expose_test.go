package bench

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	prompkg "github.com/prom-go/prom/promhttp"
	cg "github.com/prometheus/client_golang/prometheus"
	cghttp "github.com/prometheus/client_golang/prometheus/promhttp"
	cgexp "github.com/prometheus/common/expfmt"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Workload 6: exposition. Each library holds N counter series with two labels (method and
// path), or 1,000 histograms of 10 bounds, and writes them in the Prometheus text format 0.0.4:
//
//   - discard: straight to io.Discard through the library's own writer;
//   - http: through the library's real HTTP handler, called with a request that sends no Accept
//     header (so every library answers text 0.0.4), into a ResponseWriter that throws the
//     body away;
//   - http-gzip: the same with Accept-Encoding: gzip.
//
// ns/series is the time of one scrape divided by the number of series; B/op and allocs/op are
// per scrape. VictoriaMetrics has no HTTP handler: its documented one is a func calling
// WritePrometheus, and for gzip the benchmark wraps it in a pooled gzip.Writer as a careful
// user would. OpenTelemetry is served by its Prometheus exporter through client_golang's
// handler. VictoriaMetrics' histograms are its own log-bucket kind (vmrange), so their line
// count differs from the 12 lines of the others.

type exposer struct {
	write   func(w io.Writer) error
	handler http.Handler
}

type exposeCase struct {
	name      string
	series    int
	histogram bool
	short     bool // run in -short mode too
}

var exposeCases = []exposeCase{
	{"counters=1k", 1_000, false, true},
	{"counters=10k", 10_000, false, true},
	{"counters=100k", 100_000, false, false},
	{"counters=1M", 1_000_000, false, false},
	{"histograms=1k", 1_000, true, true},
}

var histBounds = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

var exposers = []struct {
	lib string
	new func(b *testing.B, c exposeCase) exposer
}{
	{libProm, func(b *testing.B, c exposeCase) exposer {
		r := prom.NewRegistry()
		o := prom.Opts{Registry: r}
		if c.histogram {
			o.Buckets = histBounds
			v := prom.Must(prom.NewHistogramVec("http_request_duration_seconds", "Request latency.", []string{"method", "path"}, o))
			for i := 0; i < c.series; i++ {
				h := v.With(labelPair(i))
				for _, x := range observations[:20] {
					h.Observe(x / 2)
				}
			}
		} else {
			v := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.", []string{"method", "path"}, o))
			for i := 0; i < c.series; i++ {
				v.With(labelPair(i)).Add(float64(i * 7))
			}
		}
		return exposer{
			write: func(w io.Writer) error {
				enc := expfmt.NewEncoder(w, expfmt.TextFormat, expfmt.Underscores)
				if err := r.Collect(ctx, enc); err != nil {
					enc.Abort()
					return err
				}
				return enc.Close()
			},
			handler: prompkg.Handler(r),
		}
	}},
	{libCG, func(b *testing.B, c exposeCase) exposer {
		r := cg.NewRegistry()
		if c.histogram {
			v := cg.NewHistogramVec(cg.HistogramOpts{Name: "http_request_duration_seconds", Help: "Request latency.", Buckets: histBounds}, []string{"method", "path"})
			r.MustRegister(v)
			for i := 0; i < c.series; i++ {
				h := v.WithLabelValues(labelPair(i))
				for _, x := range observations[:20] {
					h.Observe(x / 2)
				}
			}
		} else {
			v := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "HTTP requests handled."}, []string{"method", "path"})
			r.MustRegister(v)
			for i := 0; i < c.series; i++ {
				v.WithLabelValues(labelPair(i)).Add(float64(i * 7))
			}
		}
		return cgExposer(r)
	}},
	{libVM, func(b *testing.B, c exposeCase) exposer {
		s := metrics.NewSet()
		for i := 0; i < c.series; i++ {
			m, p := labelPair(i)
			lbl := `{method="` + m + `",path="` + p + `"}`
			if c.histogram {
				h := s.NewHistogram("http_request_duration_seconds" + lbl)
				for _, x := range observations[:20] {
					h.Update(x / 2)
				}
			} else {
				s.NewCounter("http_requests_total" + lbl).Set(uint64(i * 7))
			}
		}
		return exposer{
			write: func(w io.Writer) error { s.WritePrometheus(w); return nil },
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
				if r.Header.Get("Accept-Encoding") == "gzip" {
					w.Header().Set("Content-Encoding", "gzip")
					z := gzipPool.Get().(*gzip.Writer)
					z.Reset(w)
					s.WritePrometheus(z)
					z.Close()
					gzipPool.Put(z)
					return
				}
				s.WritePrometheus(w)
			}),
		}
	}},
	{libOtel, func(b *testing.B, c exposeCase) exposer {
		mp, r := otelSetup(b)
		m := mp.Meter("bench")
		if c.histogram {
			h, err := m.Float64Histogram("http_request_duration", metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(histBounds...))
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < c.series; i++ {
				meth, p := labelPair(i)
				o := metric.WithAttributes(attribute.String("method", meth), attribute.String("path", p))
				for _, x := range observations[:20] {
					h.Record(ctx, x/2, o)
				}
			}
		} else {
			ctr, err := m.Int64Counter("http_requests")
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < c.series; i++ {
				meth, p := labelPair(i)
				ctr.Add(ctx, int64(i*7), metric.WithAttributes(attribute.String("method", meth), attribute.String("path", p)))
			}
		}
		return cgExposer(r)
	}},
}

var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// cgExposer serves a client_golang registry: Gather and the text encoder of prometheus/common,
// and promhttp.HandlerFor.
func cgExposer(r *cg.Registry) exposer {
	return exposer{
		write: func(w io.Writer) error {
			mfs, err := r.Gather()
			if err != nil {
				return err
			}
			enc := cgexp.NewEncoder(w, cgexp.NewFormat(cgexp.TypeTextPlain))
			for _, mf := range mfs {
				if err := enc.Encode(mf); err != nil {
					return err
				}
			}
			return nil
		},
		handler: cghttp.HandlerFor(r, cghttp.HandlerOpts{}),
	}
}

func BenchmarkExpose(b *testing.B) {
	for _, c := range exposeCases {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && !c.short {
				b.Skip("large exposition skipped in -short mode")
			}
			for _, ex := range exposers {
				b.Run(ex.lib, func(b *testing.B) {
					e := ex.new(b, c)
					var cw countWriter
					if err := e.write(&cw); err != nil {
						b.Fatal(err)
					}
					b.Run("discard", func(b *testing.B) {
						b.SetBytes(cw.n)
						b.ReportAllocs()
						for b.Loop() {
							if err := e.write(io.Discard); err != nil {
								b.Fatal(err)
							}
						}
						perSeries(b, c.series)
					})
					for _, gz := range []bool{false, true} {
						name := "http"
						req, _ := http.NewRequest("GET", "/metrics", nil)
						if gz {
							name = "http-gzip"
							req.Header.Set("Accept-Encoding", "gzip")
						}
						b.Run(name, func(b *testing.B) {
							w := newDiscardResponse()
							b.ReportAllocs()
							for b.Loop() {
								w.reset()
								e.handler.ServeHTTP(w, req)
								if w.code != 0 && w.code != http.StatusOK {
									b.Fatalf("status %d", w.code)
								}
							}
							b.ReportMetric(float64(w.n), "body-B")
							perSeries(b, c.series)
						})
					}
				})
			}
		})
	}
}

func perSeries(b *testing.B, series int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(series), "ns/series")
}

var _ = strconv.Itoa
