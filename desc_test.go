package prom

import (
	"strings"
	"testing"
)

func TestNewDesc(t *testing.T) {
	tests := []struct {
		typ     Type
		name    string
		labels  []string
		o       Opts
		want    string // resulting name, or
		wantErr string // a fragment of the error
	}{
		{CounterType, "requests_total", nil, Opts{}, "requests", ""},
		{CounterType, "requests", nil, Opts{Namespace: "app", Subsystem: "http"}, "app_http_requests", ""},
		{CounterType, "x_total", nil, Opts{Unit: "seconds"}, "x_seconds", ""},
		{GaugeType, "temp_celsius", nil, Opts{Unit: "celsius"}, "temp_celsius", ""},
		{GaugeType, "temp", nil, Opts{Unit: "celsius"}, "temp_celsius", ""},
		{InfoType, "build_info", nil, Opts{}, "build", ""},
		{GaugeType, "my.dotted metric", nil, Opts{}, "my.dotted metric", ""},
		{GaugeType, "x", []string{"état"}, Opts{}, "x", ""},
		{GaugeType, "", nil, Opts{}, "", "metric name is empty"},
		{GaugeType, "bad\xff", nil, Opts{}, "", "not valid UTF-8"},
		{GaugeType, "x", nil, Opts{Unit: "sec onds"}, "", `unit "sec onds"`},
		{GaugeType, "x", []string{"__a"}, Opts{}, "", `"__a" starts with "__"`},
		{GaugeType, "x", []string{""}, Opts{}, "", "label name is empty"},
		{GaugeType, "x", []string{"a", "a"}, Opts{}, "", `duplicate label name "a"`},
		{GaugeType, "x", []string{"a"}, Opts{ConstLabels: map[string]string{"a": "1"}}, "", `duplicate label name "a"`},
		{GaugeType, "x", nil, Opts{ConstLabels: map[string]string{"a": "\xff"}}, "", "not valid UTF-8"},
		{HistogramType, "h", []string{"le"}, Opts{}, "", `"le" is reserved`},
		{GaugeHistogramType, "h", []string{"le"}, Opts{}, "", `"le" is reserved`},
		{GaugeType, "g", []string{"le", "quantile"}, Opts{}, "g", ""},
		{SummaryType, "s", []string{"quantile"}, Opts{}, "", `"quantile" is reserved`},
		{StateSetType, "s", []string{"s"}, Opts{}, "", "label named like the family"},
		{Type(99), "x", nil, Opts{}, "", "unknown type"},
		{HistogramType, "x", nil, Opts{Buckets: []float64{1}}, "", `histogram "x": option [Buckets] does not describe a family`},
		{GaugeType, "x", nil, Opts{Registry: NewRegistry(), Unregistered: true}, "", "option [Registry Unregistered] does not describe a family"},
	}
	if _, err := NewDesc(GaugeType, "x", "help", nil, Opts{}, Opts{}); err == nil || !strings.Contains(err.Error(), "at most one") {
		t.Errorf("NewDesc with two Opts: error = %v", err)
	}
	for _, tt := range tests {
		d, err := NewDesc(tt.typ, tt.name, "help", tt.labels, tt.o)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewDesc(%v, %q, %q, %+v) error = %v, want it to contain %q", tt.typ, tt.name, tt.labels, tt.o, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewDesc(%v, %q, %q, %+v): %v", tt.typ, tt.name, tt.labels, tt.o, err)
			continue
		}
		if d.Name != tt.want {
			t.Errorf("NewDesc(%v, %q, %q, %+v).Name = %q, want %q", tt.typ, tt.name, tt.labels, tt.o, d.Name, tt.want)
		}
	}
}

func TestLegacyNames(t *testing.T) {
	for name, want := range map[string]bool{"a": true, "a:b_c9": true, "_x": true, "9a": false, "a.b": false, "": false, "é": false} {
		if got := IsLegacyName(name); got != want {
			t.Errorf("IsLegacyName(%q) = %v", name, got)
		}
	}
	if IsLegacyLabelName("a:b") || !IsLegacyLabelName("a_b") {
		t.Error("IsLegacyLabelName: ':' is not allowed in label names, '_' is")
	}
}

func TestOptsRejectOtherTypesFields(t *testing.T) {
	_, err := NewCounter("c", "help", Opts{Unregistered: true, Buckets: []float64{1}})
	if err == nil || !strings.Contains(err.Error(), "Buckets") {
		t.Errorf("counter with Buckets: err = %v", err)
	}
	_, err = NewGauge("g", "help", Opts{Unregistered: true}, Opts{})
	if err == nil || !strings.Contains(err.Error(), "at most one") {
		t.Errorf("two Opts: err = %v", err)
	}
}
