package prom

import (
	"context"
	"math"
	"strings"
	"testing"
)

// collectorFunc is a Collector from a function, for tests of custom collectors. It is a
// pointer because registries key collectors in a map.
type funcCollector struct{ f func(w *Writer) }

func collectorFunc(f func(w *Writer)) *funcCollector { return &funcCollector{f} }

func (*funcCollector) Describe() []*Desc   { return nil }
func (c *funcCollector) Collect(w *Writer) { c.f(w) }

func TestFamilyAdd(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name string
		t    Type
		fam  string
		o    DescOpts
		add  func(f *Family) error
		want string
	}{
		{"counter", CounterType, "jobs_total", DescOpts{LabelNames: []string{"queue"}},
			func(f *Family) error { return f.Add(3, "a") },
			"# TYPE jobs counter\njobs_total{queue=\"a\"} 3\n"},
		{"gauge const labels", GaugeType, "temp", DescOpts{Unit: "celsius", ConstLabels: map[string]string{"room": "1"}},
			func(f *Family) error { return f.Add(-2.5) },
			"# TYPE temp_celsius gauge\ntemp_celsius{room=\"1\"} -2.5\n"},
		{"unknown", Unknown, "u", DescOpts{},
			func(f *Family) error { return f.Add(math.Inf(-1)) },
			"# TYPE u unknown\nu -Inf\n"},
		{"info", InfoType, "build_info", DescOpts{LabelNames: []string{"component"}},
			func(f *Family) error {
				return f.AddInfo(map[string]string{"version": "1.2", "commit": "abc"}, "api")
			},
			"# TYPE build info\nbuild_info{component=\"api\",commit=\"abc\",version=\"1.2\"} 1\n"},
		{"stateset non-exclusive", StateSetType, "features", DescOpts{},
			func(f *Family) error {
				return f.AddStateSet([]State{{"a", true}, {"b", false}, {"c", true}})
			},
			"# TYPE features stateset\nfeatures{features=\"a\"} 1\nfeatures{features=\"b\"} 0\nfeatures{features=\"c\"} 1\n"},
		{"histogram", HistogramType, "lat", DescOpts{Unit: "seconds"},
			func(f *Family) error { return f.AddHistogram([]Bucket{{0.1, 2, nil}, {inf, 5, nil}}, 3.5) },
			"# TYPE lat_seconds histogram\nlat_seconds_bucket{le=\"0.1\"} 2\nlat_seconds_bucket{le=\"+Inf\"} 5\nlat_seconds_count 5\nlat_seconds_sum 3.5\n"},
		{"gauge histogram", GaugeHistogramType, "q", DescOpts{},
			func(f *Family) error { return f.AddHistogram([]Bucket{{inf, 1, nil}}, 2) },
			"# TYPE q gaugehistogram\nq_bucket{le=\"+Inf\"} 1\nq_gcount 1\nq_gsum 2\n"},
		{"summary", SummaryType, "s", DescOpts{LabelNames: []string{"x"}},
			func(f *Family) error { return f.AddSummary(4, 10, []Quantile{{0.5, 2}, {0.9, 3}}, "y") },
			"# TYPE s summary\ns{x=\"y\",quantile=\"0.5\"} 2\ns{x=\"y\",quantile=\"0.9\"} 3\ns_count{x=\"y\"} 4\ns_sum{x=\"y\"} 10\n"},
		{"timestamp", GaugeType, "g", DescOpts{LabelNames: []string{"k"}},
			func(f *Family) error {
				return f.AddSeries(Series{Value: 7, LabelValues: []string{"v"}, Timestamp: 1700000000000 * 1e6, HasTimestamp: true})
			},
			"# TYPE g gauge\ng{k=\"v\"} 7 1700000000000\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFamily(tt.t, tt.fam, "Help.", tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.add(f); err != nil {
				t.Fatal(err)
			}
			r := NewRegistry()
			r.MustRegister(collectorFunc(func(w *Writer) { w.Write(f) }))
			got, err := samples(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestFamilyAddErrors(t *testing.T) {
	inf := math.Inf(1)
	fam := func(t Type, labels ...string) *Family {
		return Must(NewFamily(t, "m", "Help.", DescOpts{LabelNames: labels, ConstLabels: map[string]string{"c": "1"}}))
	}
	tests := []struct {
		name string
		add  func() error
		want string // part of the error
	}{
		{"label count", func() error { return fam(GaugeType, "a").Add(1) }, "got 0 label values [] for the label names [\"a\"]"},
		{"too many labels", func() error { return fam(GaugeType).Add(1, "x") }, "got 1 label values"},
		{"bad utf8", func() error { return fam(GaugeType, "a").Add(1, "\xff") }, "not valid UTF-8"},
		{"negative counter", func() error { return fam(CounterType).Add(-1) }, "never negative"},
		{"NaN counter", func() error { return fam(CounterType).Add(math.NaN()) }, "never negative or NaN"},
		{"Add on histogram", func() error { return fam(HistogramType).Add(1) }, "Add does not apply to a histogram"},
		{"AddInfo on gauge", func() error { return fam(GaugeType).AddInfo(nil) }, "AddInfo does not apply"},
		{"AddStateSet on gauge", func() error { return fam(GaugeType).AddStateSet(nil) }, "AddStateSet does not apply"},
		{"AddHistogram on summary", func() error { return fam(SummaryType).AddHistogram(nil, 0) }, "AddHistogram does not apply"},
		{"AddSummary on counter", func() error { return fam(CounterType).AddSummary(0, 0, nil) }, "AddSummary does not apply"},
		{"info clash variable", func() error { return fam(InfoType, "a").AddInfo(map[string]string{"a": "1"}, "x") }, "label name \"a\" is given twice"},
		{"info clash const", func() error { return fam(InfoType).AddInfo(map[string]string{"c": "1"}) }, "\"c\" is given twice (or is a constant label)"},
		{"info reserved", func() error { return fam(InfoType).AddInfo(map[string]string{"__x": "1"}) }, "reserved"},
		{"info label count", func() error { return fam(InfoType, "a").AddInfo(nil) }, "got 0 label values"},
		{"info value", func() error { return fam(InfoType).AddSeries(Series{Value: 2}) }, "always 1"},
		{"no states", func() error { return fam(StateSetType).AddStateSet(nil) }, "at least one state"},
		{"empty state", func() error { return fam(StateSetType).AddStateSet([]State{{"", true}}) }, "empty"},
		{"duplicate state", func() error { return fam(StateSetType).AddStateSet([]State{{"a", true}, {"a", false}}) }, "given twice"},
		{"state label", func() error {
			return fam(StateSetType).AddSeries(Series{LabelNames: []string{"m"}, LabelValues: []string{"x"}, States: []State{{"a", true}}})
		}, "holds the state"},
		{"names count", func() error { return fam(GaugeType).AddSeries(Series{LabelNames: []string{"a"}}) }, "1 label names [\"a\"] for 0 label values"},
		{"no +Inf", func() error { return fam(HistogramType).AddHistogram([]Bucket{{1, 1, nil}}, 1) }, "+Inf"},
		{"no buckets", func() error { return fam(HistogramType).AddHistogram(nil, 1) }, "+Inf"},
		{"bounds order", func() error {
			return fam(HistogramType).AddHistogram([]Bucket{{2, 1, nil}, {1, 1, nil}, {inf, 1, nil}}, 1)
		}, "not strictly increasing"},
		{"NaN bound", func() error { return fam(HistogramType).AddHistogram([]Bucket{{math.NaN(), 1, nil}, {inf, 1, nil}}, 1) }, "NaN"},
		{"counts decrease", func() error { return fam(HistogramType).AddHistogram([]Bucket{{1, 3, nil}, {inf, 2, nil}}, 1) }, "cumulative"},
		{"count mismatch", func() error {
			return fam(HistogramType).AddSeries(Series{Buckets: []Bucket{{inf, 2, nil}}, Count: 3})
		}, "count 3 differs"},
		{"quantile range", func() error { return fam(SummaryType).AddSummary(1, 1, []Quantile{{1.5, 1}}) }, "outside [0, 1]"},
		{"quantile order", func() error { return fam(SummaryType).AddSummary(1, 1, []Quantile{{0.9, 1}, {0.5, 1}}) }, "not strictly increasing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.add()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestFamilyAddCopiesAndRejectsWithoutAdding(t *testing.T) {
	f := Must(NewFamily(GaugeType, "g", "G.", DescOpts{LabelNames: []string{"a"}}))
	vals := []string{"x"}
	if err := f.Add(1, vals...); err != nil {
		t.Fatal(err)
	}
	vals[0] = "changed"
	if err := f.Add(2); err == nil {
		t.Fatal("no error for a missing label value")
	}
	if len(f.Series) != 1 || f.Series[0].LabelValues[0] != "x" {
		t.Errorf("series %+v: want one series with the label value copied", f.Series)
	}
}

func TestNewFamilyErrors(t *testing.T) {
	for _, tt := range []struct {
		t    Type
		name string
		o    DescOpts
		want string
	}{
		{InfoType, "i", DescOpts{Unit: "seconds"}, "forbids a unit"},
		{StateSetType, "s", DescOpts{Unit: "bytes"}, "forbids a unit"},
		{GaugeType, "", DescOpts{}, "empty"},
		{HistogramType, "h", DescOpts{LabelNames: []string{"le"}}, "reserved"},
		{StateSetType, "s", DescOpts{LabelNames: []string{"s"}}, "holds the state"},
	} {
		_, err := NewFamily(tt.t, tt.name, "Help.", tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewFamily(%v, %q, %+v): error %v, want one containing %q", tt.t, tt.name, tt.o, err, tt.want)
		}
	}
}

// discardEncoder counts the series it is given, for allocation tests of collection.
type discardEncoder struct{ families, series int }

func (e *discardEncoder) Family(*Desc)          { e.families++ }
func (e *discardEncoder) Series(*Desc, *Series) { e.series++ }

func collectOnce(r *Registry, e Encoder) {
	if err := r.Collect(context.Background(), e); err != nil {
		panic(err)
	}
}
