package bench

import (
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	cg "github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Workload 2: look up the child of two labels and Inc it, by position, by map and by a typed
// struct, uncontended (BenchmarkLabels) and with every goroutine on one child
// (BenchmarkLabelsShared, run at -cpu 1,2). Ten children exist, so the lookup is a real one.
//
// The peers do what their users do: client_golang WithLabelValues and With(Labels);
// VictoriaMetrics GetOrCreateCounter with the whole series name as a constant string (its only
// way, and its best case: nothing is formatted); OpenTelemetry Add with two attributes built
// per call (positional) or a prebuilt attribute set (typed, its closest equivalent).

type route struct{ Method, Code string }

type labelOps struct {
	positional, mapped, typed func()
}

func labelCases(b *testing.B) map[string]labelOps {
	codes := []string{"200", "201", "204", "301", "302", "400", "401", "403", "404", "500"}
	ops := map[string]labelOps{}

	pv := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"method", "code"}, prom.Opts{Unregistered: true}))
	pt := prom.Must(prom.NewCounterOf[route]("requests_total", "Requests.", prom.Opts{Unregistered: true}))
	for _, c := range codes {
		pv.With("GET", c)
		pt.With(route{"GET", c})
	}
	pm := map[string]string{"method": "GET", "code": "404"}
	ops[libProm] = labelOps{
		positional: func() { pv.With("GET", "404").Inc() },
		mapped:     func() { pv.WithMap(pm).Inc() },
		typed:      func() { pt.With(route{"GET", "404"}).Inc() },
	}

	cv := cg.NewCounterVec(cg.CounterOpts{Name: "requests_total", Help: "Requests."}, []string{"method", "code"})
	for _, c := range codes {
		cv.WithLabelValues("GET", c)
	}
	cm := cg.Labels{"method": "GET", "code": "404"}
	ops[libCG] = labelOps{
		positional: func() { cv.WithLabelValues("GET", "404").Inc() },
		mapped:     func() { cv.With(cm).Inc() },
	}

	set := metrics.NewSet()
	for _, c := range codes {
		set.GetOrCreateCounter(`requests_total{method="GET",code="` + c + `"}`)
	}
	ops[libVM] = labelOps{
		positional: func() { set.GetOrCreateCounter(`requests_total{method="GET",code="404"}`).Inc() },
	}

	mp, _ := otelSetup(b)
	oc, err := mp.Meter("bench").Int64Counter("requests")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range codes {
		oc.Add(ctx, 1, metric.WithAttributes(attribute.String("method", "GET"), attribute.String("code", c)))
	}
	as := metric.WithAttributeSet(attribute.NewSet(attribute.String("method", "GET"), attribute.String("code", "404")))
	ops[libOtel] = labelOps{
		positional: func() {
			oc.Add(ctx, 1, metric.WithAttributes(attribute.String("method", "GET"), attribute.String("code", "404")))
		},
		typed: func() { oc.Add(ctx, 1, as) },
	}
	return ops
}

var labelLibs = []string{libProm, libCG, libVM, libOtel}

func benchLabels(b *testing.B, parallel bool) {
	ops := labelCases(b)
	for _, kind := range []string{"positional", "map", "typed"} {
		b.Run(kind, func(b *testing.B) {
			for _, lib := range labelLibs {
				o := ops[lib]
				f := map[string]func(){"positional": o.positional, "map": o.mapped, "typed": o.typed}[kind]
				if f == nil {
					continue // the library has no such way: the table shows n/a
				}
				b.Run(lib, func(b *testing.B) {
					b.ReportAllocs()
					if parallel {
						b.RunParallel(func(pb *testing.PB) {
							for pb.Next() {
								f()
							}
						})
						return
					}
					for b.Loop() {
						f()
					}
				})
			}
		})
	}
}

func BenchmarkLabels(b *testing.B)       { benchLabels(b, false) }
func BenchmarkLabelsShared(b *testing.B) { benchLabels(b, true) }
