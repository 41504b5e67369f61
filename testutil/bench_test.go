package testutil

import (
	"strconv"
	"testing"

	"github.com/prom-go/prom"
)

// BenchmarkSampleValue reads one series of a 1000-series vector: the cost of a lookup in a
// user's test, dominated by collecting the whole family.
func BenchmarkSampleValue(b *testing.B) {
	v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"id"}, prom.Opts{Unregistered: true}))
	for i := range 1000 {
		v.With(strconv.Itoa(i)).Inc()
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := SampleValue(v, "requests_total", "id", "999"); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkCompare compares a 100-series vector with its exposition.
func BenchmarkCompare(b *testing.B) {
	v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"id"}, prom.Opts{Unregistered: true}))
	want := "# HELP requests_total Requests.\n# TYPE requests_total counter\n"
	for i := range 100 {
		v.With(strconv.Itoa(i)).Inc()
		want += `requests_total{id="` + strconv.Itoa(i) + "\"} 1\n"
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Compare(v, want); err != nil {
			b.Fatal(err)
		}
	}
}
