package clientgolang_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// textOf collects r in the text format.
func textOf(t *testing.T, r *prom.Registry, names ...string) (string, error) {
	t.Helper()
	var b strings.Builder
	enc := newTextEncoder(&b)
	err := r.Collect(context.Background(), enc, names...)
	enc.Close()
	return b.String(), err
}

// TestGatherError checks that a Gather error is an error of the collection, as in
// client_golang's handler, and that the families gathered anyway are written.
func TestGatherError(t *testing.T) {
	boom := errors.New("boom")
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		return []*dto.MetricFamily{{
			Name: proto.String("partial"), Help: proto.String("Gathered anyway."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: proto.Float64(1)}}},
		}}, boom
	})
	r := prom.NewRegistry()
	r.SetErrorHandler(func(error) {})
	must(clientgolang.Register(r, g))
	out, err := textOf(t, r)
	if !errors.Is(err, boom) {
		t.Errorf("collection error %v; want one wrapping %v", err, boom)
	}
	if !strings.Contains(out, "partial 1\n") {
		t.Errorf("the family gathered anyway is missing:\n%s", out)
	}
}

// TestMalformedGather checks what a Gatherer that breaks client_golang's own rules gets: a
// family of a type prom does not know is left out and counted, a metric without a value of
// its family's type is skipped, and the rest is written.
func TestMalformedGather(t *testing.T) {
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		return []*dto.MetricFamily{
			{Name: proto.String("strange"), Type: dto.MetricType(42).Enum(), Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: proto.Float64(1)}}}},
			{Name: proto.String("mixed_total"), Type: dto.MetricType_COUNTER.Enum(), Metric: []*dto.Metric{
				{Gauge: &dto.Gauge{Value: proto.Float64(5)}, Label: []*dto.LabelPair{{Name: proto.String("k"), Value: proto.String("gauge")}}},
				{Counter: &dto.Counter{Value: proto.Float64(6)}, Label: []*dto.LabelPair{{Name: proto.String("k"), Value: proto.String("counter")}}},
			}},
		}, nil
	})
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	c := must(clientgolang.Register(r, g))
	out, err := textOf(t, r)
	if err != nil {
		t.Fatal(err)
	}
	want := "# TYPE mixed_total counter\nmixed_total{k=\"counter\"} 6\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if c.Dropped() != 1 {
		t.Errorf("Dropped() = %d; want 1 (the family of unknown type)", c.Dropped())
	}
}

// TestNameFilter checks that a collection asking for some names gets only those families of
// the bridge.
func TestNameFilter(t *testing.T) {
	cg := prometheus.NewRegistry()
	a := prometheus.NewCounter(prometheus.CounterOpts{Name: "a_total", Help: "A."})
	b := prometheus.NewGauge(prometheus.GaugeOpts{Name: "b", Help: "B."})
	cg.MustRegister(a, b)
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	must(clientgolang.Register(r, cg))
	out, err := textOf(t, r, "a_total")
	if err != nil {
		t.Fatal(err)
	}
	if out != "# HELP a_total A.\n# TYPE a_total counter\na_total 0\n" {
		t.Errorf("filtered on a_total, got:\n%s", out)
	}
}

// TestRegistererUnregister checks that a Registerer's registrations come and go in the prom
// registry with client_golang's Register and Unregister, and that unregistering its Collector
// from the prom registry stops serving them.
func TestRegistererUnregister(t *testing.T) {
	r := prom.NewRegistry()
	reg := must(clientgolang.NewRegisterer(r))
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "lib_gauge", Help: "A library's gauge."})
	reg.MustRegister(g)
	if out, _ := textOf(t, r); !strings.Contains(out, "lib_gauge 0") {
		t.Errorf("registered gauge missing:\n%s", out)
	}
	if !reg.Unregister(g) {
		t.Fatal("Unregister reported false")
	}
	if out, _ := textOf(t, r); strings.Contains(out, "lib_gauge") {
		t.Errorf("unregistered gauge still served:\n%s", out)
	}
	reg.MustRegister(g)
	if !r.Unregister(reg.Collector()) {
		t.Fatal("prom's Unregister of the bridge reported false")
	}
	if out, _ := textOf(t, r); strings.Contains(out, "lib_gauge") {
		t.Errorf("served after the bridge left the registry:\n%s", out)
	}
}

// TestConcurrentCollections runs collections of a bridge at once, for -race: the Collector
// keeps no state per collection but its pooled scratch space.
func TestConcurrentCollections(t *testing.T) {
	cg := prometheus.NewRegistry()
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "h_seconds", Help: "H.", NativeHistogramBucketFactor: 1.1}, []string{"k"})
	cg.MustRegister(h)
	r := prom.NewRegistry()
	promStandard(t, r)
	must(clientgolang.Register(r, cg))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 20 {
				h.WithLabelValues(string(rune('a' + i))).Observe(float64(j))
				if _, err := textOf(t, r); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestGaugeHistogram checks a gauge histogram, which only a hand-made Gatherer can give
// (client_golang's registry makes every histogram a HISTOGRAM): the bridge's protobuf
// exposition decodes to client_golang's.
func TestGaugeHistogram(t *testing.T) {
	snap := []*dto.MetricFamily{{
		Name: proto.String("queue_wait_seconds"), Help: proto.String("Wait of the items queued now."),
		Type: dto.MetricType_GAUGE_HISTOGRAM.Enum(),
		Metric: []*dto.Metric{{
			Label: []*dto.LabelPair{{Name: proto.String("queue"), Value: proto.String("q1")}},
			Histogram: &dto.Histogram{
				SampleCount: proto.Uint64(4), SampleSum: proto.Float64(9),
				Bucket: []*dto.Bucket{{UpperBound: proto.Float64(1), CumulativeCount: proto.Uint64(1)}, {UpperBound: proto.Float64(5), CumulativeCount: proto.Uint64(3)}},
			},
		}},
	}}
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return snap, nil })
	want := decodeProto(t, scrape(t, promhttp.HandlerFor(g, promhttp.HandlerOpts{}), acceptProto))
	got := normalize(decodeProto(t, scrape(t, bridged(t, g, true), acceptProto)))
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" {
		t.Errorf("protobuf differs (-client_golang +bridge):\n%s", d)
	}
}
