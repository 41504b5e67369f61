package prom

import (
	"strings"
	"testing"
)

func TestNewDesc(t *testing.T) {
	tests := []struct {
		typ     Type
		name    string
		o       DescOpts
		want    string // resulting name, or
		wantErr string // a fragment of the error
	}{
		{CounterType, "requests_total", DescOpts{}, "requests", ""},
		{CounterType, "requests", DescOpts{Namespace: "app", Subsystem: "http"}, "app_http_requests", ""},
		{CounterType, "x_total", DescOpts{Unit: "seconds"}, "x_seconds", ""},
		{GaugeType, "temp_celsius", DescOpts{Unit: "celsius"}, "temp_celsius", ""},
		{GaugeType, "temp", DescOpts{Unit: "celsius"}, "temp_celsius", ""},
		{InfoType, "build_info", DescOpts{}, "build", ""},
		{GaugeType, "my.dotted metric", DescOpts{}, "my.dotted metric", ""},
		{GaugeType, "x", DescOpts{LabelNames: []string{"état"}}, "x", ""},
		{GaugeType, "", DescOpts{}, "", "metric name is empty"},
		{GaugeType, "bad\xff", DescOpts{}, "", "not valid UTF-8"},
		{GaugeType, "x", DescOpts{Unit: "sec onds"}, "", `unit "sec onds"`},
		{GaugeType, "x", DescOpts{LabelNames: []string{"__a"}}, "", `"__a" starts with "__"`},
		{GaugeType, "x", DescOpts{LabelNames: []string{""}}, "", "label name is empty"},
		{GaugeType, "x", DescOpts{LabelNames: []string{"a", "a"}}, "", `duplicate label name "a"`},
		{GaugeType, "x", DescOpts{LabelNames: []string{"a"}, ConstLabels: map[string]string{"a": "1"}}, "", `duplicate label name "a"`},
		{GaugeType, "x", DescOpts{ConstLabels: map[string]string{"a": "\xff"}}, "", "not valid UTF-8"},
		{HistogramType, "h", DescOpts{LabelNames: []string{"le"}}, "", `"le" is reserved`},
		{GaugeHistogramType, "h", DescOpts{LabelNames: []string{"le"}}, "", `"le" is reserved`},
		{GaugeType, "g", DescOpts{LabelNames: []string{"le", "quantile"}}, "g", ""},
		{SummaryType, "s", DescOpts{LabelNames: []string{"quantile"}}, "", `"quantile" is reserved`},
		{StateSetType, "s", DescOpts{LabelNames: []string{"s"}}, "", "label named like the family"},
		{Type(99), "x", DescOpts{}, "", "unknown type"},
	}
	for _, tt := range tests {
		d, err := NewDesc(tt.typ, tt.name, "help", tt.o)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewDesc(%v, %q, %+v) error = %v, want it to contain %q", tt.typ, tt.name, tt.o, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewDesc(%v, %q, %+v): %v", tt.typ, tt.name, tt.o, err)
			continue
		}
		if d.Name != tt.want {
			t.Errorf("NewDesc(%v, %q, %+v).Name = %q, want %q", tt.typ, tt.name, tt.o, d.Name, tt.want)
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
