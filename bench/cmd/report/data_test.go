package main

import (
	"strings"
	"testing"
)

// TestMedianOfRepeats: repeated lines of one benchmark report the median of each metric, so
// that one disturbed run of three changes nothing. The median is neither the first run nor the
// last, so that keeping either instead fails.
func TestMedianOfRepeats(t *testing.T) {
	in := "BenchmarkCounterInc/prom-2 100 1 ns/op 0 B/op\n" +
		"BenchmarkCounterInc/prom-2 100 5 ns/op 0 B/op\n" +
		"BenchmarkCounterInc/prom-2 100 90 ns/op 0 B/op\n" +
		"BenchmarkCounterInc/client_golang-2 100 7 ns/op 0 B/op\n"
	rs, _ := parse(strings.NewReader(in))
	d := newData(rs)
	if v, _ := d.get("CounterInc", "", "prom", 2, "ns/op"); v != 5 {
		t.Errorf("prom ns/op = %v, want the median 5", v)
	}
	if v, _ := d.get("CounterInc", "", "client_golang", 2, "ns/op"); v != 7 {
		t.Errorf("client_golang ns/op = %v, want its single run's 7", v)
	}
}
