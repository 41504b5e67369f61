package prom

import (
	"context"
	"errors"
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

// emitOne collects a registry whose one collector emits s into family d, and returns what
// the encoder received and the collection's error.
func emitOne(t *testing.T, d *Desc, s ...*Series) (string, error) {
	t.Helper()
	r := NewRegistry()
	r.SetErrorHandler(func(error) {})
	r.MustRegister(collectorFunc(func(w *Writer) {
		w.Family(d)
		for _, x := range s {
			w.Emit(x)
		}
	}))
	return samples(r)
}

func TestEmit(t *testing.T) {
	inf := math.Inf(1)
	desc := func(t Type, name string, labels []string, opts ...Opts) *Desc {
		return Must(NewDesc(t, name, "Help.", labels, opts...))
	}
	tests := []struct {
		name string
		d    *Desc
		s    Series
		want string
	}{
		{"counter", desc(CounterType, "jobs_total", []string{"queue"}),
			Series{Value: 3, LabelValues: []string{"a"}},
			"# TYPE jobs counter\njobs_total{queue=\"a\"} 3\n"},
		{"gauge const labels", desc(GaugeType, "temp", nil, Opts{Unit: "celsius", ConstLabels: map[string]string{"room": "1"}}),
			Series{Value: -2.5},
			"# TYPE temp_celsius gauge\ntemp_celsius{room=\"1\"} -2.5\n"},
		{"unknown", desc(Unknown, "u", nil), Series{Value: math.Inf(-1)}, "# TYPE u unknown\nu -Inf\n"},
		{"info with own label names, value ignored", desc(InfoType, "build_info", nil),
			Series{LabelNames: []string{"component", "commit"}, LabelValues: []string{"api", "abc"}},
			"# TYPE build info\nbuild_info{component=\"api\",commit=\"abc\"} 1\n"},
		{"stateset non-exclusive", desc(StateSetType, "features", nil),
			Series{States: []State{{"a", true}, {"b", false}, {"c", true}}},
			"# TYPE features stateset\nfeatures{features=\"a\"} 1\nfeatures{features=\"b\"} 0\nfeatures{features=\"c\"} 1\n"},
		{"histogram", desc(HistogramType, "lat", nil, Opts{Unit: "seconds"}),
			Series{Buckets: []Bucket{{0.1, 2, nil}, {inf, 5, nil}}, Count: 5, Sum: 3.5},
			"# TYPE lat_seconds histogram\nlat_seconds_bucket{le=\"0.1\"} 2\nlat_seconds_bucket{le=\"+Inf\"} 5\nlat_seconds_count 5\nlat_seconds_sum 3.5\n"},
		{"gauge histogram", desc(GaugeHistogramType, "q", nil),
			Series{Buckets: []Bucket{{inf, 1, nil}}, Count: 1, Sum: 2},
			"# TYPE q gaugehistogram\nq_bucket{le=\"+Inf\"} 1\nq_gcount 1\nq_gsum 2\n"},
		{"summary", desc(SummaryType, "s", []string{"x"}),
			Series{Count: 4, Sum: 10, Quantiles: []Quantile{{0.5, 2}, {0.9, 3}}, LabelValues: []string{"y"}},
			"# TYPE s summary\ns{x=\"y\",quantile=\"0.5\"} 2\ns{x=\"y\",quantile=\"0.9\"} 3\ns_count{x=\"y\"} 4\ns_sum{x=\"y\"} 10\n"},
		{"timestamp", desc(GaugeType, "g", []string{"k"}),
			Series{Value: 7, LabelValues: []string{"v"}, Timestamp: 1700000000000 * 1e6, HasTimestamp: true},
			"# TYPE g gauge\ng{k=\"v\"} 7 1700000000000\n"},
		{"invalid UTF-8 repaired", desc(GaugeType, "g", []string{"k"}),
			Series{Value: 1, LabelValues: []string{"a\xffb"}},
			"# TYPE g gauge\ng{k=\"a\uFFFDb\"} 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := emitOne(t, tt.d, &tt.s)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if repaired := strings.Contains(tt.name, "repaired"); repaired != errors.Is(err, ErrInvalidUTF8) {
				t.Errorf("error %v; want one only when a value is repaired", err)
			}
		})
	}
}

// TestEmitProblems: a series that does not fit its family is skipped, the other series of the
// family are written, and the collection reports one error for the family that wraps the
// run-time error of the first problem, names it and counts the others.
func TestEmitProblems(t *testing.T) {
	inf := math.Inf(1)
	desc := func(t Type, labels ...string) *Desc {
		return Must(NewDesc(t, "m", "Help.", labels, Opts{ConstLabels: map[string]string{"c": "1"}}))
	}
	tests := []struct {
		name string
		d    *Desc
		s    Series
		kind error
		want string // part of the error
	}{
		{"label count", desc(GaugeType, "a"), Series{Value: 1}, ErrLabelCount, "got 0 label values [] for the label names [\"a\"]"},
		{"too many labels", desc(GaugeType), Series{LabelValues: []string{"x"}}, ErrLabelCount, "got 1 label values"},
		{"negative counter", desc(CounterType), Series{Value: -1}, ErrNegativeIncrement, "never negative"},
		{"NaN counter", desc(CounterType), Series{Value: math.NaN()}, ErrNaNIncrement, "never negative or NaN"},
		{"names count", desc(GaugeType), Series{LabelNames: []string{"a"}}, ErrLabelCount, "1 label names [\"a\"] for 0 label values"},
		{"name twice", desc(InfoType), Series{LabelNames: []string{"a", "a"}, LabelValues: []string{"1", "2"}}, ErrLabelCount, "label name \"a\" is given twice"},
		{"name const", desc(InfoType), Series{LabelNames: []string{"c"}, LabelValues: []string{"1"}}, ErrLabelCount, "\"c\" is a constant label"},
		{"name reserved", desc(InfoType), Series{LabelNames: []string{"__x"}, LabelValues: []string{"1"}}, ErrLabelCount, "reserved"},
		{"state label", desc(StateSetType), Series{LabelNames: []string{"m"}, LabelValues: []string{"x"}, States: []State{{"a", true}}}, ErrLabelCount, "holds the state"},
		{"no states", desc(StateSetType), Series{}, ErrCollect, "at least one state"},
		{"empty state", desc(StateSetType), Series{States: []State{{"", true}}}, ErrCollect, "empty"},
		{"duplicate state", desc(StateSetType), Series{States: []State{{"a", true}, {"a", false}}}, ErrCollect, "given twice"},
		{"no +Inf", desc(HistogramType), Series{Buckets: []Bucket{{1, 1, nil}}, Count: 1}, ErrCollect, "+Inf"},
		{"no buckets", desc(HistogramType), Series{Count: 1}, ErrCollect, "+Inf"},
		{"bounds order", desc(HistogramType), Series{Buckets: []Bucket{{2, 1, nil}, {1, 1, nil}, {inf, 1, nil}}, Count: 1}, ErrCollect, "not strictly increasing"},
		{"NaN bound", desc(HistogramType), Series{Buckets: []Bucket{{math.NaN(), 1, nil}, {inf, 1, nil}}, Count: 1}, ErrCollect, "NaN"},
		{"counts decrease", desc(HistogramType), Series{Buckets: []Bucket{{1, 3, nil}, {inf, 2, nil}}, Count: 2}, ErrCollect, "cumulative"},
		{"count mismatch", desc(HistogramType), Series{Buckets: []Bucket{{inf, 2, nil}}, Count: 3}, ErrCollect, "count 3 differs"},
		{"quantile range", desc(SummaryType), Series{Quantiles: []Quantile{{1.5, 1}}}, ErrCollect, "outside [0, 1]"},
		{"quantile order", desc(SummaryType), Series{Quantiles: []Quantile{{0.9, 1}, {0.5, 1}}}, ErrCollect, "not strictly increasing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := tt.s
			got, err := emitOne(t, tt.d, &tt.s, &bad)
			if !errors.Is(err, tt.kind) || !strings.HasPrefix(err.Error(), `prom: metric "m": `) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want one wrapping %v for m containing %q", err, tt.kind, tt.want)
			}
			if !strings.Contains(err.Error(), "(and 1 more problems in this collection)") {
				t.Errorf("error %v: want the second problem counted", err)
			}
			if strings.Count(err.Error(), "prom: metric") != 1 {
				t.Errorf("error %v: want one error for the family", err)
			}
			if got != "" {
				t.Errorf("wrote\n%s\nwant nothing: the bad series are skipped", got)
			}
		})
	}
}

// TestEmitSkipsOnlyBadSeries: the good series around a bad one are written.
func TestEmitSkipsOnlyBadSeries(t *testing.T) {
	d := Must(NewDesc(CounterType, "c", "Help.", []string{"k"}))
	got, err := emitOne(t, d, &Series{Value: 1, LabelValues: []string{"a"}}, &Series{Value: -1, LabelValues: []string{"b"}},
		&Series{Value: 2, LabelValues: []string{"c"}})
	if want := "# TYPE c counter\nc_total{k=\"a\"} 1\nc_total{k=\"c\"} 2\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if err == nil || !strings.Contains(err.Error(), `value -1 for ["b"]`) {
		t.Errorf("error %v; want the bad series named", err)
	}
}

func TestEmitBeforeFamily(t *testing.T) {
	r := NewRegistry()
	r.SetErrorHandler(func(error) {})
	r.MustRegister(collectorFunc(func(w *Writer) { w.Emit(&Series{Value: 1}) }))
	if _, err := samples(r); err == nil || !strings.Contains(err.Error(), "before calling Family") {
		t.Errorf("error %v; want one for a series before Family", err)
	}
}

// TestEmitAllocs: a custom collector's composite literal, its label values and its buckets
// stay on its stack: Emit copies what it needs into the Writer.
func TestEmitAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop objects")
	}
	g := Must(NewDesc(GaugeType, "g", "G.", []string{"k"}))
	h := Must(NewDesc(HistogramType, "h", "H.", nil))
	r := NewRegistry()
	r.MustRegister(collectorFunc(func(w *Writer) {
		w.Family(g)
		for _, k := range [...]string{"a", "b", "c"} {
			w.Emit(&Series{Value: 1, LabelValues: []string{k}})
		}
		w.Family(h)
		w.Emit(&Series{Buckets: []Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 2}}, Count: 2, Sum: 3,
			Exemplar: &Exemplar{Value: 1}})
	}))
	enc := &discardEncoder{}
	collectOnce(r, enc)
	if enc.series != 4 {
		t.Fatalf("encoder got %d series, want 4", enc.series)
	}
	if n := testing.AllocsPerRun(100, func() { collectOnce(r, enc) }); n != 0 {
		t.Errorf("a collection allocates %v times, want 0", n)
	}
}

func TestNewDescUnitForbidden(t *testing.T) {
	for _, typ := range []Type{InfoType, StateSetType} {
		if _, err := NewDesc(typ, "x", "Help.", nil, Opts{Unit: "seconds"}); err == nil || !strings.Contains(err.Error(), "forbids a unit") {
			t.Errorf("NewDesc(%v) with a unit: error %v, want one saying OpenMetrics forbids it", typ, err)
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

// BenchmarkEmit measures a collection of 100 gauge series, two labels each, written by a
// custom collector with Emit: the copy and the checks, into an encoder that discards them.
func BenchmarkEmit(b *testing.B) {
	d := Must(NewDesc(GaugeType, "g", "G.", []string{"a", "b"}))
	names := make([]string, 100)
	for i := range names {
		names[i] = "series-" + string(rune('a'+i%26))
	}
	r := NewRegistry()
	r.MustRegister(collectorFunc(func(w *Writer) {
		w.Family(d)
		for i, n := range names {
			w.Emit(&Series{Value: float64(i), LabelValues: []string{n, "x"}})
		}
	}))
	enc := &discardEncoder{}
	b.ReportAllocs()
	for b.Loop() {
		collectOnce(r, enc)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(names)), "ns/series")
}
