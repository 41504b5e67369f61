package testutil

import (
	"testing"

	"github.com/prom-go/prom"
)

// TestRealTypes reads the samples of the library's own metric types, as users' tests will.
func TestRealTypes(t *testing.T) {
	reg := newRegistry()
	h := prom.Must(prom.NewHistogramVec("op_duration_seconds", "Op latency.", []string{"op"},
		prom.Opts{Registry: reg, Buckets: []float64{0.1, 1}}))
	h.With("read").Observe(0.05)
	h.With("read").Observe(0.5)
	h.With("read").Observe(5)
	info := prom.Must(prom.NewInfo("build_info", "Build.", prom.Opts{Registry: reg}))
	if err := info.Set(map[string]string{"version": "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	st := prom.Must(prom.NewStateSet("door", "Door state.", []string{"open", "closed"}, prom.Opts{Registry: reg}))
	st.Set("closed")

	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"op_duration_seconds_bucket", []string{"op", "read", "le", "0.1"}, 1},
		{"op_duration_seconds_bucket", []string{"op", "read", "le", "1"}, 2},
		{"op_duration_seconds_bucket", []string{"op", "read", "le", "+Inf"}, 3},
		{"op_duration_seconds_count", []string{"op", "read"}, 3},
		{"op_duration_seconds_sum", []string{"op", "read"}, 5.55},
		{"build_info", []string{"version", "1.2.3"}, 1},
		{"door", []string{"door", "open"}, 0},
		{"door", []string{"door", "closed"}, 1},
	}
	for _, tt := range tests {
		got, ok := SampleValue(FromRegistry(reg), tt.name, tt.labels...)
		if !ok || got != tt.want {
			t.Errorf("SampleValue(%s, %q) = %v, %v; want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	if n := CountSeries(FromRegistry(reg)); n != 3 {
		t.Errorf("CountSeries = %d, want 3", n)
	}
	if p := Lint(FromRegistry(reg)); p != nil {
		t.Errorf("Lint = %v, want no problems", p)
	}
	err := Compare(FromRegistry(reg), `
		# HELP build Build.
		# TYPE build info
		build_info{version="1.2.3"} 1
		# HELP door Door state.
		# TYPE door stateset
		door{door="open"} 0
		door{door="closed"} 1
		# HELP op_duration_seconds Op latency.
		# TYPE op_duration_seconds histogram
		op_duration_seconds_bucket{op="read",le="0.1"} 1
		op_duration_seconds_bucket{op="read",le="1.0"} 2
		op_duration_seconds_bucket{op="read",le="+Inf"} 3
		op_duration_seconds_count{op="read"} 3
		op_duration_seconds_sum{op="read"} 5.55
		# EOF
	`)
	if err != nil {
		t.Error(err)
	}
}
