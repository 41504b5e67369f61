package prom

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGaugeFuncAndCounterFunc(t *testing.T) {
	r := NewRegistry()
	var depth atomic.Int64
	depth.Store(7)
	g := Must(NewGaugeFunc("queue_depth", "Jobs waiting.", func() float64 { return float64(depth.Load()) }, Opts{Registry: r}))
	Must(NewCounterFunc("served_total", "Requests served.", func() float64 { return 42 }, Opts{Registry: r, Namespace: "lib"}))
	Must(NewGaugeFuncVec("pool_connections", "Connections by state.", []string{"state"}, func(w *Writer) {
		w.Emit(&Series{Value: 3, LabelValues: []string{"idle"}})
		w.Emit(&Series{Value: 5, LabelValues: []string{"in_use"}})
	}, Opts{Registry: r}))
	Must(NewCounterFuncVec("transfer_total", "Bytes by direction.", []string{"dir"}, func(w *Writer) {
		w.Emit(&Series{Value: 10, LabelValues: []string{"in"}})
		w.Emit(&Series{Value: 20, LabelValues: []string{"out"}})
	}, Opts{Registry: r, Unit: "bytes"}))
	Must(NewGaugeFuncVec("empty", "Reports nothing.", []string{"x"}, func(w *Writer) {}, Opts{Registry: r}))

	want := `# TYPE lib_served counter
lib_served_total 42
# TYPE pool_connections gauge
pool_connections{state="idle"} 3
pool_connections{state="in_use"} 5
# TYPE queue_depth gauge
queue_depth 7
# TYPE transfer_bytes counter
transfer_bytes_total{dir="in"} 10
transfer_bytes_total{dir="out"} 20
`
	if got := mustSamples(t, r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	depth.Store(9)
	if got := mustSamples(t, r, "queue_depth"); got != "# TYPE queue_depth gauge\nqueue_depth 9\n" {
		t.Errorf("read at collection: %q", got)
	}
	if !r.Unregister(g) {
		t.Error("Unregister did not find the gauge func")
	}
}

func TestFuncCallbackSkippedWhenFiltered(t *testing.T) {
	r := NewRegistry()
	calls := 0
	Must(NewGaugeFunc("a", "A.", func() float64 { calls++; return 1 }, Opts{Registry: r}))
	Must(NewGauge("b", "B.", Opts{Registry: r}))
	mustSamples(t, r, "b")
	if calls != 0 {
		t.Errorf("callback called %d times for a collection that did not ask for its family", calls)
	}
}

func TestFuncBadValues(t *testing.T) {
	tests := []struct {
		name    string
		t       Type
		emit    func(w *Writer)
		want    string
		errKind error
		errText string
	}{
		{"label count", GaugeType, func(w *Writer) {
			w.Emit(&Series{Value: 1, LabelValues: []string{"a", "b"}})
			w.Emit(&Series{Value: 2, LabelValues: []string{"c"}})
		},
			"# TYPE m gauge\nm{k=\"c\"} 2\n", ErrLabelCount, `got 2 label values ["a" "b"] for the label names ["k"]`},
		{"negative counter", CounterType, func(w *Writer) {
			w.Emit(&Series{Value: -1, LabelValues: []string{"a"}})
			w.Emit(&Series{Value: 1, LabelValues: []string{"b"}})
		},
			"# TYPE m counter\nm_total{k=\"b\"} 1\n", ErrNegativeIncrement, "never negative"},
		{"NaN counter", CounterType, func(w *Writer) { w.Emit(&Series{Value: math.NaN(), LabelValues: []string{"a"}}) },
			"", ErrNaNIncrement, "NaN"},
		{"invalid UTF-8 repaired", GaugeType, func(w *Writer) { w.Emit(&Series{Value: 1, LabelValues: []string{"a\xff"}}) },
			"# TYPE m gauge\nm{k=\"a\uFFFD\"} 1\n", ErrInvalidUTF8, "not valid UTF-8"},
		{"several problems, one report", GaugeType, func(w *Writer) { w.Emit(&Series{Value: 1}); w.Emit(&Series{Value: 2}); w.Emit(&Series{Value: 3}) },
			"", ErrLabelCount, "and 2 more problems"},
		{"panic", GaugeType, func(w *Writer) { w.Emit(&Series{Value: 1, LabelValues: []string{"a"}}); panic("boom") },
			"# TYPE m gauge\nm{k=\"a\"} 1\n", ErrCollect, "the callback panicked: boom"},
		{"NaN gauge is a value", GaugeType, func(w *Writer) { w.Emit(&Series{Value: math.NaN(), LabelValues: []string{"a"}}) },
			"# TYPE m gauge\nm{k=\"a\"} NaN\n", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			r.SetErrorHandler(func(error) {}) // the errors are checked in Collect's result
			var err error
			if tt.t == CounterType {
				_, err = NewCounterFuncVec("m", "M.", []string{"k"}, tt.emit, Opts{Registry: r})
			} else {
				_, err = NewGaugeFuncVec("m", "M.", []string{"k"}, tt.emit, Opts{Registry: r})
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := samples(r)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if tt.errText == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if !errors.Is(err, tt.errKind) || !strings.HasPrefix(err.Error(), `prom: metric "m": `) || !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("error %v, want one wrapping %v for m containing %q", err, tt.errKind, tt.errText)
			}
			if n := strings.Count(err.Error(), "prom: metric"); n != 1 {
				t.Errorf("%d errors reported, want 1: %v", n, err)
			}
		})
	}
}

func TestCounterFuncNegative(t *testing.T) {
	r := NewRegistry()
	Must(NewCounterFunc("c", "C.", func() float64 { return -3 }, Opts{Registry: r}))
	got, err := samples(r, "c")
	if got != "" || err == nil || !strings.Contains(err.Error(), "-3") {
		t.Errorf("got %q, %v; want no series and an error naming -3", got, err)
	}
	// The default error handler counts the bad value under its own kind.
	got, _ = samples(r, "prom_runtime_errors")
	if want := "# TYPE prom_runtime_errors counter\nprom_runtime_errors_total{kind=\"negative_increment\"} 1\n"; got != want {
		t.Errorf("self-metric:\n%s\nwant\n%s", got, want)
	}
}

func TestFuncContext(t *testing.T) {
	r := NewRegistry()
	type key struct{}
	var seen any
	Must(NewGaugeFuncVec("m", "M.", nil, func(w *Writer) { seen = w.Context().Value(key{}); w.Emit(&Series{Value: 1}) }, Opts{Registry: r}))
	ctx := context.WithValue(context.Background(), key{}, "scrape")
	if err := r.Collect(ctx, &discardEncoder{}); err != nil {
		t.Fatal(err)
	}
	if seen != "scrape" {
		t.Errorf("callback saw context value %v, want the collection's", seen)
	}
}

func TestNewFuncErrors(t *testing.T) {
	no := Opts{Unregistered: true}
	for name, f := range map[string]func() (Collector, error){
		"nil gauge callback":   func() (Collector, error) { return NewGaugeFunc("g", "G.", nil, no) },
		"nil counter callback": func() (Collector, error) { return NewCounterFuncVec("c", "C.", []string{"a"}, nil, no) },
		"bad label": func() (Collector, error) {
			return NewGaugeFuncVec("g", "G.", []string{"__a"}, func(*Writer) {}, no)
		},
		"bad option": func() (Collector, error) {
			return NewCounterFunc("c", "C.", func() float64 { return 0 }, Opts{Buckets: []float64{1}})
		},
		"two opts": func() (Collector, error) { return NewGaugeFunc("g", "G.", func() float64 { return 0 }, no, no) },
	} {
		// A failed constructor returns a nil interface, not a nil pointer in one.
		if c, err := f(); err == nil || c != nil {
			t.Errorf("%s: got %#v, %v; want nil and an error", name, c, err)
		}
	}
	r := NewRegistry()
	Must(NewGauge("dup", "D.", Opts{Registry: r}))
	if _, err := NewGaugeFunc("dup", "D.", func() float64 { return 0 }, Opts{Registry: r}); err == nil {
		t.Error("a gauge func registered over a gauge of the same name")
	}
}

func TestFuncCollectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector")
	}
	r := NewRegistry()
	codes := []string{"200", "404", "500"}
	Must(NewGaugeFunc("g", "G.", func() float64 { return 1 }, Opts{Registry: r}))
	Must(NewCounterFuncVec("c", "C.", []string{"method", "code"}, func(w *Writer) {
		for i, c := range codes {
			w.Emit(&Series{Value: float64(i), LabelValues: []string{"GET", c}})
		}
	}, Opts{Registry: r}))
	var e discardEncoder
	collectOnce(r, &e)
	if n := testing.AllocsPerRun(100, func() { collectOnce(r, &e) }); n != 0 {
		t.Errorf("collecting callback metrics: %v allocs", n)
	}
}

func BenchmarkCounterFuncVecCollect(b *testing.B) {
	r := NewRegistry()
	Must(NewCounterFuncVec("c", "C.", []string{"method", "code"}, func(w *Writer) {
		for range 100 {
			w.Emit(&Series{Value: 1, LabelValues: []string{"GET", "200"}})
		}
	}, Opts{Registry: r}))
	var e discardEncoder
	b.ReportAllocs()
	for b.Loop() {
		collectOnce(r, &e)
	}
}
