package clientgolang_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	acceptText  = "text/plain;version=0.0.4"
	acceptProto = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"
)

var created = time.Unix(1700000000, 123456789)

// cases are client_golang registries, each built by a function, whose exposition through the
// bridge must equal client_golang's own.
var cases = []struct {
	name  string
	build func(t *testing.T, r *prometheus.Registry)
}{
	{"counter with labels and exemplar", func(t *testing.T, r *prometheus.Registry) {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"method", "code"})
		r.MustRegister(c)
		c.WithLabelValues("GET", "200").Add(3)
		c.WithLabelValues("POST", "500").(prometheus.ExemplarAdder).AddWithExemplar(2, prometheus.Labels{"trace_id": "4bf92f"})
	}},
	{"gauge with const labels", func(t *testing.T, r *prometheus.Registry) {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "queue_length", Help: "Items queued.", ConstLabels: prometheus.Labels{"zone": "eu", "app": "x"}}, []string{"queue"})
		r.MustRegister(g)
		g.WithLabelValues("a").Set(-1.5)
		g.WithLabelValues("b").Set(math.Inf(1))
	}},
	{"same name, different const labels", func(t *testing.T, r *prometheus.Registry) {
		for _, shard := range []string{"1", "2"} {
			c := prometheus.NewCounter(prometheus.CounterOpts{Name: "shard_ops_total", Help: "Ops.", ConstLabels: prometheus.Labels{"shard": shard}})
			prometheus.WrapRegistererWith(nil, r).MustRegister(c)
			c.Add(float64(len(shard)) + 1)
		}
	}},
	{"legacy counter without _total", func(t *testing.T, r *prometheus.Registry) {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: "legacy_requests", Help: "Old name."})
		r.MustRegister(c)
		c.Add(7)
	}},
	{"gauge x beside counter x_total", func(t *testing.T, r *prometheus.Registry) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mem_alloc_bytes", Help: "Bytes allocated and in use."})
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: "mem_alloc_bytes_total", Help: "Bytes allocated, even if freed."})
		r.MustRegister(g, c)
		g.Set(100)
		c.Add(1000)
	}},
	{"untyped and gauge funcs", func(t *testing.T, r *prometheus.Registry) {
		r.MustRegister(prometheus.NewUntypedFunc(prometheus.UntypedOpts{Name: "legacy_value", Help: "Untyped."}, func() float64 { return 42 }))
		r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "answer", Help: "The answer."}, func() float64 { return 0.1 }))
	}},
	{"summary", func(t *testing.T, r *prometheus.Registry) {
		s := prometheus.NewSummaryVec(prometheus.SummaryOpts{Name: "rpc_seconds", Help: "RPC latency.", Objectives: map[float64]float64{0.5: 0.05, 0.99: 0.001}}, []string{"service"})
		r.MustRegister(s)
		for i := range 100 {
			s.WithLabelValues("a").Observe(float64(i) / 100)
		}
		s.WithLabelValues("empty") // quantiles NaN
	}},
	{"classic histogram with exemplars", func(t *testing.T, r *prometheus.Registry) {
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "latency_seconds", Help: "Latency.", Buckets: []float64{0.1, 0.5, 1}})
		r.MustRegister(h)
		h.Observe(0.05)
		h.(prometheus.ExemplarObserver).ObserveWithExemplar(0.7, prometheus.Labels{"trace_id": "abc"})
		h.Observe(3)
	}},
	{"native histogram", func(t *testing.T, r *prometheus.Registry) {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "native_seconds", Help: "Native.", NativeHistogramBucketFactor: 1.1, NativeHistogramZeroThreshold: 1e-6}, []string{"op"})
		r.MustRegister(h)
		for _, v := range []float64{0, 0.001, 0.2, 0.21, 5, -3} {
			h.WithLabelValues("read").Observe(v)
		}
		h.WithLabelValues("idle") // no observation: the no-op span
	}},
	{"native and classic histogram", func(t *testing.T, r *prometheus.Registry) {
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "both_seconds", Help: "Both.", Buckets: []float64{1, 2}, NativeHistogramBucketFactor: 2})
		r.MustRegister(h)
		h.Observe(1.5)
		h.(prometheus.ExemplarObserver).ObserveWithExemplar(0.5, prometheus.Labels{"trace_id": "n1"})
	}},
	{"created timestamps and timestamps", func(t *testing.T, r *prometheus.Registry) {
		d := prometheus.NewDesc("jobs_total", "Jobs.", []string{"kind"}, nil)
		hd := prometheus.NewDesc("job_seconds", "Job time.", nil, nil)
		sd := prometheus.NewDesc("job_size_bytes", "Job size.", nil, nil)
		gd := prometheus.NewDesc("last_run", "Last run.", nil, nil)
		r.MustRegister(collectorFunc(func(ch chan<- prometheus.Metric) {
			ch <- prometheus.MustNewConstMetricWithCreatedTimestamp(d, prometheus.CounterValue, 5, created, "batch")
			ch <- prometheus.MustNewConstHistogramWithCreatedTimestamp(hd, 3, 4.5, map[float64]uint64{1: 1, 2: 2}, created)
			ch <- prometheus.MustNewConstSummaryWithCreatedTimestamp(sd, 2, 300, map[float64]float64{0.5: 100}, created)
			ch <- prometheus.NewMetricWithTimestamp(created, prometheus.MustNewConstMetric(gd, prometheus.GaugeValue, 1))
		}))
	}},
	{"float native histogram", func(t *testing.T, r *prometheus.Registry) {
		d := prometheus.NewDesc("scaled_seconds", "A float histogram.", nil, nil)
		r.MustRegister(collectorFunc(func(ch chan<- prometheus.Metric) {
			ch <- rawMetric{d, &dto.Metric{Histogram: &dto.Histogram{
				SampleCountFloat: proto.Float64(2.5), SampleSum: proto.Float64(7),
				Schema: proto.Int32(0), ZeroThreshold: proto.Float64(1e-9), ZeroCountFloat: proto.Float64(0.5),
				PositiveSpan:  []*dto.BucketSpan{{Offset: proto.Int32(1), Length: proto.Uint32(2)}},
				PositiveCount: []float64{1.25, 0.75},
			}}}
		}))
	}},
	{"escaped label values and help", func(t *testing.T, r *prometheus.Registry) {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "odd_values", Help: "Help with \\ and\nnewline."}, []string{"v"})
		r.MustRegister(g)
		g.WithLabelValues("quote\" back\\slash\nnl").Set(1)
		g.WithLabelValues("ünïcödé").Set(2)
	}},
	{"standard collectors", func(t *testing.T, r *prometheus.Registry) {
		r.MustRegister(constGoLike())
	}},
}

// constGoLike is a fixed copy of families of client_golang's Go collector, whose live values
// change between two scrapes: the gauge beside its counter, and a summary.
func constGoLike() prometheus.Collector {
	a := prometheus.NewDesc("go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use.", nil, nil)
	at := prometheus.NewDesc("go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already.", nil, nil)
	gc := prometheus.NewDesc("go_gc_duration_seconds", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", nil, nil)
	info := prometheus.NewDesc("go_info", "Information about the Go environment.", nil, prometheus.Labels{"version": "go1.26"})
	return collectorFunc(func(ch chan<- prometheus.Metric) {
		ch <- prometheus.MustNewConstMetric(a, prometheus.GaugeValue, 1234)
		ch <- prometheus.MustNewConstMetric(at, prometheus.CounterValue, 98765)
		ch <- prometheus.MustNewConstSummary(gc, 3, 0.002, map[float64]float64{0: 0.0001, 0.25: 0.0002, 1: 0.001})
		ch <- prometheus.MustNewConstMetric(info, prometheus.GaugeValue, 1)
	})
}

// collectorFunc is an unchecked client_golang collector.
type collectorFunc func(chan<- prometheus.Metric)

func (f collectorFunc) Describe(chan<- *prometheus.Desc)    {}
func (f collectorFunc) Collect(ch chan<- prometheus.Metric) { f(ch) }

// rawMetric is a client_golang metric written as given.
type rawMetric struct {
	d *prometheus.Desc
	m *dto.Metric
}

func (m rawMetric) Desc() *prometheus.Desc { return m.d }
func (m rawMetric) Write(out *dto.Metric) error {
	out.Histogram, out.Label = m.m.Histogram, m.m.Label
	return nil
}

// scrape serves h one request with the Accept header and returns the body, failing unless the
// status is 200.
func scrape(t *testing.T, h http.Handler, accept string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", accept)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("Accept %s: status %d\n%s", accept, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// bridged returns prom's handler over a new prom registry serving g through the bridge, with
// the "_created" samples (and protobuf created timestamps) on or off.
func bridged(t *testing.T, g prometheus.Gatherer, createdOn bool) http.Handler {
	t.Helper()
	r := prom.NewRegistry()
	r.SetCreatedSeries(createdOn)
	if _, err := clientgolang.Register(r, g); err != nil {
		t.Fatal(err)
	}
	return prompromhttp.NewHandler(prompromhttp.HandlerOpts{ErrorHandling: prompromhttp.PanicOnError}, r)
}

// decodeProto reads a delimited protobuf exposition with client_golang's own decoder.
func decodeProto(t *testing.T, b []byte) []*dto.MetricFamily {
	t.Helper()
	dec := expfmt.NewDecoder(bytes.NewReader(b), expfmt.NewFormat(expfmt.TypeProtoDelim))
	var out []*dto.MetricFamily
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("decoding protobuf: %v", err)
		}
		out = append(out, mf)
	}
}

// TestSameExposition holds the bridge against client_golang's own handler: for each registry,
// the text and protobuf expositions of prom's handler through the bridge, parsed with
// client_golang's own parser and decoder, are client_golang's.
func TestSameExposition(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			c.build(t, reg)
			// A fixed snapshot, so that both handlers serve the same values.
			snap, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return snap, nil })
			theirs := promhttp.HandlerFor(g, promhttp.HandlerOpts{})
			opts := []cmp.Option{protocmp.Transform(), cmpopts.EquateNaNs()}

			want := parseText(t, scrape(t, theirs, acceptText))
			got := parseText(t, scrape(t, bridged(t, g, false), acceptText))
			if d := cmp.Diff(want, got, opts...); d != "" {
				t.Errorf("text differs (-client_golang +bridge):\n%s", d)
			}

			want = decodeProto(t, scrape(t, theirs, acceptProto))
			got = normalize(decodeProto(t, scrape(t, bridged(t, g, true), acceptProto)))
			if d := cmp.Diff(want, got, opts...); d != "" {
				t.Errorf("protobuf differs (-client_golang +bridge):\n%s", d)
			}
		})
	}
}

// parseText reads a text exposition with client_golang's own parser, into families sorted by
// name.
func parseText(t *testing.T, b []byte) []*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	m, err := p.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parsing text: %v\n%s", err, b)
	}
	out := make([]*dto.MetricFamily, 0, len(m))
	for _, mf := range m {
		out = append(out, mf)
	}
	slices.SortFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out
}

// normalize removes from prom's protobuf exposition what prom's writer sends and
// client_golang's leaves implicit, which Prometheus reads the same: the explicit +Inf bucket of
// a classic histogram (it is the count), and the no-op span of a native histogram without
// buckets when its zero threshold already marks it native.
func normalize(fams []*dto.MetricFamily) []*dto.MetricFamily {
	for _, mf := range fams {
		for _, m := range mf.Metric {
			h := m.Histogram
			if n := len(h.GetBucket()); n > 0 && math.IsInf(h.Bucket[n-1].GetUpperBound(), 1) {
				h.Bucket = h.Bucket[:n-1]
			}
			if sp := h.GetPositiveSpan(); len(sp) == 1 && sp[0].GetLength() == 0 && h.GetZeroThreshold() != 0 {
				h.PositiveSpan = nil
			}
		}
	}
	return fams
}
