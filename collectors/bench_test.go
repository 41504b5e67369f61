package collectors

import (
	"context"
	"database/sql"
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
	benchCollect(b, prom.Must(NewGoRuntime(GoRuntimeOpts{Metrics: []string{"."}})))
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

func BenchmarkDBStatsCollect(b *testing.B) {
	pools := map[string]*sql.DB{"a": openFake(b), "b": openFake(b)}
	benchCollect(b, prom.Must(NewDBStats(pools)))
}

func BenchmarkExpvarCollect(b *testing.B) {
	benchCollect(b, prom.Must(NewExpvar(
		ExpvarRule{Var: "collectors_test_hits", Name: "hits_total", Type: prom.CounterType, Labels: []string{"method"}},
		ExpvarRule{Var: "collectors_test_int", Name: "an_int"},
	)))
}
