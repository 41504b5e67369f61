package lint

import (
	"reflect"
	"testing"

	"github.com/prom-go/prom"
)

func TestRules(t *testing.T) {
	type fam = Family
	const (
		C  = prom.CounterType
		G  = prom.GaugeType
		H  = prom.HistogramType
		GH = prom.GaugeHistogramType
		S  = prom.SummaryType
		U  = prom.Unknown
		I  = prom.InfoType
	)
	tests := []struct {
		name string
		f    Family
		want []string // "rule: text", in Rules order
	}{
		{"clean counter", fam{Name: "http_requests", Type: C, Help: "h", SampleNames: []string{"http_requests_total", "http_requests_created"}}, nil},
		{"clean histogram", fam{Name: "http_request_duration_seconds", Type: H, Help: "h", Unit: "seconds", LabelNames: []string{"code"}}, nil},
		{"clean info", fam{Name: "build", Type: I, Help: "h", LabelNames: []string{"version"}}, nil},
		{"missing help", fam{Name: "foo", Type: G}, []string{"help: no help text"}},
		{"blank help", fam{Name: "foo", Type: G, Help: "  "}, []string{"help: no help text"}},
		{"milliseconds", fam{Name: "foo_latency_milliseconds", Type: G, Help: "h"}, []string{`base-units: use base unit "seconds" instead of "milliseconds"`}},
		{"kilobytes", fam{Name: "foo_kilobytes", Type: G, Help: "h"}, []string{`base-units: use base unit "bytes" instead of "kilobytes"`}},
		{"hours", fam{Name: "foo_uptime_hours", Type: G, Help: "h"}, []string{`base-units: use base unit "seconds" instead of "hours"`}},
		{"word containing a unit", fam{Name: "foo_thermometers", Type: G, Help: "h"}, nil},
		{"unit not at end", fam{Name: "foo_seconds_bar", Type: G, Help: "h", Unit: "seconds"}, []string{`unit-suffix: metric name should end with its unit "_seconds"`}},
		{"counter unit before total", fam{Name: "foo_seconds_total", Type: C, Help: "h", Unit: "seconds"}, nil},
		{"counter sample without total", fam{Name: "foo", Type: C, Help: "h", SampleNames: []string{"foo"}}, []string{`counter-total: counter metrics should have "_total" suffix`}},
		{"gauge with total", fam{Name: "foo_total", Type: G, Help: "h"}, []string{`counter-total: non-counter metrics should not have "_total" suffix`}},
		{"unknown with total", fam{Name: "foo_total", Type: U, Help: "h"}, nil},
		{"gauge bucket", fam{Name: "foo_bucket", Type: G, Help: "h"}, []string{`reserved-suffix: non-histogram metrics should not have "_bucket" suffix`}},
		{"gaugehistogram bucket", fam{Name: "foo_bucket", Type: GH, Help: "h"}, nil},
		{"gauge count", fam{Name: "foo_count", Type: G, Help: "h"}, []string{`reserved-suffix: non-histogram and non-summary metrics should not have "_count" suffix`}},
		{"summary count", fam{Name: "foo_count", Type: S, Help: "h"}, nil},
		{"gauge sum", fam{Name: "foo_sum", Type: G, Help: "h"}, []string{`reserved-suffix: non-histogram and non-summary metrics should not have "_sum" suffix`}},
		{"histogram gsum", fam{Name: "foo_gsum", Type: H, Help: "h"}, []string{`reserved-suffix: non-gaugehistogram metrics should not have "_gsum" suffix`}},
		{"gauge gcount", fam{Name: "foo_gcount", Type: G, Help: "h"}, []string{`reserved-suffix: non-gaugehistogram metrics should not have "_gcount" suffix`}},
		{"created", fam{Name: "foo_created", Type: G, Help: "h"}, []string{`reserved-suffix: metric names should not have "_created" suffix: it is reserved for the creation time of counters, histograms and summaries`}},
		{"counter timestamp", fam{Name: "foo_timestamp_seconds", Type: C, Help: "h"}, []string{`reserved-suffix: non-gauge metrics should not have "_timestamp_seconds" suffix`}},
		{"gauge timestamp", fam{Name: "foo_timestamp_seconds", Type: G, Help: "h"}, nil},
		{"unknown reserved", fam{Name: "foo_bucket", Type: U, Help: "h", LabelNames: []string{"le"}}, nil},
		{"gauge le", fam{Name: "foo", Type: G, Help: "h", LabelNames: []string{"le"}}, []string{`reserved-label: non-histogram metrics should not have "le" label`}},
		{"gauge quantile", fam{Name: "foo", Type: G, Help: "h", LabelNames: []string{"quantile"}}, []string{`reserved-label: non-summary metrics should not have "quantile" label`}},
		{"histogram quantile", fam{Name: "foo", Type: H, Help: "h", LabelNames: []string{"quantile"}}, []string{`reserved-label: non-summary metrics should not have "quantile" label`}},
		{"type in name", fam{Name: "foo_gauge", Type: G, Help: "h"}, []string{`type-in-name: metric name should not include type 'gauge'`}},
		{"type in middle", fam{Name: "foo_histogram_seconds", Type: H, Help: "h"}, []string{`type-in-name: metric name should not include type 'histogram'`}},
		{"type as namespace", fam{Name: "counter_app_x", Type: G, Help: "h"}, nil},
		{"colon", fam{Name: "job:foo:rate5m", Type: G, Help: "h"}, []string{`colon: metric names should not contain ':': colons are for recording rules`}},
		{"camel name", fam{Name: "fooBar", Type: G, Help: "h"}, []string{`camel-case: metric names should be written in 'snake_case' not 'camelCase'`}},
		{"camel label", fam{Name: "foo", Type: G, Help: "h", LabelNames: []string{"statusCode"}}, []string{`camel-case: label name "statusCode" should be written in 'snake_case' not 'camelCase'`}},
		{"dotted name", fam{Name: "foo.bar", Type: G, Help: "h"}, []string{`legacy-chars: metric names should use only [a-zA-Z0-9_:]: other characters are escaped or quoted in expositions and queries`}},
		{"dotted label", fam{Name: "foo", Type: G, Help: "h", LabelNames: []string{"http.method"}}, []string{`legacy-chars: label name "http.method" should use only [a-zA-Z0-9_]: other characters are escaped or quoted in expositions and queries`}},
		{"abbreviation", fam{Name: "foo_latency_ms", Type: G, Help: "h"}, []string{`abbreviated-units: metric names should not contain abbreviated units ("ms")`}},
		{"abbreviation in middle", fam{Name: "foo_kb_used", Type: G, Help: "h"}, []string{`abbreviated-units: metric names should not contain abbreviated units ("kb")`}},
		{"percent", fam{Name: "foo_cpu_percent", Type: G, Help: "h"}, []string{`ratio: use a ratio from 0 to 1 with suffix "_ratio" instead of a percentage`}},
		{"several", fam{Name: "fooBar_milliseconds_total", Type: G}, []string{
			"help: no help text",
			`base-units: use base unit "seconds" instead of "milliseconds"`,
			`counter-total: non-counter metrics should not have "_total" suffix`,
			`camel-case: metric names should be written in 'snake_case' not 'camelCase'`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Check(&tt.f) {
				if p.Metric != tt.f.Name {
					t.Errorf("problem names metric %q, want %q", p.Metric, tt.f.Name)
				}
				got = append(got, p.Rule+": "+p.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check(%+v)\n got %q\nwant %q", tt.f, got, tt.want)
			}
		})
	}
}

func TestEveryRuleHasATest(t *testing.T) {
	// Each rule must fire for at least one family: a rule that can never fire is dead code.
	fams := []Family{
		{Name: "a_milliseconds_total", Type: prom.GaugeType, Unit: "bytes", LabelNames: []string{"le", "fooBar", "a.b"}},
		{Name: "b_counter", Type: prom.CounterType, SampleNames: []string{"b"}},
		{Name: "c:d_bucket", Type: prom.GaugeType},
		{Name: "e_ms_percent", Type: prom.GaugeType},
	}
	fired := map[string]bool{}
	for _, p := range CheckAll(fams) {
		fired[p.Rule] = true
	}
	for _, r := range Rules {
		if !fired[r.Name] {
			t.Errorf("rule %q did not fire", r.Name)
		}
	}
}

func TestCheckAllSorted(t *testing.T) {
	ps := CheckAll([]Family{{Name: "zz", Type: prom.GaugeType}, {Name: "aa_gauge", Type: prom.GaugeType}})
	want := []Problem{
		{"aa_gauge", "type-in-name", "metric name should not include type 'gauge'"},
		{"aa_gauge", "help", "no help text"},
		{"zz", "help", "no help text"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got %+v\nwant %+v", ps, want)
	}
}
