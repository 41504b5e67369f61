package bench

import (
	"sync/atomic"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	cg "github.com/prometheus/client_golang/prometheus"
)

// Workload 1: Counter Inc, uncontended (BenchmarkCounterInc) and on one series shared by every
// goroutine (BenchmarkCounterIncShared, run at -cpu 1,2). baseline-atomic is a plain
// atomic.Uint64 Add, the floor prom's Inc is held to. Every library's Inc is called inside a
// closure, as the baseline's add is, not through a method value, whose extra wrapper call no
// user pays and which only inlinable methods escape.

type counterCase struct {
	name string
	new  func(b *testing.B) func()
}

var counterCases = []counterCase{
	{"baseline-atomic", func(b *testing.B) func() {
		var n atomic.Uint64
		return func() { n.Add(1) }
	}},
	{libProm, func(b *testing.B) func() {
		c := prom.Must(prom.NewCounter("requests_total", "Requests.", prom.Opts{Registry: prom.NoRegistry}))
		return func() { c.Inc() }
	}},
	{libCG, func(b *testing.B) func() {
		c := cg.NewCounter(cg.CounterOpts{Name: "requests_total", Help: "Requests."})
		return func() { c.Inc() }
	}},
	{libVM, func(b *testing.B) func() {
		c := metrics.NewSet().NewCounter("requests_total")
		return func() { c.Inc() }
	}},
	{libOtel, func(b *testing.B) func() {
		mp, _ := otelSetup(b)
		c, err := mp.Meter("bench").Int64Counter("requests")
		if err != nil {
			b.Fatal(err)
		}
		return func() { c.Add(ctx, 1) }
	}},
}

func BenchmarkCounterInc(b *testing.B) {
	for _, c := range counterCases {
		b.Run(c.name, func(b *testing.B) {
			inc := c.new(b)
			b.ReportAllocs()
			for b.Loop() {
				inc()
			}
		})
	}
}

func BenchmarkCounterIncShared(b *testing.B) {
	for _, c := range counterCases {
		b.Run(c.name, func(b *testing.B) {
			inc := c.new(b)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					inc()
				}
			})
		})
	}
}

// Workload 3: Gauge Set and Add, uncontended.

type gaugeOps struct {
	set, add func(float64)
}

var gaugeCases = []struct {
	name string
	new  func(b *testing.B) gaugeOps
}{
	{libProm, func(b *testing.B) gaugeOps {
		g := prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", prom.Opts{Registry: prom.NoRegistry}))
		return gaugeOps{g.Set, g.Add}
	}},
	{libCG, func(b *testing.B) gaugeOps {
		g := cg.NewGauge(cg.GaugeOpts{Name: "temperature_celsius", Help: "Temperature."})
		return gaugeOps{g.Set, g.Add}
	}},
	{libVM, func(b *testing.B) gaugeOps {
		g := metrics.NewSet().NewGauge("temperature_celsius", nil)
		return gaugeOps{g.Set, g.Add}
	}},
	{libOtel, func(b *testing.B) gaugeOps {
		mp, _ := otelSetup(b)
		m := mp.Meter("bench")
		g, err := m.Float64Gauge("temperature")
		if err != nil {
			b.Fatal(err)
		}
		ud, err := m.Float64UpDownCounter("level")
		if err != nil {
			b.Fatal(err)
		}
		return gaugeOps{func(v float64) { g.Record(ctx, v) }, func(v float64) { ud.Add(ctx, v) }}
	}},
}

func BenchmarkGauge(b *testing.B) {
	for _, op := range []string{"Set", "Add"} {
		b.Run(op, func(b *testing.B) {
			for _, c := range gaugeCases {
				b.Run(c.name, func(b *testing.B) {
					g := c.new(b)
					f := g.set
					if op == "Add" {
						f = g.add
					}
					b.ReportAllocs()
					v := 0.0
					for b.Loop() {
						v += 0.5
						f(v)
					}
				})
			}
		})
	}
}
