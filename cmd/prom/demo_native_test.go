package main

import (
	"math"
	"strings"
	"testing"
)

// TestDemoNative checks the native histogram's known distribution and the trace-ID exemplars
// of the fake tracer.
func TestDemoNative(t *testing.T) {
	d, reg := newTestDemo(t, 7)
	for range 3 {
		d.step()
	}
	r := collect(t, reg)
	h := r.series["demo_native_latency_seconds"]
	if h == nil || h.Native == nil {
		t.Fatalf("demo_native_latency_seconds has no native buckets: %+v", h)
	}
	if h.Count != 300 || h.Native.Schema != 3 || math.Abs(h.Sum-3*sumOf(nativeSamples[:])) > 1e-9 {
		t.Errorf("count %v schema %v sum %v; want 300, 3, %v", h.Count, h.Native.Schema, h.Sum, 3*sumOf(nativeSamples[:]))
	}
	if h.Native.Count() != h.Count {
		t.Errorf("native buckets hold %v of %v observations", h.Native.Count(), h.Count)
	}
	if len(h.Native.Exemplars) == 0 || !strings.HasPrefix(h.Native.Exemplars[0].Labels[0].Value, "0000000000000007") {
		t.Errorf("native exemplars %+v; want trace IDs of seed 7", h.Native.Exemplars)
	}
	c := r.series["demo_traced_jobs"]
	if c == nil || c.Value != 300 || c.Exemplar == nil || c.Exemplar.Labels[0].Value != traceID(7, 300) {
		t.Errorf("demo_traced_jobs: %+v; want 300 with the exemplar of trace %s", c, traceID(7, 300))
	}
	if q := nativeQuantile(0.5); math.Abs(q-0.1*math.Ln2) > 1e-12 {
		t.Errorf("median %v; want 0.1·ln 2", q)
	}
}

func sumOf(v []float64) (s float64) {
	for _, x := range v {
		s += x
	}
	return s
}
