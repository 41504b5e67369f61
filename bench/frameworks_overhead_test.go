package bench

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkFrameworkOverhead measures what BenchmarkGin, BenchmarkEcho and BenchmarkChi
// measure, in a way a loaded machine disturbs less: each iteration is one round in which the
// cases of a router take turns, a batch of 1000 requests each, and each case's figure is its
// fastest batch over all rounds. It reports, per router, the time prom's middleware adds to
// the bare router (prom-added-ns/req) and that time as a fraction of each alternative's added
// time (prom/<alternative>; the target is at most 1/3). Allocations come from the per-router
// benchmarks, which count them exactly.
//
//	cd bench && go test -run '^$' -bench FrameworkOverhead -benchtime 2s .
func BenchmarkFrameworkOverhead(b *testing.B) {
	const batch = 1000
	for _, fw := range []struct {
		name  string
		cases map[string]http.Handler
		alts  []string
	}{
		{"gin", ginCases(b), []string{libCG, libGinProm}},
		{"echo", echoCases(b), []string{libCG, libEchoProm}},
		{"chi", chiCases(b), []string{libCG}},
	} {
		b.Run(fw.name, func(b *testing.B) {
			names := append([]string{frameworkBare, libProm}, fw.alts...)
			best := map[string]time.Duration{}
			req, _ := http.NewRequest("GET", "/items/42", nil)
			w := newDiscardResponse()
			for b.Loop() {
				for _, n := range names {
					h := fw.cases[n]
					start := time.Now()
					for range batch {
						h.ServeHTTP(w, req)
					}
					d := time.Since(start)
					if prev, ok := best[n]; !ok || d < prev {
						best[n] = d
					}
				}
			}
			per := func(n string) float64 { return float64(best[n].Nanoseconds()) / batch }
			added := per(libProm) - per(frameworkBare)
			b.ReportMetric(added, "prom-added-ns/req")
			for _, a := range fw.alts {
				b.ReportMetric(added/(per(a)-per(frameworkBare)), "prom/"+a)
			}
		})
	}
}
