package testutil

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// familyCollector is a custom collector writing fixed families, to test every type whatever
// metric types the library has.
type familyCollector []*prom.Family

func (fc familyCollector) Describe() []*prom.Desc {
	var ds []*prom.Desc
	for _, f := range fc {
		ds = append(ds, &f.Desc)
	}
	return ds
}

func (fc familyCollector) Collect(w *prom.Writer) {
	for _, f := range fc {
		w.Family(&f.Desc)
		for i := range f.Series {
			w.Emit(&f.Series[i])
		}
	}
}

func family(t prom.Type, name, help string, labels []string, o prom.Opts, series ...prom.Series) *prom.Family {
	d, err := prom.NewDesc(t, name, help, labels, o)
	if err != nil {
		panic(err)
	}
	return &prom.Family{Desc: *d, Series: series}
}

func newRegistry() *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	return r
}

func TestSamplesEveryType(t *testing.T) {
	const created = 1_700_000_000_500_000_000 // ns
	fc := familyCollector{
		family(prom.CounterType, "c_total", "C.", []string{"code"}, prom.Opts{ConstLabels: map[string]string{"env": "prod"}},
			prom.Series{LabelValues: []string{"200"}, Value: 3, Created: created}),
		family(prom.GaugeType, "g", "G.", nil, prom.Opts{}, prom.Series{Value: -1.5}),
		family(prom.Unknown, "u", "U.", nil, prom.Opts{}, prom.Series{Value: 7}),
		family(prom.HistogramType, "h_seconds", "H.", nil, prom.Opts{Unit: "seconds"}, prom.Series{
			Count: 3, Sum: 2.5, Created: created,
			Buckets: []prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3}},
		}),
		family(prom.GaugeHistogramType, "gh", "GH.", nil, prom.Opts{}, prom.Series{
			Count: 2, Sum: 4, Buckets: []prom.Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 2}},
		}),
		family(prom.SummaryType, "s", "S.", nil, prom.Opts{}, prom.Series{
			Count: 10, Sum: 20, Created: created, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 1.5}, {Quantile: 0.99, Value: 4}},
		}),
		family(prom.InfoType, "build_info", "I.", nil, prom.Opts{}, prom.Series{LabelNames: []string{"version"}, LabelValues: []string{"1.2"}}),
		family(prom.StateSetType, "st", "SS.", nil, prom.Opts{}, prom.Series{States: []prom.State{{Name: "a", Enabled: true}, {Name: "b"}}}),
	}
	prom.SetCreatedSeries(true)
	got, err := Samples(fc)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range got {
		lines = append(lines, s.String())
	}
	want := []string{ // the order of the collection: the collector's order
		`c_total{env="prod",code="200"} 3`,
		`c_created{env="prod",code="200"} 1.7000000005e+09`,
		`g -1.5`,
		`u 7`,
		`h_seconds_bucket{le="0.5"} 1`,
		`h_seconds_bucket{le="1"} 2`,
		`h_seconds_bucket{le="+Inf"} 3`,
		`h_seconds_count 3`,
		`h_seconds_sum 2.5`,
		`h_seconds_created 1.7000000005e+09`,
		`gh_bucket{le="1"} 1`,
		`gh_bucket{le="+Inf"} 2`,
		`gh_gcount 2`,
		`gh_gsum 4`,
		`s{quantile="0.5"} 1.5`,
		`s{quantile="0.99"} 4`,
		`s_count 10`,
		`s_sum 20`,
		`s_created 1.7000000005e+09`,
		`build_info{version="1.2"} 1`,
		`st{st="a"} 1`,
		`st{st="b"} 0`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("Samples:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	prom.SetCreatedSeries(false)
	defer prom.SetCreatedSeries(true)
	got, _ = Samples(fc, "c_total")
	if len(got) != 1 || got[0].Name != "c_total" {
		t.Errorf("Samples(c_total) with created series off = %v, want only c_total", got)
	}
}

func TestSampleValue(t *testing.T) {
	fc := familyCollector{
		family(prom.HistogramType, "h", "H.", []string{"op"}, prom.Opts{}, prom.Series{
			LabelValues: []string{"read"}, Count: 3, Sum: 2.5,
			Buckets: []prom.Bucket{{UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3}},
		}),
		family(prom.SummaryType, "s", "S.", nil, prom.Opts{}, prom.Series{Count: 10, Sum: 20, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 1.5}}}),
		family(prom.StateSetType, "st", "SS.", nil, prom.Opts{}, prom.Series{States: []prom.State{{Name: "a"}, {Name: "b", Enabled: true}}}),
		family(prom.InfoType, "build", "I.", []string{"version"}, prom.Opts{}, prom.Series{LabelValues: []string{"1.2"}}),
	}
	tests := []struct {
		name   string
		labels []string
		want   float64
		ok     bool
	}{
		{"h_bucket", []string{"op", "read", "le", "1"}, 2, true},
		{"h_bucket", []string{"le", "1.0", "op", "read"}, 2, true},
		{"h_bucket", []string{"op", "read", "le", "+Inf"}, 3, true},
		{"h_bucket", []string{"op", "read", "le", "2"}, 0, false},
		{"h_bucket", []string{"op", "read"}, 0, false},
		{"h_count", []string{"op", "read"}, 3, true},
		{"h_sum", []string{"op", "read"}, 2.5, true},
		{"h_count", []string{"op", "write"}, 0, false},
		{"h_count", []string{"op"}, 0, false},
		{"h_count", nil, 0, false},
		{"s", []string{"quantile", "0.50"}, 1.5, true},
		{"s_count", nil, 10, true},
		{"s_sum", nil, 20, true},
		{"st", []string{"st", "a"}, 0, true},
		{"st", []string{"st", "b"}, 1, true},
		{"build_info", []string{"version", "1.2"}, 1, true},
		{"build", []string{"version", "1.2"}, 0, false},
		{"nope", nil, 0, false},
	}
	for _, tt := range tests {
		got, ok := SampleValue(fc, tt.name, tt.labels...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SampleValue(%s, %q) = %v, %v; want %v, %v", tt.name, tt.labels, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSampleValueRealMetrics(t *testing.T) {
	reg := newRegistry()
	c := prom.Must(prom.NewCounter("jobs_total", "Jobs.", prom.Opts{Registry: reg}))
	g := prom.Must(prom.NewGauge("queue_length", "Queue.", prom.Opts{Unregistered: true, ConstLabels: map[string]string{"queue": "q1"}}))
	v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"method", "code"}, prom.Opts{Registry: reg}))
	c.Add(2)
	g.Set(5)
	v.With("GET", "200").Inc()
	v.With("GET", "200").Inc()
	v.With("POST", "500").Inc()

	check := func(c prom.Collector, name string, want float64, labels ...string) {
		t.Helper()
		got, ok := SampleValue(c, name, labels...)
		if !ok || got != want {
			t.Errorf("SampleValue(%s %q) = %v, %v; want %v", name, labels, got, ok, want)
		}
	}
	check(c, "jobs_total", 2)
	check(g, "queue_length", 5, "queue", "q1")
	check(v, "requests_total", 2, "method", "GET", "code", "200")
	check(v, "requests_total", 1, "code", "500", "method", "POST")
	check(FromRegistry(reg), "requests_total", 1, "code", "500", "method", "POST")
	check(FromRegistry(reg), "jobs_total", 2)
	if _, ok := SampleValue(FromRegistry(reg), "queue_length", "queue", "q1"); ok {
		t.Error("found a gauge that is not in the registry")
	}
	if _, ok := SampleValue(v, "requests_total", "method", "GET"); ok {
		t.Error("matched a sample with a subset of its labels")
	}
	if _, ok := SampleValue(v, "requests_total", "method", "GET", "code"); ok {
		t.Error("matched with an odd number of label arguments")
	}
}

func TestCountSeries(t *testing.T) {
	reg := newRegistry()
	v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"code"}, prom.Opts{Registry: reg}))
	g := prom.Must(prom.NewGauge("up", "Up.", prom.Opts{Registry: reg}))
	g.Set(1)
	if n := CountSeries(v); n != 0 {
		t.Errorf("empty vector: %d series, want 0", n)
	}
	v.With("200").Inc()
	v.With("404").Inc()
	v.With("500")
	fc := familyCollector{family(prom.HistogramType, "h", "H.", nil, prom.Opts{}, prom.Series{Count: 1, Buckets: []prom.Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 1}}})}
	tests := []struct {
		c     prom.Collector
		names []string
		want  int
	}{
		{v, nil, 3},
		{FromRegistry(reg), nil, 4},
		{FromRegistry(reg), []string{"up"}, 1},
		{FromRegistry(reg), []string{"requests_total"}, 3},
		{FromRegistry(reg), []string{"requests"}, 3},
		{FromRegistry(reg), []string{"nope"}, 0},
		{fc, nil, 1},
	}
	for _, tt := range tests {
		if got := CountSeries(tt.c, tt.names...); got != tt.want {
			t.Errorf("CountSeries(%T, %q) = %d, want %d", tt.c, tt.names, got, tt.want)
		}
	}
}

type failingCollector struct{ d *prom.Desc }

func (f failingCollector) Describe() []*prom.Desc { return []*prom.Desc{f.d} }
func (f failingCollector) Collect(w *prom.Writer) {
	w.Family(f.d)
	w.Emit(&prom.Series{Value: 1})
	w.Error(errors.New("backend down"))
}

func TestSamplesReportsErrors(t *testing.T) {
	d := prom.Must(prom.NewDesc(prom.GaugeType, "g", "G.", nil, prom.Opts{}))
	got, err := Samples(failingCollector{d})
	if err == nil || !strings.Contains(err.Error(), "backend down") {
		t.Errorf("error = %v, want the collection's error", err)
	}
	if len(got) != 1 {
		t.Errorf("got %v, want the sample written before the error", got)
	}
	// A collector describing two families with the same name fails as registration would.
	dup := familyCollector{family(prom.GaugeType, "x", "X.", nil, prom.Opts{}), family(prom.GaugeType, "x", "X.", nil, prom.Opts{})}
	if _, err := Samples(dup); err == nil {
		t.Error("no error for a collector describing a family twice")
	}
}

func TestUnregisteredMetricStaysUnregistered(t *testing.T) {
	// Collecting an unregistered metric must not tie it to the scratch registry: its run-time
	// errors still go to prom.Default's handler.
	c := prom.Must(prom.NewCounter("scratch_total", "S.", prom.Opts{Unregistered: true}))
	SampleValue(c, "scratch_total")
	var got []error
	prom.Default.SetErrorHandler(func(err error) { got = append(got, err) })
	defer prom.Default.SetErrorHandler(nil)
	c.Add(-1)
	if len(got) != 1 {
		t.Errorf("Default's handler got %d errors, want 1", len(got))
	}
}

// TestSampleValueExactName reads a counter with prom.Opts.ExactName under the name it was
// given, the series name of the text format.
func TestSampleValueExactName(t *testing.T) {
	c := prom.Must(prom.NewCounter("legacy_requests", "Requests.", prom.Opts{Unregistered: true, ExactName: true}))
	c.Add(3)
	if v, ok := SampleValue(c, "legacy_requests"); !ok || v != 3 {
		t.Errorf("legacy_requests = %v, %v; want 3", v, ok)
	}
	if _, ok := SampleValue(c, "legacy_requests_total"); ok {
		t.Error("legacy_requests_total found; the counter keeps its name")
	}
}
