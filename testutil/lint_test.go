package testutil

import (
	"reflect"
	"testing"

	"github.com/prom-go/prom"
)

func TestLint(t *testing.T) {
	no := prom.Opts{Unregistered: true}
	tests := []struct {
		name string
		c    prom.Collector
		want []string // Problem.String()
	}{
		{"clean counter", prom.Must(prom.NewCounter("http_requests_total", "Requests.", no)), nil},
		{"clean histogram", prom.Must(prom.NewHistogram("http_request_duration_seconds", "Latency.", no)), nil},
		{"clean info", prom.Must(prom.NewInfo("build_info", "Build.", no)), nil},
		{"clean stateset", prom.Must(prom.NewStateSet("door_state", "Door.", []string{"open", "closed"}, no)), nil},
		{"missing help", prom.Must(prom.NewGauge("queue_length", "", no)), []string{
			"queue_length: no help text (help)",
		}},
		{"milliseconds", prom.Must(prom.NewHistogram("rpc_latency_milliseconds", "Latency.", no)), []string{
			`rpc_latency_milliseconds: use base unit "seconds" instead of "milliseconds" (base-units)`,
		}},
		{"gauge named total", prom.Must(prom.NewGauge("jobs_total", "Jobs.", no)), []string{
			`jobs_total: non-counter metrics should not have "_total" suffix (counter-total)`,
		}},
		{"camel case label of empty vector", prom.Must(prom.NewCounterVec("hits_total", "Hits.", []string{"statusCode"}, no)), []string{
			`hits: label name "statusCode" should be written in 'snake_case' not 'camelCase' (camel-case)`,
		}},
		{"gauge with le", prom.Must(prom.NewGaugeVec("temp_celsius", "T.", []string{"le"}, no)), []string{
			`temp_celsius: non-histogram metrics should not have "le" label (reserved-label)`,
		}},
		{"percent", prom.Must(prom.NewGauge("cpu_usage_percent", "CPU.", no)), []string{
			`cpu_usage_percent: use a ratio from 0 to 1 with suffix "_ratio" instead of a percentage (ratio)`,
		}},
		{"custom collector, counter without total", familyCollector{
			family(prom.CounterType, "app_errors", "Errors.", nil, prom.Opts{}, prom.Series{Value: 1}),
			family(prom.GaugeType, "app_memory_kb", "Memory.", nil, prom.Opts{}, prom.Series{Value: 1}),
		}, []string{
			`app_memory_kb: metric names should not contain abbreviated units ("kb") (abbreviated-units)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Lint(tt.c) {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lint =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestLintRegistryAndNames(t *testing.T) {
	reg := newRegistry()
	prom.Must(prom.NewGauge("a_gauge", "A.", prom.Opts{Registry: reg})).Set(1)
	prom.Must(prom.NewGauge("b_count", "B.", prom.Opts{Registry: reg})).Set(1)
	got := Lint(FromRegistry(reg))
	want := []Problem{
		{Metric: "a_gauge", Rule: "type-in-name", Text: "metric name should not include type 'gauge'"},
		{Metric: "b_count", Rule: "reserved-suffix", Text: `non-histogram and non-summary metrics should not have "_count" suffix`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lint(registry) = %+v\nwant %+v", got, want)
	}
	if got := Lint(FromRegistry(reg), "b_count"); len(got) != 1 || got[0].Metric != "b_count" {
		t.Errorf("Lint(registry, b_count) = %+v, want only b_count's problem", got)
	}
}
