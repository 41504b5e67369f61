package bench

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFrameworkOverhead measures what BenchmarkGin, BenchmarkEcho and BenchmarkChi measure, in
// a way a loaded machine disturbs less: the cases of a router take turns, a batch of requests
// each, for many rounds, and each case's figure is its fastest batch. The time a middleware
// adds is its figure minus the bare router's; the targets are at most a third of the
// alternative's added time and at most one allocation per request (allocations come from the
// benchmarks, which count them exactly). It runs only when asked:
//
//	cd bench && PROM_BENCH_OVERHEAD=1 go test -run TestFrameworkOverhead -v .
func TestFrameworkOverhead(t *testing.T) {
	if os.Getenv("PROM_BENCH_OVERHEAD") == "" {
		t.Skip("set PROM_BENCH_OVERHEAD=1 to measure (about 30 s)")
	}
	const rounds, batch = 300, 1000
	var report strings.Builder
	for _, fw := range []struct {
		name  string
		cases map[string]http.Handler
		alts  []string
	}{
		{"gin", ginCases(t), []string{libCG, libGinProm}},
		{"echo", echoCases(t), []string{libCG, libEchoProm}},
		{"chi", chiCases(t), []string{libCG}},
	} {
		names := append([]string{frameworkBare, libProm}, fw.alts...)
		best := map[string]time.Duration{}
		req, _ := http.NewRequest("GET", "/items/42", nil)
		w := newDiscardResponse()
		for r := 0; r < rounds; r++ {
			for _, n := range names {
				h := fw.cases[n]
				start := time.Now()
				for i := 0; i < batch; i++ {
					h.ServeHTTP(w, req)
				}
				if d := time.Since(start); best[n] == 0 || d < best[n] {
					best[n] = d
				}
			}
		}
		per := func(n string) float64 { return float64(best[n].Nanoseconds()) / batch }
		added := per(libProm) - per(frameworkBare)
		fmt.Fprintf(&report, "%s: bare %.1f ns/request, prom %.1f (adds %.1f)", fw.name, per(frameworkBare), per(libProm), added)
		for _, a := range slices.Clip(fw.alts) {
			aa := per(a) - per(frameworkBare)
			fmt.Fprintf(&report, "; %s %.1f (adds %.1f: prom adds %.3f× of it)", a, per(a), aa, added/aa)
		}
		report.WriteString("\n")
	}
	t.Log("\n" + report.String())
}
