package prom

import "testing"

// The lookup benchmarks mirror bench/labels_test.go: ten children exist, the call goes through
// a func value as the bench harness does, and the looked-up child is incremented.

var benchCodes = []string{"200", "201", "204", "301", "302", "400", "401", "403", "404", "500"}

func BenchmarkLookup(b *testing.B) {
	type route struct{ Method, Code string }
	pv := Must(NewCounterVec("requests_total", "Requests.", []string{"method", "code"}, Opts{Registry: NoRegistry}))
	pt := Must(NewCounterOf[route]("requests_total", "Requests.", Opts{Registry: NoRegistry}))
	for _, c := range benchCodes {
		pv.With("GET", c)
		pt.With(route{"GET", c})
	}
	for _, bc := range []struct {
		name string
		f    func()
	}{
		{"positional", func() { pv.With("GET", "404").Inc() }},
		{"typed", func() { pt.With(route{"GET", "404"}).Inc() }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				bc.f()
			}
		})
	}
}
