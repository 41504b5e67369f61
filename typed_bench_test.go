package prom

import "testing"

// The lookup benchmarks mirror bench/labels_test.go: ten children exist, the call goes through
// a func value as the bench harness does, and the looked-up child is incremented. The typed
// lookup has its own code for one and two labels; three labels take Vec.With's.

var benchCodes = []string{"200", "201", "204", "301", "302", "400", "401", "403", "404", "500"}

func BenchmarkLookup(b *testing.B) {
	type route struct{ Method, Code string }
	type code struct{ Code string }
	type three struct{ Method, Code, Path string }
	pv := Must(NewCounterVec("requests_total", "Requests.", []string{"method", "code"}, Opts{Unregistered: true}))
	pt := Must(NewCounterOf[route]("requests_total", "Requests.", Opts{Unregistered: true}))
	pv1 := Must(NewCounterVec("requests_total", "Requests.", []string{"code"}, Opts{Unregistered: true}))
	pt1 := Must(NewCounterOf[code]("requests_total", "Requests.", Opts{Unregistered: true}))
	pt3 := Must(NewCounterOf[three]("requests_total", "Requests.", Opts{Unregistered: true}))
	for _, c := range benchCodes {
		pv.With("GET", c)
		pt.With(route{"GET", c})
		pv1.With(c)
		pt1.With(code{c})
		pt3.With(three{"GET", c, "/"})
	}
	for _, bc := range []struct {
		name string
		f    func()
	}{
		{"positional", func() { pv.With("GET", "404").Inc() }},
		{"typed", func() { pt.With(route{"GET", "404"}).Inc() }},
		{"positional1", func() { pv1.With("404").Inc() }},
		{"typed1", func() { pt1.With(code{"404"}).Inc() }},
		{"typed3", func() { pt3.With(three{"GET", "404", "/"}).Inc() }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				bc.f()
			}
		})
	}
}
