package collectors

import (
	"context"
	"testing"

	"github.com/prom-go/prom"
)

// benchCollect measures one collection of c alone, through a registry, into an encoder that
// discards what it gets.
func benchCollect(b *testing.B, c prom.Collector) {
	r := prom.NewRegistry()
	r.MustRegister(c)
	var e nopEncoder
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Collect(ctx, &e)
	}
}

func BenchmarkProcessCollect(b *testing.B) {
	benchCollect(b, prom.Must(NewProcess(ProcessOpts{})))
}

func BenchmarkProcessCollectFixture(b *testing.B) {
	benchCollect(b, prom.Must(NewProcess(ProcessOpts{PID: 100, ProcRoot: "testdata/proc"})))
}

func BenchmarkGoRuntimeCollect(b *testing.B) {
	benchCollect(b, prom.Must(NewGoRuntime(GoRuntimeOpts{})))
}

func BenchmarkGoRuntimeCollectAllMetrics(b *testing.B) {
	benchCollect(b, prom.Must(NewGoRuntime(GoRuntimeOpts{Metrics: []string{"*"}})))
}

func BenchmarkBuildInfoPlatformCollect(b *testing.B) {
	r := prom.NewRegistry()
	r.MustRegister(NewBuildInfo(), NewPlatform())
	var e nopEncoder
	b.ReportAllocs()
	for b.Loop() {
		r.Collect(context.Background(), &e)
	}
}
