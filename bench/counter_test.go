package bench

import (
	"sync/atomic"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	cg "github.com/prometheus/client_golang/prometheus"
	otelmetric "go.opentelemetry.io/otel/metric"
)

// Workload 1: Counter Inc, uncontended (BenchmarkCounterInc) and on one series shared by every
// goroutine (BenchmarkCounterIncShared, run at -cpu 1,2). baseline-atomic is a plain
// atomic.Uint64 Add, the floor prom's Inc is held to.
//
// Each library's Inc is called as its users call it: directly, in the benchmark's own loop,
// where the compiler inlines what it can (prom's and VictoriaMetrics' Inc, the baseline's add)
// into a function that has a stack frame anyway, as almost every caller does. The
// leaf-closure path of BenchmarkCounterInc calls the same Inc from a closure that does nothing
// else: there the baseline's closure needs no stack frame, while an inlined Inc that may take
// its slow path brings the frame its call needs (a few instructions, but a large share of an
// add). It is shown for that cost; the target is checked on the direct path.

type counterCase struct {
	name string
	// loop runs Inc b.Loop() times, uncontended.
	loop func(b *testing.B)
	// parallel runs Inc under RunParallel on one shared series.
	parallel func(b *testing.B)
	// closure returns a closure that calls Inc once.
	closure func(b *testing.B) func()
}

// newAtomic returns the baseline's word: an atomic.Uint64 on the heap, reached through a
// pointer, as a counter's word is (a local one could live on the stack). Not inlined, it
// returns a pointer the caller cannot keep on its stack.
//
//go:noinline
func newAtomic() *atomic.Uint64 { return new(atomic.Uint64) }

func newPromCounter() *prom.Counter {
	return prom.Must(prom.NewCounter("requests_total", "Requests.", prom.Opts{Unregistered: true}))
}

func newCGCounter() cg.Counter {
	return cg.NewCounter(cg.CounterOpts{Name: "requests_total", Help: "Requests."})
}

func newVMCounter() *metrics.Counter { return metrics.NewSet().NewCounter("requests_total") }

func newOtelCounter(b *testing.B) otelmetric.Int64Counter {
	mp, _ := otelSetup(b)
	c, err := mp.Meter("bench").Int64Counter("requests")
	if err != nil {
		b.Fatal(err)
	}
	return c
}

var counterCases = []counterCase{
	{"baseline-atomic",
		func(b *testing.B) {
			n := newAtomic()
			for b.Loop() {
				n.Add(1)
			}
		},
		func(b *testing.B) {
			n := newAtomic()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n.Add(1)
				}
			})
		},
		func(b *testing.B) func() {
			n := newAtomic()
			return func() { n.Add(1) }
		}},
	{libProm,
		func(b *testing.B) {
			c := newPromCounter()
			for b.Loop() {
				c.Inc()
			}
		},
		func(b *testing.B) {
			c := newPromCounter()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Inc()
				}
			})
		},
		func(b *testing.B) func() {
			c := newPromCounter()
			return func() { c.Inc() }
		}},
	{libCG,
		func(b *testing.B) {
			c := newCGCounter()
			for b.Loop() {
				c.Inc()
			}
		},
		func(b *testing.B) {
			c := newCGCounter()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Inc()
				}
			})
		},
		func(b *testing.B) func() {
			c := newCGCounter()
			return func() { c.Inc() }
		}},
	{libVM,
		func(b *testing.B) {
			c := newVMCounter()
			for b.Loop() {
				c.Inc()
			}
		},
		func(b *testing.B) {
			c := newVMCounter()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Inc()
				}
			})
		},
		func(b *testing.B) func() {
			c := newVMCounter()
			return func() { c.Inc() }
		}},
	{libOtel,
		func(b *testing.B) {
			c := newOtelCounter(b)
			for b.Loop() {
				c.Add(ctx, 1)
			}
		},
		func(b *testing.B) {
			c := newOtelCounter(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Add(ctx, 1)
				}
			})
		},
		func(b *testing.B) func() {
			c := newOtelCounter(b)
			return func() { c.Add(ctx, 1) }
		}},
}

func BenchmarkCounterInc(b *testing.B) {
	b.Run("direct", func(b *testing.B) {
		for _, c := range counterCases {
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				c.loop(b)
			})
		}
	})
	b.Run("leaf-closure", func(b *testing.B) {
		for _, c := range counterCases {
			b.Run(c.name, func(b *testing.B) {
				inc := c.closure(b)
				b.ReportAllocs()
				for b.Loop() {
					inc()
				}
			})
		}
	})
}

func BenchmarkCounterIncShared(b *testing.B) {
	for _, c := range counterCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			c.parallel(b)
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
		g := prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", prom.Opts{Unregistered: true}))
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
