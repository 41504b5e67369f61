package multiprocess

import (
	"context"
	"strconv"
	"testing"

	"github.com/prom-go/prom"
)

// setupProcesses fills dir with the files of n processes of 1,000 series each, as n workers
// of one service write them: 400 counter series, 300 gauge series (mode livesum), 200
// histogram series of 10 buckets and 100 summary series.
func setupProcesses(b *testing.B, dir string, n int) {
	for pid := 1; pid <= n; pid++ {
		p := openAs(b, dir, pid)
		c, _ := p.NewCounterVec("requests_total", "R.", []string{"route", "code"})
		g, _ := p.NewGaugeVec("queue_depth", "Q.", []string{"queue"}, GaugeLiveSum)
		h, _ := p.NewHistogramVec("latency_seconds", "L.", []string{"route"}, prom.Opts{Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .2, .5, 1}})
		s, _ := p.NewSummaryVec("size_bytes", "S.", []string{"route"})
		for i := 0; i < 400; i++ {
			c.With(strconv.Itoa(i/4), strconv.Itoa(200+i%4)).Add(float64(i))
		}
		for i := 0; i < 300; i++ {
			g.With(strconv.Itoa(i)).Set(float64(i))
		}
		for i := 0; i < 200; i++ {
			h.With(strconv.Itoa(i)).Observe(float64(i) / 1000)
		}
		for i := 0; i < 100; i++ {
			s.With(strconv.Itoa(i)).Observe(float64(i))
		}
	}
}

// BenchmarkAggregate16x1000 is a scrape of the collector over 16 process files of 1,000
// series each, written through the registry into an encoder that discards them: the steady
// state of a service scraped periodically.
func BenchmarkAggregate16x1000(b *testing.B) {
	dir := b.TempDir()
	setupProcesses(b, dir, 16)
	c, err := NewCollector(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	reg := prom.NewRegistry()
	reg.MustRegister(c)
	ctx := context.Background()
	if err := reg.Collect(ctx, nopEncoder{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := reg.Collect(ctx, nopEncoder{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAggregate16x1000Cold is the first scrape of a new collector over the same files:
// it maps every file and decodes every record.
func BenchmarkAggregate16x1000Cold(b *testing.B) {
	dir := b.TempDir()
	setupProcesses(b, dir, 16)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := NewCollector(dir)
		if err != nil {
			b.Fatal(err)
		}
		reg := prom.NewRegistry()
		reg.MustRegister(c)
		if err := reg.Collect(ctx, nopEncoder{}); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

func BenchmarkCounterInc(b *testing.B) {
	p := openAs(b, b.TempDir(), 1)
	c, _ := p.NewCounter("c", "C.")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

func BenchmarkCounterVecWithInc(b *testing.B) {
	p := openAs(b, b.TempDir(), 1)
	c, _ := p.NewCounterVec("c", "C.", []string{"method", "code"})
	for i := 0; i < b.N; i++ {
		c.With("GET", "200").Inc()
	}
}

func BenchmarkHistogramObserve(b *testing.B) {
	p := openAs(b, b.TempDir(), 1)
	h, _ := p.NewHistogram("h", "H.")
	for i := 0; i < b.N; i++ {
		h.Observe(0.3)
	}
}
