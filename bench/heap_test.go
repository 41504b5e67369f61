package bench

import (
	"runtime"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	cg "github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Workload 7: the heap a labelled child keeps and the time to create one. Each measurement
// creates a family, then 100,000 children of two labels whose value strings the benchmark
// builds (and counts: they are kept by the children), between two runtime.ReadMemStats after
// runtime.GC. B/child is the growth of the live heap divided by the children; ns/child is the
// time of the creating calls alone, label strings built beforehand, while the heap grows by
// 100,000 children (garbage collections included). BenchmarkChildCreate measures the same
// creation in the ordinary way, with B/op and allocs/op. Summaries are measured the
// same way with 1,000 children of three quantiles, each given 1,000 observations, because a
// summary's buffers fill as it observes.
//
// Run with -benchtime 1x: each iteration is a whole measurement.

const heapChildren = 100_000

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapCase creates children for the label pairs and returns what keeps them alive.
type heapCase func(b *testing.B, pairs [][2]string) any

var counterHeapCases = []struct {
	lib string
	f   heapCase
}{
	{libProm, func(b *testing.B, pairs [][2]string) any {
		v := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "path"}, prom.Opts{Unregistered: true}))
		for _, p := range pairs {
			v.With(p[0], p[1])
		}
		return v
	}},
	{libCG, func(b *testing.B, pairs [][2]string) any {
		v := cg.NewCounterVec(cg.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"method", "path"})
		for _, p := range pairs {
			v.WithLabelValues(p[0], p[1])
		}
		return v
	}},
	{libVM, func(b *testing.B, pairs [][2]string) any {
		// VictoriaMetrics names a series by its whole text; building it is part of creating.
		s := metrics.NewSet()
		for _, p := range pairs {
			s.NewCounter(`http_requests_total{method="` + p[0] + `",path="` + p[1] + `"}`)
		}
		return s
	}},
	{libOtel, func(b *testing.B, pairs [][2]string) any {
		mp, _ := otelSetup(b)
		c, err := mp.Meter("bench").Int64Counter("http_requests")
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pairs {
			c.Add(ctx, 1, metric.WithAttributes(attribute.String("method", p[0]), attribute.String("path", p[1])))
		}
		return mp
	}},
}

var summaryHeapCases = []struct {
	lib string
	f   heapCase
}{
	{libProm, func(b *testing.B, pairs [][2]string) any {
		v := prom.Must(prom.NewSummaryVec("latency_seconds", "Latency.", []string{"method", "path"}, prom.Opts{Unregistered: true, Objectives: objectives}))
		for _, p := range pairs {
			s := v.With(p[0], p[1])
			for _, x := range observations[:1000] {
				s.Observe(x)
			}
		}
		return v
	}},
	{libCG, func(b *testing.B, pairs [][2]string) any {
		v := cg.NewSummaryVec(cg.SummaryOpts{Name: "latency_seconds", Help: "Latency.", Objectives: objectives}, []string{"method", "path"})
		for _, p := range pairs {
			s := v.WithLabelValues(p[0], p[1])
			for _, x := range observations[:1000] {
				s.Observe(x)
			}
		}
		return v
	}},
	{libVM, func(b *testing.B, pairs [][2]string) any {
		set := metrics.NewSet()
		for _, p := range pairs {
			s := set.NewSummaryExt(`latency_seconds{method="`+p[0]+`",path="`+p[1]+`"}`, 10*time.Minute, []float64{0.5, 0.9, 0.99})
			for _, x := range observations[:1000] {
				s.Update(x)
			}
		}
		return set
	}},
}

func measureHeap(b *testing.B, n int, f heapCase, timed bool) {
	var perChild, perCreate float64
	for b.Loop() {
		b.StopTimer()
		before := liveHeap()
		pairs := make([][2]string, n)
		for i := range pairs {
			pairs[i][0], pairs[i][1] = labelPair(i)
		}
		start := time.Now()
		keep := f(b, pairs)
		elapsed := time.Since(start)
		pairs = nil
		after := liveHeap()
		runtime.KeepAlive(keep)
		perChild = (float64(after) - float64(before)) / float64(n)
		perCreate = float64(elapsed.Nanoseconds()) / float64(n)
		b.StartTimer()
	}
	b.ReportMetric(perChild, "B/child")
	if timed {
		b.ReportMetric(perCreate, "ns/child")
	}
}

func BenchmarkChildHeap(b *testing.B) {
	b.Run("counter", func(b *testing.B) {
		for _, c := range counterHeapCases {
			b.Run(c.lib, func(b *testing.B) { measureHeap(b, heapChildren, c.f, true) })
		}
	})
	b.Run("summary-3q", func(b *testing.B) {
		for _, c := range summaryHeapCases {
			b.Run(c.lib, func(b *testing.B) { measureHeap(b, 1000, c.f, false) })
		}
	})
}

// BenchmarkChildCreate creates one new two-label counter child per iteration, in families of
// heapChildren (100,000) children, as BenchmarkChildHeap does: a new family is begun every
// heapChildren children and every family is kept, so that the live heap grows with b.N as
// before. One family of b.N children would make ns/op depend on b.N, since a larger family
// has a larger index to miss the cache in and to grow: in one second b.N reaches millions.
// The label strings are built before the timer starts.
func BenchmarkChildCreate(b *testing.B) {
	pairs := make([][2]string, heapChildren)
	for i := range pairs {
		pairs[i][0], pairs[i][1] = labelPair(i)
	}
	for _, c := range counterHeapCases {
		b.Run(c.lib, func(b *testing.B) {
			var keep []any
			b.ReportAllocs()
			b.ResetTimer()
			for n := b.N; n > 0; n -= heapChildren {
				keep = append(keep, c.f(b, pairs[:min(n, heapChildren)]))
			}
			b.StopTimer()
			runtime.KeepAlive(keep)
		})
	}
}
